/**
 * @file The fusion weights of one (request, item) pair in plain JS, shared by training-time scoring and the
 * TF.js-free serving form, so both compute the same function.
 */
import type { Mixing } from "./options.js";

/**
 * The fusion weights of one (request, item) pair from its logits (cross: request·v_m/√d; moe: gate logits incl.
 * bias); avg ignores them. Writes M weights summing to 1 into `out`.
 */
export function mixWeights(mixing: Mixing, logits: ArrayLike<number>, topK: number, out: Float64Array): Float64Array {
  const m = out.length;
  if (mixing === "avg" || m === 1) return out.fill(1 / m);
  const gated = mixing === "moe" && topK < m;
  // Written without closures or allocation: this runs once per (request, item) pair on the request path.
  let max = -Infinity;
  for (let i = 0; i < m; i++) if ((!gated || inTopK(logits, i, topK, m)) && logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < m; i++) {
    out[i] = !gated || inTopK(logits, i, topK, m) ? Math.exp(logits[i] - max) : 0;
    sum += out[i];
  }
  for (let i = 0; i < m; i++) out[i] /= sum;
  return out;
}

/** Whether expert i is among the top k logits (ties keep the lower index); experts outside get weight 0. */
function inTopK(logits: ArrayLike<number>, i: number, k: number, m: number): boolean {
  let better = 0;
  for (let j = 0; j < m; j++) if (logits[j] > logits[i] || (logits[j] === logits[i] && j < i)) better++;
  return better < k;
}

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
  // Experts outside the top k get -Infinity (weight 0); allocation-free: this runs per (request, item) pair.
  const kept = mixing === "moe" && topK < m ? keptLogit(logits, topK, m) : undefined;
  const at = (i: number) => (kept === undefined || kept(i) ? logits[i] : -Infinity);
  let max = -Infinity;
  for (let i = 0; i < m; i++) if (at(i) > max) max = at(i);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    out[i] = at(i) === -Infinity ? 0 : Math.exp(at(i) - max);
    sum += out[i];
  }
  for (let i = 0; i < m; i++) out[i] /= sum;
  return out;
}

/** Whether expert i is among the top k logits (ties keep the lower index). */
function keptLogit(logits: ArrayLike<number>, k: number, m: number): (i: number) => boolean {
  return (i) => {
    let better = 0;
    for (let j = 0; j < m; j++) if (logits[j] > logits[i] || (logits[j] === logits[i] && j < i)) better++;
    return better < k;
  };
}

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
  let keep: boolean[] = Array.from({ length: m }, () => true);
  if (mixing === "moe" && topK < m) {
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
    keep = keep.map(() => false);
    for (let j = 0; j < topK; j++) keep[order[j]] = true;
  }
  let max = -Infinity;
  for (let i = 0; i < m; i++) if (keep[i] && logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < m; i++) {
    out[i] = keep[i] ? Math.exp(logits[i] - max) : 0;
    sum += out[i];
  }
  for (let i = 0; i < m; i++) out[i] /= sum;
  return out;
}

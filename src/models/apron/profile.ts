/**
 * @file A listener's profile edits applied to APRON's prototype weights: set or zero a prototype's weight, the rest
 * rescaled so the profile stays a distribution, and the per-head weights moved the same way.
 */
import { InputError } from "../../errors.js";
import type { ProfileEdits } from "../recommender.js";

/**
 * The profile after `edits` (tag -> weight in [0, 1]): edited prototypes get their weight, the others share the rest
 * (1 − Σ edited) in their old proportions. When the edited weights sum to more than 1, or nothing unedited has weight
 * left, the whole vector is renormalised instead. An unknown tag or a weight outside [0, 1] is an InputError naming
 * it; a profile left with no weight at all is an InputError too (nothing to recommend from).
 * @example editProfile(Float32Array.of(0.5, 0.3, 0.2), ["rock", "jazz", "folk"], { prototypeWeights: { rock: 0 } }) // [0, 0.6, 0.4]
 */
export function editProfile(weights: Float32Array, tags: readonly string[], edits: ProfileEdits): Float32Array {
  const slot = new Map(tags.map((t, k) => [t, k]));
  const edited = new Map<number, number>();
  for (const [tag, v] of Object.entries(edits.prototypeWeights)) {
    const k = slot.get(tag);
    if (k === undefined) throw new InputError(`profile edit: "${tag}" is not one of this profile's ${tags.length} prototypes (e.g. ${tags.slice(0, 5).join(", ")})`, { field: "profile" });
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new InputError(`profile edit: the weight of "${tag}" must be in [0, 1], got ${v}`, { field: "profile" });
    edited.set(k, v);
  }
  const out = Float32Array.from(weights);
  let fixed = 0;
  let rest = 0;
  for (let k = 0; k < out.length; k++) {
    if (edited.has(k)) {
      out[k] = edited.get(k)!;
      fixed += out[k];
    } else rest += out[k];
  }
  if (fixed <= 1 && rest > 0) {
    const scale = (1 - fixed) / rest;
    for (let k = 0; k < out.length; k++) if (!edited.has(k)) out[k] *= scale;
    return out;
  }
  const total = fixed + rest;
  if (total <= 0) throw new InputError("profile edit: every prototype weight is 0, so there is nothing to recommend from; keep at least one above 0", { field: "profile" });
  for (let k = 0; k < out.length; k++) out[k] /= total;
  return out;
}

/**
 * Moves per-head weights (heads x K, each row a distribution, their mean = `before`) towards `after`: each
 * prototype's weight is scaled by after/before in every head (a prototype absent from the profile gets `after`'s
 * weight in every head), then every head is renormalised. A zeroed prototype is 0 in every head; otherwise the
 * heads' mean is close to, not exactly, `after` (the renormalisation is per head), and `after` is what the listener
 * sees as their profile.
 * @example editHeads(Float32Array.of(0.6, 0.4, 0.4, 0.6), Float32Array.of(0.5, 0.5), Float32Array.of(0, 1), 2) // [0, 1, 0, 1]
 */
export function editHeads(heads: Float32Array, before: Float32Array, after: Float32Array, k: number): Float32Array {
  const out = new Float32Array(heads.length);
  for (let h = 0; h < heads.length / k; h++) {
    let sum = 0;
    for (let p = 0; p < k; p++) {
      const v = before[p] > 0 ? heads[h * k + p] * (after[p] / before[p]) : after[p];
      out[h * k + p] = v;
      sum += v;
    }
    if (sum > 0) for (let p = 0; p < k; p++) out[h * k + p] /= sum;
  }
  return out;
}

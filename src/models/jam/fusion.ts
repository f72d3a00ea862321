/**
 * @file JAM's fusion in plain JS: the one kernel that evaluation (`JamRecommender.score`) and serving (`JamServing`)
 * share, so `eval` measures exactly what requests get. Training differentiates its TF.js twin, `mixScores` in
 * mixing.ts (same function; see that file for the three fusions).
 *
 * Both callers first compute per-modality dot products of one request with n items (all items when evaluating, a
 * shortlist when serving), then call {@link fuseScores} for the scores or {@link fusePair} for one item's parts.
 */
import type { Mixing } from "./options.js";

/** How one model fuses: constant for a trained model. */
export interface Fusion {
  readonly mixing: Mixing;
  /** MoE: experts (modalities) kept per (request, item) pair. */
  readonly topK: number;
  /** 1/√d: the temperature of cross attention and of the MoE gate. */
  readonly scale: number;
  /** MoE: one gate bias per modality. */
  readonly gateBias?: ArrayLike<number>;
}

/**
 * Dot products of one request with n items, per modality m (each array has n values, item j at index j):
 * `request[m][j]` = request·v_m, `user[m][j]` = user·v_m (absent: no user term), `gate[m][j]` = (G·request)·v_m
 * (MoE only).
 */
export interface PairDots {
  readonly request: readonly Float32Array[];
  readonly user?: readonly Float32Array[];
  readonly gate?: readonly Float32Array[];
}

/** Per-call scratch of {@link fusePair} and {@link fuseScores}: sized by the modality count, reused across items. */
export interface FusionScratch {
  readonly w: Float64Array;
  readonly logits: Float64Array;
}

/** Scratch for `modalities` modalities. */
export function fusionScratch(modalities: number): FusionScratch {
  return { w: new Float64Array(modalities), logits: new Float64Array(modalities) };
}

/**
 * The fusion weights of item j into `scratch.w` (M weights in [0, 1] summing to 1), and its request and user parts
 * (Σ_m w_m request·v_m and Σ_m w_m user·v_m; user is 0 without a user term). The item's score is their sum plus its
 * bias, exactly as {@link fuseScores} computes it.
 * @example fusePair({ mixing: "avg", topK: 2, scale: 1 }, { request: [Float32Array.of(2), Float32Array.of(4)] }, 0, fusionScratch(2))
 * // { request: 3, user: 0 } (w = [0.5, 0.5])
 */
export function fusePair(f: Fusion, dots: PairDots, j: number, scratch: FusionScratch): { request: number; user: number } {
  const { request, user, gate } = dots;
  weightsAt(kindOf(f, dots), request, gate, f.gateBias, f.scale, f.topK, j, scratch);
  const { w } = scratch;
  let sq = 0;
  let su = 0;
  for (let m = 0; m < w.length; m++) {
    sq += w[m] * request[m][j];
    if (user !== undefined) su += w[m] * user[m][j];
  }
  return { request: sq, user: su };
}

/**
 * Scores of n items: out[j] = Σ_m w_m(j) (request·v_m + user·v_m) + bias[j], the same arithmetic as
 * {@link fusePair}. Allocation-free, and everything constant per call is read once, outside the item loop: this is
 * the hot loop of evaluation (every item for every request) and of serving (the shortlist).
 */
export function fuseScores(f: Fusion, dots: PairDots, bias: ArrayLike<number>, out: Float32Array, scratch = fusionScratch(dots.request.length)): Float32Array {
  const { w } = scratch;
  const { request, user, gate } = dots;
  const M = request.length;
  const kind = kindOf(f, dots);
  const { gateBias, scale, topK } = f;
  for (let j = 0; j < out.length; j++) {
    weightsAt(kind, request, gate, gateBias, scale, topK, j, scratch);
    let sq = 0;
    let su = 0;
    if (user === undefined) {
      for (let m = 0; m < M; m++) sq += w[m] * request[m][j];
    } else {
      for (let m = 0; m < M; m++) {
        sq += w[m] * request[m][j];
        su += w[m] * user[m][j];
      }
    }
    out[j] = sq + su + bias[j];
  }
  return out;
}

/** 0: equal weights (avg, or one modality); 1: cross attention; 2: the MoE gate. Checks MoE has its gate. */
function kindOf(f: Fusion, dots: PairDots): 0 | 1 | 2 {
  if (f.mixing === "avg" || dots.request.length === 1) return 0;
  if (f.mixing === "cross") return 1;
  if (dots.gate === undefined || f.gateBias === undefined) throw new Error("moe fusion needs gate dot products and a gate bias");
  return 2;
}

/** Writes item j's fusion weights into scratch.w (formulas: the file header of mixing.ts). Primitives only: it runs per item. */
function weightsAt(
  kind: 0 | 1 | 2,
  request: readonly Float32Array[],
  gate: readonly Float32Array[] | undefined,
  gateBias: ArrayLike<number> | undefined,
  scale: number,
  topK: number,
  j: number,
  scratch: FusionScratch,
): void {
  const { w, logits } = scratch;
  const M = w.length;
  if (kind === 0) {
    w.fill(1 / M);
  } else if (kind === 1) {
    // Cross attention, the common case: softmax without mixWeights' logits copy and gating checks (same arithmetic).
    let max = -Infinity;
    for (let m = 0; m < M; m++) if (request[m][j] * scale > max) max = request[m][j] * scale;
    let sum = 0;
    for (let m = 0; m < M; m++) sum += w[m] = Math.exp(request[m][j] * scale - max);
    for (let m = 0; m < M; m++) w[m] /= sum;
  } else {
    for (let m = 0; m < M; m++) logits[m] = gate![m][j] * scale + gateBias![m];
    mixWeights("moe", logits, topK, w);
  }
}

/**
 * The fusion weights of one (request, item) pair from its logits (cross: request·v_m/√d; moe: gate logits incl.
 * bias); avg ignores them. Writes M weights summing to 1 into `out`.
 * @example mixWeights("cross", [0, Math.log(3)], 2, new Float64Array(2)) // Float64Array [0.25, 0.75]
 */
export function mixWeights(mixing: Mixing, logits: ArrayLike<number>, topK: number, out: Float64Array): Float64Array {
  const m = out.length;
  if (mixing === "avg" || m === 1) return out.fill(1 / m);
  const gated = mixing === "moe" && topK < m;
  // Written without closures or allocation: this runs once per (request, item) pair.
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

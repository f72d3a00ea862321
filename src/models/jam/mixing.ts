/**
 * @file The three JAM fusions of an item's projected modality vectors v_1..v_M as TF.js ops, for training; its
 * plain-JS twin over precomputed dot products (evaluation and serving) is fusion.ts, the same function.
 *
 * With left = user + request (d-dim), s_m = left·v_m, the score is Σ_m w_m s_m where
 * - avg:   w_m = 1/M (AvgMixing);
 * - cross: w = softmax_m(request·v_m / √d) (CrossMixing: the projected request attends over the modalities);
 * - moe:   w = softmax over the top-k of g_m = (G·request)·v_m / √d + c_m, 0 elsewhere (MoEMixing: a learned
 *          gate picks k modality experts per (request, item) pair).
 * Since Σ_m w_m (left·v_m) = left·(Σ_m w_m v_m), this is exactly (user + request) · fused item.
 */
import { tf } from "../tf/backend.js";
import type { Mixing } from "./options.js";

/** Inputs of {@link mixScores}: all rows aligned (one row per (left, item) pair). Call inside tf.tidy. */
export interface MixInputs {
  readonly mixing: Mixing;
  /** rows x d: user + request. */
  readonly left: tf.Tensor2D;
  /** rows x d: the projected request (cross attention query). */
  readonly request: tf.Tensor2D;
  /** rows x d: G·request (moe only). */
  readonly gated?: tf.Tensor2D;
  /** 1 x M gate bias (moe only). */
  readonly gateBias?: tf.Tensor2D;
  /** One rows x d tensor per modality. */
  readonly items: readonly tf.Tensor2D[];
  readonly topK: number;
}

function rowDots(a: tf.Tensor2D, vs: readonly tf.Tensor2D[]): tf.Tensor2D {
  return tf.stack(vs.map((v) => tf.sum(tf.mul(a, v), 1)), 1) as tf.Tensor2D;
}

/**
 * The additive mask that keeps the top-k logits of each row (0) and drops the rest (−1e9): computed in JS from
 * the logits' values, so it is a constant for the gradient (the selection itself is not differentiable).
 * Ties keep the lower modality index.
 */
export function topKMask(logits: ArrayLike<number>, rows: number, m: number, k: number): Float32Array {
  const mask = new Float32Array(rows * m);
  if (k >= m) return mask;
  const order = Array.from({ length: m }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    order.sort((a, b) => logits[r * m + b] - logits[r * m + a] || a - b);
    for (let j = k; j < m; j++) mask[r * m + order[j]] = -1e9;
  }
  return mask;
}

/** Scores (length = rows) of the aligned pairs; differentiable w.r.t. every input. Call inside tf.tidy. */
export function mixScores(x: MixInputs): tf.Tensor1D {
  const s = rowDots(x.left, x.items); // rows x M
  const m = x.items.length;
  if (x.mixing === "avg" || m === 1) return tf.mean(s, 1) as tf.Tensor1D;
  const scale = 1 / Math.sqrt(x.left.shape[1]);
  let logits: tf.Tensor2D;
  if (x.mixing === "cross") {
    logits = tf.mul(rowDots(x.request, x.items), scale);
  } else {
    if (x.gated === undefined || x.gateBias === undefined) throw new Error("moe mixing needs gated and gateBias");
    logits = tf.add(tf.mul(rowDots(x.gated, x.items), scale), x.gateBias);
    const mask = topKMask(logits.dataSync(), logits.shape[0], m, x.topK);
    logits = tf.add(logits, tf.tensor2d(mask, logits.shape));
  }
  return tf.sum(tf.mul(tf.softmax(logits), s), 1) as tf.Tensor1D;
}

/**
 * @file BPR training pieces: seeded batch sampling with shared negative pools, and the softplus BPR loss.
 */
import { shuffleInPlace, type Rng } from "../../core/random.js";
import { tf } from "./backend.js";
import { matMulTransposeB } from "./ops.js";

/** One training batch: B positives (left row, item) and, per positive, K negatives drawn from a shared pool. */
export interface BprBatch {
  /** Left-tower input row of each positive (a user, or a distinct request text): length B. */
  readonly left: Int32Array;
  /** Positive item of each positive: length B. */
  readonly pos: Int32Array;
  /** Uniformly drawn negative items: length P (the pool). */
  readonly pool: Int32Array;
  /**
   * rows = B, cols = P: how many of positive b's K negatives are pool entry p (rows sum to K). A dense weight
   * matrix rather than gather indices, because the gradient of tf.gather needs UnsortedSegmentSum, which the
   * WASM backend lacks; B x P = 512 x 512 floats is cheap.
   */
  readonly negWeights: Float32Array;
}

/** Sampling settings. */
export interface SamplerOptions {
  readonly batchSize: number;
  /** K: negatives per positive. */
  readonly negatives: number;
  readonly nItems: number;
  /** Draws one pool item from rng (e.g. popularity-weighted); default: uniform over nItems. */
  readonly drawPoolItem?: (rng: Rng) => number;
}

/**
 * Shuffles the positives and cuts them into batches. Each batch draws a pool of B uniform items (the item tower
 * then embeds 2B rows instead of B·(1+K): 2.5x less work at K = 4) and gives every positive K pool entries
 * that are not among that left row's known positives (up to 20 tries; on a tiny catalog a known positive may
 * remain). Deterministic for a given rng state.
 */
export function* bprBatches(
  pairs: { readonly left: Int32Array; readonly item: Int32Array },
  positivesOf: readonly ReadonlySet<number>[],
  options: SamplerOptions,
  rng: Rng,
): Generator<BprBatch> {
  const n = pairs.left.length;
  const order = shuffleInPlace(rng, Int32Array.from({ length: n }, (_, i) => i));
  const K = options.negatives;
  for (let start = 0; start < n; start += options.batchSize) {
    const B = Math.min(options.batchSize, n - start);
    const P = B;
    const left = new Int32Array(B);
    const pos = new Int32Array(B);
    const pool = new Int32Array(P);
    const draw = options.drawPoolItem ?? ((r: Rng) => Math.floor(r() * options.nItems));
    for (let p = 0; p < P; p++) pool[p] = draw(rng);
    const negWeights = new Float32Array(B * P);
    for (let b = 0; b < B; b++) {
      const i = order[start + b];
      left[b] = pairs.left[i];
      pos[b] = pairs.item[i];
      const known = positivesOf[left[b]];
      for (let k = 0; k < K; k++) {
        let p = Math.floor(rng() * P);
        for (let t = 0; t < 20 && known.has(pool[p]); t++) p = Math.floor(rng() * P);
        negWeights[b * P + p] += 1;
      }
    }
    yield { left, pos, pool, negWeights };
  }
}

/**
 * Mean BPR loss softplus(s_neg − s_pos) = −log σ(s_pos − s_neg) over all B·K (positive, negative) pairs.
 * Written with softplus because the gradient of tf.logSigmoid throws in TF.js 4.22. Call inside tf.tidy.
 * @param left rows = B, the left embeddings; @param posItems rows = B; @param poolItems rows = P;
 * @param negWeights B x P counts (see {@link BprBatch.negWeights}).
 * @param offsets score terms outside the embeddings (e.g. a pair prior), per positive [B] and per (positive, pool
 * entry) [B, P], added before the comparison.
 */
export function bprLoss(
  left: tf.Tensor2D,
  posItems: tf.Tensor2D,
  poolItems: tf.Tensor2D,
  negWeights: tf.Tensor2D,
  negatives: number,
  offsets?: { readonly pos: tf.Tensor1D; readonly pool: tf.Tensor2D },
): tf.Scalar {
  let sPos: tf.Tensor1D = tf.sum(tf.mul(left, posItems), 1); // [B]
  let sAll = matMulTransposeB(left, poolItems); // [B, P]
  if (offsets !== undefined) {
    sPos = tf.add(sPos, offsets.pos);
    sAll = tf.add(sAll, offsets.pool);
  }
  const pairLoss = tf.softplus(tf.sub(sAll, tf.expandDims(sPos, 1))); // [B, P]
  return tf.div(tf.sum(tf.mul(pairLoss, negWeights)), left.shape[0] * negatives);
}

/**
 * @file Teacher forcing for the decoder in TF.js: per (request, item) pair, the item's identifier is fed one token
 * at a time and each next token is scored against its siblings in the trie (the softmax the constrained search
 * normalises over), so training and decoding optimise and rank by the same distribution.
 */
import { mulberry32 } from "../../core/random.js";
import { tf } from "../tf/backend.js";
import { gatherRows, matMulConstA, matMulFast } from "../tf/ops.js";
import { DECODER_ARRAYS, decoderShapes, randomDecoderWeights, type DecoderDims, type DecoderWeights } from "./decoder.js";
import type { PrefixTrie } from "./trie.js";

/** One step's pairs: rows of the request matrix and the items they ask for. */
export interface PairBatch {
  readonly left: Int32Array;
  readonly item: Int32Array;
}

/** Feeds and targets of a batch, time-major (row t * B + b is position t of pair b). */
interface BatchArrays {
  readonly T: number;
  readonly inputs: Int32Array;
  /** Additive mask [T*B, V]: 0 for the trie's children at that position, -1e9 for other tokens (0 on padding rows). */
  readonly mask: Float32Array;
  /** One-hot targets [T*B, V] (all zero on padding rows). */
  readonly gold: Float32Array;
  /** Per row: 1 for a real position, 0 for padding. */
  readonly weight: Float32Array;
}

/**
 * The decoder's weights as TF.js variables and one teacher-forced optimisation step. The loss is the mean over pairs
 * of −log p(identifier | request), each token's probability a softmax over the trie's children of its prefix.
 */
export class DecoderTrainer {
  readonly variables: Record<(typeof DECODER_ARRAYS)[number], tf.Variable>;

  constructor(
    readonly dims: DecoderDims,
    private readonly trie: PrefixTrie,
    private readonly sequences: readonly Int32Array[],
    seed: number,
  ) {
    const init = randomDecoderWeights(dims, mulberry32(seed));
    const shapes = decoderShapes(dims);
    this.variables = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, tf.tidy(() => tf.variable(tf.tensor(init[k], shapes[k]), true))])) as DecoderTrainer["variables"];
  }

  /** The current weights as plain arrays, for the JS decoder. */
  weights(requestScale: number): DecoderWeights {
    const arrays = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, new Float32Array(this.variables[k].dataSync())]));
    return { ...this.dims, requestScale, ...(arrays as Record<(typeof DECODER_ARRAYS)[number], Float32Array>) };
  }

  /** Replaces the weights (the best epoch's, at the end of training). */
  assign(arrays: readonly Float32Array[]): void {
    tf.tidy(() => DECODER_ARRAYS.forEach((k, i) => this.variables[k].assign(tf.tensor(arrays[i], this.variables[k].shape))));
  }

  snapshot(): Float32Array[] {
    return DECODER_ARRAYS.map((k) => new Float32Array(this.variables[k].dataSync()));
  }

  private arrays(items: Int32Array): BatchArrays {
    const { trie, sequences } = this;
    const V = this.dims.vocab;
    const B = items.length;
    let T = 0;
    for (const it of items) T = Math.max(T, sequences[it].length);
    const inputs = new Int32Array(T * B);
    const mask = new Float32Array(T * B * V);
    const gold = new Float32Array(T * B * V);
    const weight = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      const seq = sequences[items[b]];
      let node = 0;
      for (let t = 0; t < T; t++) {
        const r = t * B + b;
        inputs[r] = t === 0 ? V : seq[Math.min(t, seq.length) - 1];
        if (t >= seq.length) continue;
        weight[r] = 1;
        const rowMask = mask.subarray(r * V, (r + 1) * V);
        rowMask.fill(-1e9);
        const start = trie.childStart[node];
        for (let c = start; c < start + trie.childCount[node]; c++) rowMask[trie.childToken[c]] = 0;
        gold[r * V + seq[t]] = 1;
        node = trie.child(node, seq[t]);
      }
    }
    return { T, inputs, mask, gold, weight };
  }

  /**
   * One Adam step on `batch` (requests: rows of `requests`, already scaled); returns the mean loss per pair.
   * @example trainer.step({ left, item }, requestsT, optimizer) // 9.7 at the start for 3 x 64 semantic ids
   */
  step(batch: PairBatch, requests: tf.Tensor2D, optimizer: tf.Optimizer): number {
    const a = this.arrays(batch.item);
    const B = batch.item.length;
    const V = this.dims.vocab;
    const H = this.dims.hidden;
    const v = this.variables;
    const cost = tf.tidy(() => {
      const q = tf.gather(requests, tf.tensor1d(batch.left, "int32")) as tf.Tensor2D;
      const mask = tf.tensor2d(a.mask, [a.T * B, V]);
      const gold = tf.tensor2d(a.gold, [a.T * B, V]);
      const weight = tf.tensor1d(a.weight);
      return optimizer.minimize(() => {
        let h = tf.tanh(tf.add(matMulConstA(q, v.wq as tf.Variable<tf.Rank.R2>), v.bq)) as tf.Tensor2D;
        const x = gatherRows(v.emb as tf.Variable<tf.Rank.R2>, a.inputs);
        const gx = tf.add(matMulFast(x, v.wx as tf.Variable<tf.Rank.R2>), v.bx) as tf.Tensor2D;
        const hs: tf.Tensor2D[] = [];
        for (let t = 0; t < a.T; t++) {
          const gxt = tf.slice(gx, [t * B, 0], [B, 3 * H]);
          const gh = tf.add(matMulFast(h, v.wh as tf.Variable<tf.Rank.R2>), v.bh) as tf.Tensor2D;
          const z = tf.sigmoid(tf.add(tf.slice(gxt, [0, 0], [B, H]), tf.slice(gh, [0, 0], [B, H])));
          const r = tf.sigmoid(tf.add(tf.slice(gxt, [0, H], [B, H]), tf.slice(gh, [0, H], [B, H])));
          const n = tf.tanh(tf.add(tf.slice(gxt, [0, 2 * H], [B, H]), tf.mul(r, tf.slice(gh, [0, 2 * H], [B, H]))));
          h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
          hs.push(h);
        }
        const all = tf.concat(hs, 0) as tf.Tensor2D;
        const logits = tf.add(matMulFast(all, tf.transpose(v.out as tf.Variable<tf.Rank.R2>)), v.outB) as tf.Tensor2D;
        const lse = tf.logSumExp(tf.add(logits, mask), 1);
        const target = tf.sum(tf.mul(logits, gold), 1);
        return tf.div(tf.sum(tf.mul(tf.sub(lse, target), weight)), B) as tf.Scalar;
      }, true, Object.values(v))!;
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  }

  dispose(): void {
    for (const x of Object.values(this.variables)) x.dispose();
  }
}

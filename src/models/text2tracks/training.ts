/**
 * @file Teacher forcing for the decoder in TF.js: per (request, item) pair, the item's identifier is fed one token
 * at a time and each next token is scored against its siblings in the trie (the softmax the constrained search
 * normalises over), so training and decoding optimise and rank by the same distribution.
 */
import { mulberry32, shuffleInPlace } from "../../core/random.js";
import { tf } from "../tf/backend.js";
import { gatherRows, matMulConstA, matMulFast } from "../tf/ops.js";
import { priorFeature } from "./count-prior.js";
import { DECODER_ARRAYS, decoderShapes, randomDecoderWeights, type DecoderDims, type DecoderWeights } from "./decoder.js";
import type { PrefixTrie } from "./trie.js";

/** One step's pairs: rows of the request matrix, the items they ask for, and how often each pair occurs in train. */
export interface PairBatch {
  readonly left: Int32Array;
  readonly item: Int32Array;
  /** Per pair its weight in the loss (its count in train); absent = 1 each. */
  readonly weight?: Float32Array;
}

/** Feeds and targets of one position t of a batch (rows = pairs). */
interface PositionArrays {
  /** The tokens scored at this position (columns), sorted: the trie's children of every pair's prefix, or a sample. */
  readonly tokens: Int32Array;
  /** Additive mask [B, tokens]: 0 for the trie's children of the pair's prefix, -1e9 for others (0 on padding rows). */
  readonly mask: Float32Array;
  /** One-hot targets [B, tokens] (all zero on padding rows). */
  readonly gold: Float32Array;
  /** Per pair: its weight at a real position, 0 past the end of its identifier. */
  readonly weight: Float32Array;
  /** With the count prior: log(1 + count) of each column's node for the pair's request [B, tokens], its own pair left out. */
  readonly prior: Float32Array | undefined;
}

/**
 * At most this many tokens are scored per position. Semantic, content and int ids never reach it (a level has C
 * codes); title ids do (any word can start a name): their softmax is then over every pair's target and a seeded
 * sample of the other allowed words, a sampled softmax.
 */
const MAX_COLUMNS = 1024;

/**
 * The decoder's weights as TF.js variables and one teacher-forced optimisation step. The loss is the weighted mean
 * over pairs of −log p(identifier | request), each token's probability a softmax over the trie's children of its
 * prefix.
 */
export class DecoderTrainer {
  readonly variables: Record<(typeof DECODER_ARRAYS)[number], tf.Variable>;
  private readonly rng: () => number;

  constructor(
    readonly dims: DecoderDims,
    private readonly trie: PrefixTrie,
    private readonly sequences: readonly Int32Array[],
    private readonly vocabulary: readonly string[],
    seed: number,
    /**
     * With the count prior: per request row, its text's trie-node counts (count-prior.ts; undefined for a text with
     * none), and per node its smoothing mass. A pair's own count is left out of its gold path, as an evaluated
     * request's answer is never counted.
     */
    private readonly prior?: { readonly rowCounts: readonly (ReadonlyMap<number, number> | undefined)[]; readonly mass: Float64Array },
    /** Tokens scored per position at most (a sampled softmax beyond). [1024] */
    private readonly maxColumns = MAX_COLUMNS,
  ) {
    const init = randomDecoderWeights(dims, mulberry32(seed), 1, vocabulary);
    // With the count prior the start is counting: prior weight 1 and a zero output layer (every learned logit 0), so
    // the steps telescope to the smoothed counts; training learns what to change (gradients reach the rest of the
    // decoder through the output layer once it has moved).
    if (prior !== undefined) {
      init.pw.fill(1);
      init.out.fill(0);
      init.outB.fill(0);
    }
    const shapes = decoderShapes(dims);
    this.variables = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, tf.tidy(() => tf.variable(tf.tensor(init[k], shapes[k]), true))])) as DecoderTrainer["variables"];
    this.rng = mulberry32(seed + 1);
  }

  /** The current weights as plain arrays, for the JS decoder. */
  weights(requestScale: number): DecoderWeights {
    const arrays = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, new Float32Array(this.variables[k].dataSync())]));
    return { ...this.dims, requestScale, vocabulary: this.vocabulary, ...(arrays as Record<(typeof DECODER_ARRAYS)[number], Float32Array>) };
  }

  /** Replaces the weights (the best epoch's, at the end of training). */
  assign(arrays: readonly Float32Array[]): void {
    tf.tidy(() => DECODER_ARRAYS.forEach((k, i) => this.variables[k].assign(tf.tensor(arrays[i], this.variables[k].shape))));
  }

  snapshot(): Float32Array[] {
    return DECODER_ARRAYS.map((k) => new Float32Array(this.variables[k].dataSync()));
  }

  /** The input tokens (time-major: row t * B + b; the start token first) and each position's targets. */
  private arrays(batch: PairBatch): { T: number; inputs: Int32Array; positions: PositionArrays[] } {
    const { trie, sequences } = this;
    const items = batch.item;
    const V = this.dims.vocab;
    const B = items.length;
    let T = 0;
    for (const it of items) T = Math.max(T, sequences[it].length);
    const inputs = new Int32Array(T * B);
    // nodes[t * B + b]: the trie node before token t of pair b (-1 past its end).
    const nodes = new Int32Array(T * B).fill(-1);
    for (let b = 0; b < B; b++) {
      const seq = sequences[items[b]];
      let node = 0;
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = t === 0 ? V : seq[Math.min(t, seq.length) - 1];
        if (t >= seq.length) continue;
        nodes[t * B + b] = node;
        node = trie.child(node, seq[t]);
      }
    }
    const positions = Array.from({ length: T }, (_, t) => {
      const allowed = new Set<number>();
      const golds = new Set<number>();
      for (let b = 0; b < B; b++) {
        const node = nodes[t * B + b];
        if (node < 0) continue;
        golds.add(sequences[items[b]][t]);
        const start = trie.childStart[node];
        for (let c = start; c < start + trie.childCount[node]; c++) allowed.add(trie.childToken[c]);
      }
      let columns = [...allowed];
      if (columns.length > this.maxColumns) {
        const others = shuffleInPlace(this.rng, columns.filter((x) => !golds.has(x)));
        columns = [...golds, ...others.slice(0, Math.max(0, this.maxColumns - golds.size))];
      }
      const tokens = Int32Array.from(columns).sort();
      const col = new Map(Array.from(tokens, (x, j) => [x, j]));
      const W = tokens.length;
      const prior = this.prior !== undefined ? new Float32Array(B * W) : undefined;
      const p = { tokens, mask: new Float32Array(B * W), gold: new Float32Array(B * W), weight: new Float32Array(B), prior };
      for (let b = 0; b < B; b++) {
        const node = nodes[t * B + b];
        if (node < 0) continue;
        p.weight[b] = batch.weight?.[b] ?? 1;
        const rowMask = p.mask.subarray(b * W, (b + 1) * W);
        rowMask.fill(-1e9);
        const start = trie.childStart[node];
        const goldToken = sequences[items[b]][t];
        const counts = this.prior?.rowCounts[batch.left[b]];
        for (let c = start; c < start + trie.childCount[node]; c++) {
          const j = col.get(trie.childToken[c]);
          if (j === undefined) continue;
          rowMask[j] = 0;
          if (prior !== undefined) {
            const child = trie.childNode[c];
            const n = (counts?.get(child) ?? 0) - (trie.childToken[c] === goldToken ? 1 : 0);
            prior[b * W + j] = priorFeature(n, this.prior!.mass[child]);
          }
        }
        p.gold[b * W + col.get(goldToken)!] = 1;
      }
      return p;
    });
    return { T, inputs, positions };
  }

  /**
   * One Adam step on `batch`; its `left` are rows of `requests` (vectors, already scaled) and of `bags` (per request
   * its known words' weights, W + 1 columns). Returns the weighted mean loss per pair. `only: "prior"` moves the
   * count prior's weights alone (the warm-up).
   * @example trainer.step({ left, item }, requestsT, bagsT, optimizer) // 9.7 at the start for 3 x 64 semantic ids
   */
  step(batch: PairBatch, requests: tf.Tensor2D, bags: tf.Tensor2D, optimizer: tf.Optimizer, only?: "prior"): number {
    const a = this.arrays(batch);
    const B = batch.item.length;
    const H = this.dims.hidden;
    const total = batch.weight !== undefined ? batch.weight.reduce((x, y) => x + y, 0) : B;
    const v = this.variables;
    const cost = tf.tidy(() => {
      const leftIdx = tf.tensor1d(batch.left, "int32");
      const q = tf.gather(requests, leftIdx) as tf.Tensor2D;
      const bag = tf.gather(bags, leftIdx) as tf.Tensor2D;
      const feeds = a.positions.map((p) => ({
        mask: tf.tensor2d(p.mask, [B, p.tokens.length]),
        gold: tf.tensor2d(p.gold, [B, p.tokens.length]),
        weight: tf.tensor1d(p.weight),
        prior: p.prior !== undefined ? tf.tensor2d(p.prior, [B, p.tokens.length]) : undefined,
      }));
      return optimizer.minimize(() => {
        const m = matMulConstA(bag, v.ww as tf.Variable<tf.Rank.R2>);
        let h = tf.tanh(tf.add(tf.add(matMulConstA(q, v.wq as tf.Variable<tf.Rank.R2>), tf.slice(m, [0, 0], [B, H])), v.bq)) as tf.Tensor2D;
        const c = tf.add(matMulConstA(q, v.wc as tf.Variable<tf.Rank.R2>), tf.slice(m, [0, H], [B, 3 * H]));
        const x = gatherRows(v.emb as tf.Variable<tf.Rank.R2>, a.inputs);
        const gx = tf.add(matMulFast(x, v.wx as tf.Variable<tf.Rank.R2>), v.bx) as tf.Tensor2D;
        const losses: tf.Scalar[] = [];
        for (let t = 0; t < a.T; t++) {
          const gxt = tf.add(tf.slice(gx, [t * B, 0], [B, 3 * H]), c);
          const gh = tf.add(matMulFast(h, v.wh as tf.Variable<tf.Rank.R2>), v.bh) as tf.Tensor2D;
          const z = tf.sigmoid(tf.add(tf.slice(gxt, [0, 0], [B, H]), tf.slice(gh, [0, 0], [B, H])));
          const r = tf.sigmoid(tf.add(tf.slice(gxt, [0, H], [B, H]), tf.slice(gh, [0, H], [B, H])));
          const n = tf.tanh(tf.add(tf.slice(gxt, [0, 2 * H], [B, H]), tf.mul(r, tf.slice(gh, [0, 2 * H], [B, H]))));
          h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
          const f = feeds[t];
          const out = gatherRows(v.out as tf.Variable<tf.Rank.R2>, a.positions[t].tokens);
          const bias = tf.reshape(gatherRows(tf.reshape(v.outB, [-1, 1]) as tf.Tensor2D, a.positions[t].tokens), [-1]);
          let logits = tf.add(matMulFast(h, tf.transpose(out)), bias) as tf.Tensor2D;
          if (f.prior !== undefined) logits = tf.add(logits, tf.mul(f.prior, tf.slice(v.pw as tf.Variable<tf.Rank.R1>, [t], [1])));
          const lse = tf.logSumExp(tf.add(logits, f.mask), 1);
          const target = tf.sum(tf.mul(logits, f.gold), 1);
          losses.push(tf.sum(tf.mul(tf.sub(lse, target), f.weight)));
        }
        return tf.div(tf.addN(losses), total) as tf.Scalar;
      }, true, only === "prior" ? [v.pw] : Object.values(v))!;
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  }

  dispose(): void {
    for (const x of Object.values(this.variables)) x.dispose();
  }
}

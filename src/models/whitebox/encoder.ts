/**
 * @file The white-box query encoder: one transformer block over the request's words, then an attention-pooling
 * layer whose weights (averaged over heads) ARE the word explanation, because the pooled vector is exactly that
 * weighted sum of the words' values. Optional per-user LoRA deltas on the attention projections (query and key of
 * the block, key of the pooling layer) change where it attends and nothing else.
 */
import { mulberry32 } from "../../core/random.js";
import { tf } from "../tf/backend.js";
import { matMulFast } from "../tf/ops.js";
import { ENCODER_PARAMS, shapeOf, type EncoderParam, type EncoderShape, type LoraTarget } from "./params.js";

export { ENCODER_PARAMS, LORA_TARGETS, shapeOf, type EncoderParam, type EncoderShape, type LoraTarget } from "./params.js";

/** Low-rank deltas W + A·B per target (A: d x r, B: r x d), as tensors for one forward pass. */
export type LoraDeltas = Partial<Record<LoraTarget, { readonly a: tf.Tensor2D; readonly b: tf.Tensor2D }>>;

/** Forward result: the query vectors and the pooling attention over each request's token slots. */
export interface EncoderOutput {
  /** rows = requests, cols = outputDims. */
  readonly query: tf.Tensor2D;
  /** rows = requests, cols = token slots; each row sums to 1 over its real tokens (0 on padding). */
  readonly attention: tf.Tensor2D;
}

/**
 * The encoder's parameters as tf.Variables, seeded Glorot-uniform weights, zero biases, unit layer-norm gains.
 * @example const e = new WhiteboxEncoder({ inputDims: 512, width: 64, heads: 2, outputDims: 64 }, 7);
 * tf.tidy(() => e.apply(x, mask).attention.shape) // [requests, tokens]
 */
export class WhiteboxEncoder {
  readonly shape: EncoderShape;
  readonly params: ReadonlyMap<EncoderParam, tf.Variable>;

  constructor(shape: EncoderShape, seed: number) {
    if (shape.width % shape.heads !== 0) throw new RangeError(`whitebox encoder: width ${shape.width} is not a multiple of heads ${shape.heads}`);
    this.shape = shape;
    const rng = mulberry32(seed);
    const params = new Map<EncoderParam, tf.Variable>();
    for (const p of ENCODER_PARAMS) {
      const sh = shapeOf(p, shape);
      const n = sh.reduce((a, b) => a * b, 1);
      const v = new Float32Array(n);
      if (sh.length === 2) {
        const limit = Math.sqrt(6 / (sh[0] + sh[1]));
        for (let i = 0; i < n; i++) v[i] = (2 * rng() - 1) * limit;
      } else if (p === "ln1/g" || p === "ln2/g") v.fill(1);
      else if (p === "pool/q") for (let i = 0; i < n; i++) v[i] = (2 * rng() - 1) * Math.sqrt(3 / shape.width);
      params.set(p, tf.tidy(() => tf.variable(tf.tensor(v, sh), true)));
    }
    this.params = params;
  }

  /** An encoder holding given weights (a serving form's), e.g. to train a listener's adapter against them. */
  static fromWeights(shape: EncoderShape, weights: Readonly<Record<EncoderParam, Float32Array>>): WhiteboxEncoder {
    const e = new WhiteboxEncoder(shape, 0);
    tf.tidy(() => {
      for (const p of ENCODER_PARAMS) e.params.get(p)!.assign(tf.tensor(weights[p], shapeOf(p, shape)));
    });
    return e;
  }

  get variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  private p(name: EncoderParam): tf.Tensor {
    return this.params.get(name)!;
  }

  /** x·W (+ A·B when a delta is given) over the last axis of a [U, T, d] tensor. */
  private project(x: tf.Tensor3D, name: EncoderParam, lora?: LoraDeltas): tf.Tensor3D {
    const [U, T, din] = x.shape;
    let w = this.p(name) as tf.Tensor2D;
    const delta = lora?.[name as LoraTarget];
    if (delta !== undefined) w = tf.add(w, matMulFast(delta.a, delta.b));
    const out = matMulFast(tf.reshape(x, [U * T, din]) as tf.Tensor2D, w);
    return tf.reshape(out, [U, T, w.shape[1]]) as tf.Tensor3D;
  }

  private layerNorm(x: tf.Tensor3D, g: EncoderParam, b: EncoderParam): tf.Tensor3D {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, 1e-5))), this.p(g)), this.p(b)) as tf.Tensor3D;
  }

  /** [U, T, d] → [U * heads, T, d / heads]. */
  private splitHeads(x: tf.Tensor3D): tf.Tensor3D {
    const [U, T] = x.shape;
    const h = this.shape.heads;
    const dh = this.shape.width / h;
    return tf.reshape(tf.transpose(tf.reshape(x, [U, T, h, dh]), [0, 2, 1, 3]), [U * h, T, dh]) as tf.Tensor3D;
  }

  /**
   * Encodes a batch. Call inside tf.tidy.
   * @param x rows = requests, then token slots, then input dims (padding slots may hold anything).
   * @param mask rows = requests, cols = token slots: 1 for a real token, 0 for padding.
   * @param lora per-target deltas applied to every request of the batch (one user's adapter), or none.
   */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D, lora?: LoraDeltas): EncoderOutput {
    const [U, T] = x.shape;
    const h = this.shape.heads;
    const d = this.shape.width;
    const dh = d / h;
    const scale = 1 / Math.sqrt(dh);
    // Padding gets -1e9 before every softmax over tokens, so it never receives attention.
    const negPad = tf.mul(tf.sub(mask, 1), 1e9); // [U, T]

    const h0 = tf.add(this.project(x, "in/w"), this.p("in/b")) as tf.Tensor3D;
    const q = this.splitHeads(this.project(h0, "sa/q", lora));
    const k = this.splitHeads(this.project(h0, "sa/k", lora));
    const v = this.splitHeads(this.project(h0, "sa/v"));
    const logits = tf.add(tf.reshape(tf.mul(tf.matMul(q, k, false, true), scale), [U, h, T, T]), tf.reshape(negPad, [U, 1, 1, T]));
    const att = tf.reshape(tf.softmax(logits), [U * h, T, T]) as tf.Tensor3D;
    const mixed = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [U, h, T, dh]), [0, 2, 1, 3]), [U, T, d]) as tf.Tensor3D;
    const h1 = this.layerNorm(tf.add(h0, this.project(mixed, "sa/o")) as tf.Tensor3D, "ln1/g", "ln1/b");
    const ff = tf.add(this.project(tf.relu(tf.add(this.project(h1, "ff/w1"), this.p("ff/b1"))) as tf.Tensor3D, "ff/w2"), this.p("ff/b2"));
    const h2 = this.layerNorm(tf.add(h1, ff) as tf.Tensor3D, "ln2/g", "ln2/b");

    // Final layer: one learned query per head attends over the tokens; its weights are the explanation.
    const pk = tf.reshape(this.project(h2, "pool/k", lora), [U, T, h, dh]);
    const pq = tf.reshape(this.p("pool/q"), [1, 1, h, dh]);
    const plogits = tf.add(tf.transpose(tf.mul(tf.sum(tf.mul(pk, pq), -1), scale), [0, 2, 1]), tf.reshape(negPad, [U, 1, T])); // [U, h, T]
    const a = tf.softmax(plogits) as tf.Tensor3D; // [U, h, T]
    const pv = this.splitHeads(this.project(h2, "pool/v")); // [U*h, T, dh]
    const pooled = tf.reshape(tf.matMul(tf.reshape(a, [U * h, 1, T]), pv), [U, d]) as tf.Tensor2D;
    // A request without words pools nothing: its query vector is 0 (the ranker falls back to its other terms).
    const any = tf.reshape(tf.cast(tf.greater(tf.sum(mask, 1), 0), "float32"), [U, 1]);
    const query = tf.mul(tf.add(matMulFast(pooled, this.p("out/w") as tf.Tensor2D), this.p("out/b")), any) as tf.Tensor2D;
    const attention = tf.mul(tf.mean(a, 1), mask) as tf.Tensor2D;
    return { query, attention };
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/** Shape of a LoRA target's factors for an encoder of width d and rank r. */
export function loraShapes(width: number, rank: number): { a: [number, number]; b: [number, number] } {
  return { a: [width, rank], b: [rank, width] };
}

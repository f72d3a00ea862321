/**
 * @file JAM's trainable parameters as named tf.Variables (seeded Glorot init) and their differentiable pieces.
 */
import { mulberry32, type Rng } from "../../core/random.js";
import { tf } from "../tf/backend.js";
import { matMulConstA } from "../tf/ops.js";

/** A linear map x·W + b from a frozen input block into the shared d-dim space. */
export interface Linear {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

function glorot(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng() - 1) * limit);
}

/** Shapes of every parameter, so a model can be rebuilt before loading saved weights. */
export interface ParamShapes {
  readonly dims: number;
  /** Input width of each item modality (after the frozen transform). */
  readonly itemInputs: readonly number[];
  readonly requestInput: number;
  /** undefined: the domain has no users (no user tower). */
  readonly userInput?: number;
  /** MoE gate (d x d matrix and one bias per modality). */
  readonly gate: boolean;
  /** A learned weight on the popularity prior. */
  readonly popularityWeight: boolean;
  /** Items with a free learned bias (0 = none). */
  readonly itemBiases: number;
  /** Items with a learned d-dim ID embedding (0 = none). */
  readonly itemIds: number;
  /** Users with a learned d-dim ID embedding (0 = none). */
  readonly userIds: number;
  /** Pair features with a learned weight (0 = no pair prior). */
  readonly pairFeatures: number;
}

/**
 * Every trainable tensor of a JAM model. `keys[i]` names `variables[i]` stably for save/load ("item/tagtext/w"),
 * independent of TF.js's engine-generated variable names (two live models must not clash).
 */
export class JamParams {
  readonly items: Linear[] = [];
  readonly request: Linear;
  readonly user: Linear | undefined;
  /** MoE gate matrix (d x d) and per-modality gate bias (1 x M). */
  readonly gateW: tf.Variable<tf.Rank.R2> | undefined;
  readonly gateB: tf.Variable<tf.Rank.R2> | undefined;
  /** 1 x 1 weight of the popularity prior. */
  readonly popW: tf.Variable<tf.Rank.R2> | undefined;
  /** items x 1 free bias. */
  readonly itemBias: tf.Variable<tf.Rank.R2> | undefined;
  /** items x d learned ID embeddings (the `id` modality). */
  readonly itemEmb: tf.Variable<tf.Rank.R2> | undefined;
  /** (users + 1) x d learned user ID embeddings; the last row stays 0 (requests without a user). */
  readonly userEmb: tf.Variable<tf.Rank.R2> | undefined;
  /** features x 1 weights of the pair prior (pair-prior.ts). */
  readonly pairW: tf.Variable<tf.Rank.R2> | undefined;
  readonly variables: tf.Variable[] = [];
  readonly keys: string[] = [];
  /** The weight matrices that AdamW decays (not biases, not the popularity weight). */
  readonly decayed: tf.Variable[] = [];

  /** @param features modality names, aligned with shapes.itemInputs. */
  constructor(shapes: ParamShapes, features: readonly string[], seed: number) {
    const rng = mulberry32(seed);
    const d = shapes.dims;
    const linear = (key: string, fanIn: number): Linear => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(glorot(rng, fanIn, d), [fanIn, d]), true));
      const b = tf.tidy(() => tf.variable(tf.zeros([d]) as tf.Tensor1D, true));
      this.add(`${key}/w`, w, true);
      this.add(`${key}/b`, b, false);
      return { w, b };
    };
    shapes.itemInputs.forEach((n, m) => this.items.push(linear(`item/${features[m]}`, n)));
    this.request = linear("request", shapes.requestInput);
    this.user = shapes.userInput !== undefined ? linear("user", shapes.userInput) : undefined;
    if (shapes.gate) {
      this.gateW = tf.tidy(() => tf.variable(tf.tensor2d(glorot(rng, d, d), [d, d]), true));
      // One gate bias per expert: every frozen modality, plus the learned `id` modality when present.
      const experts = shapes.itemInputs.length + (shapes.itemIds > 0 ? 1 : 0);
      this.gateB = tf.tidy(() => tf.variable(tf.zeros([1, experts]) as tf.Tensor2D, true));
      this.add("gate/w", this.gateW, true);
      this.add("gate/b", this.gateB, false);
    }
    if (shapes.popularityWeight) {
      this.popW = tf.tidy(() => tf.variable(tf.zeros([1, 1]) as tf.Tensor2D, true));
      this.add("bias/popularity", this.popW, false);
    }
    const small = (rows: number, zeroLast: boolean) => {
      const data = Float32Array.from({ length: rows * d }, () => (2 * rng() - 1) * 0.01);
      if (zeroLast) data.fill(0, (rows - 1) * d);
      return tf.tidy(() => tf.variable(tf.tensor2d(data, [rows, d]), true));
    };
    if (shapes.itemIds > 0) {
      this.itemEmb = small(shapes.itemIds, false);
      this.add("item/id/emb", this.itemEmb, true);
    }
    if (shapes.userIds > 0) {
      this.userEmb = small(shapes.userIds + 1, true);
      this.add("user/id/emb", this.userEmb, true);
    }
    if (shapes.pairFeatures > 0) {
      // Starts at 0 (the model without the prior) and is not decayed: a few scalars on log counts.
      this.pairW = tf.tidy(() => tf.variable(tf.zeros([shapes.pairFeatures, 1]) as tf.Tensor2D, true));
      this.add("pair/w", this.pairW, false);
    }
    if (shapes.itemBiases > 0) {
      this.itemBias = tf.tidy(() => tf.variable(tf.zeros([shapes.itemBiases, 1]) as tf.Tensor2D, true));
      this.add("bias/items", this.itemBias, false);
    }
  }

  private add(key: string, v: tf.Variable, decay: boolean): void {
    this.variables.push(v);
    this.keys.push(key);
    if (decay) this.decayed.push(v);
  }

  /** Copies of every variable's values, in `variables` order (for best-epoch snapshots and saving). */
  snapshot(): Float32Array[] {
    return this.variables.map((v) => (v.dataSync() as Float32Array).slice());
  }

  /** Restores values taken by {@link snapshot} (or loaded from disk). */
  restore(values: readonly Float32Array[]): void {
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** x·W + b for a frozen input x (the gradient skips x). Call inside tf.tidy. */
export function project(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
  return tf.add(matMulConstA(x, l.w), l.b);
}

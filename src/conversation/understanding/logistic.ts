/**
 * @file One-vs-rest logistic regression for multi-label classification over a dense vector plus sparse binary
 * features, trained with mini-batch Adam and an L2 penalty; per-label decision thresholds. Small enough to train in
 * seconds on cpcd-intent's few thousand utterances, so it is refitted rather than shipped.
 */
import { mulberry32, shuffleInPlace } from "../../core/random.js";

/** One example: a dense vector (length `dims`) and the ids of its active sparse features (each counts 1). */
export interface Example {
  readonly dense: Float32Array;
  readonly sparse: readonly number[];
}

/** Options of {@link MultiLabelLogistic.fit}. */
export interface LogisticOptions {
  /** [l2=1e-3] L2 penalty on the weights (not the biases), per example. Chosen on the selection part. */
  readonly l2?: number;
  /** [epochs=30] Passes over the examples. */
  readonly epochs?: number;
  /** [lr=0.01] Adam step size. */
  readonly lr?: number;
  /** [batch=64] Examples per step. */
  readonly batch?: number;
  /** [seed=42] Shuffling order. Weights start at 0, so the seed is the only source of randomness. */
  readonly seed?: number;
}

/** The saved form of a fitted classifier (plain JSON). */
export interface LogisticJson {
  readonly labels: readonly string[];
  readonly dims: number;
  readonly sparseSize: number;
  /** labels × (dims + sparseSize) weights, row-major. */
  readonly weights: number[];
  readonly bias: number[];
  readonly thresholds: number[];
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * A multi-label classifier: label l is predicted when sigmoid(w_l · x + b_l) >= threshold_l.
 * @example
 * const c = MultiLabelLogistic.fit(["a", "b"], 2, 0, examples, labelsPerExample, { epochs: 50 });
 * c.predict(examples[0]); // ["a"]
 */
export class MultiLabelLogistic {
  private constructor(
    readonly labels: readonly string[],
    readonly dims: number,
    readonly sparseSize: number,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    /** Per-label decision thresholds (0.5 until {@link setThresholds}). */
    private thresholds: Float32Array,
  ) {}

  /** Fits one logistic regression per label on `examples` (gold label lists in `targets`). */
  static fit(
    labels: readonly string[],
    dims: number,
    sparseSize: number,
    examples: readonly Example[],
    targets: readonly (readonly string[])[],
    options: LogisticOptions = {},
  ): MultiLabelLogistic {
    if (examples.length !== targets.length) throw new Error(`fit: ${examples.length} examples but ${targets.length} targets`);
    const { l2 = 1e-3, epochs = 30, lr = 0.01, batch = 64, seed = 42 } = options;
    const L = labels.length;
    const F = dims + sparseSize;
    const w = new Float32Array(L * F);
    const b = new Float32Array(L);
    const y = targets.map((t) => {
      const v = new Uint8Array(L);
      for (const l of t) {
        const i = labels.indexOf(l);
        if (i >= 0) v[i] = 1;
      }
      return v;
    });
    // Adam moments for weights and biases.
    const m = new Float32Array(L * F);
    const v = new Float32Array(L * F);
    const mb = new Float32Array(L);
    const vb = new Float32Array(L);
    const g = new Float32Array(L * F);
    const gb = new Float32Array(L);
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
    const order = Array.from(examples.keys());
    const rng = mulberry32(seed);
    let step = 0;
    const model = new MultiLabelLogistic(labels, dims, sparseSize, w, b, new Float32Array(L).fill(0.5));
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(rng, order);
      for (let start = 0; start < order.length; start += batch) {
        const idx = order.slice(start, start + batch);
        g.fill(0);
        gb.fill(0);
        for (const i of idx) {
          const p = model.probabilities(examples[i]);
          const ex = examples[i];
          for (let l = 0; l < L; l++) {
            const err = (p[l] - y[i][l]) / idx.length;
            gb[l] += err;
            const off = l * F;
            for (let d = 0; d < dims; d++) g[off + d] += err * ex.dense[d];
            for (const s of ex.sparse) g[off + dims + s] += err;
          }
        }
        step++;
        const c1 = 1 - beta1 ** step;
        const c2 = 1 - beta2 ** step;
        for (let k = 0; k < w.length; k++) {
          const gk = g[k] + l2 * w[k];
          m[k] = beta1 * m[k] + (1 - beta1) * gk;
          v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
          w[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
        }
        for (let l = 0; l < L; l++) {
          mb[l] = beta1 * mb[l] + (1 - beta1) * gb[l];
          vb[l] = beta2 * vb[l] + (1 - beta2) * gb[l] * gb[l];
          b[l] -= (lr * (mb[l] / c1)) / (Math.sqrt(vb[l] / c2) + eps);
        }
      }
    }
    return model;
  }

  /** Per-label probabilities of one example, in `labels` order. */
  probabilities(x: Example): Float32Array {
    const L = this.labels.length;
    const F = this.dims + this.sparseSize;
    const out = new Float32Array(L);
    for (let l = 0; l < L; l++) {
      const off = l * F;
      let z = this.bias[l];
      for (let d = 0; d < this.dims; d++) z += this.weights[off + d] * x.dense[d];
      for (const s of x.sparse) if (s < this.sparseSize) z += this.weights[off + this.dims + s];
      out[l] = sigmoid(z);
    }
    return out;
  }

  /**
   * The labels whose probability reaches their threshold. With `atLeastOne`, the most probable label when none
   * does (cpcd-intent gives every user turn at least one intent).
   */
  predict(x: Example, atLeastOne = false): string[] {
    return this.decide(this.probabilities(x), atLeastOne);
  }

  /** {@link predict} from precomputed probabilities. */
  decide(p: Float32Array, atLeastOne = false): string[] {
    const out = this.labels.filter((_, l) => p[l] >= this.thresholds[l]);
    if (out.length === 0 && atLeastOne && p.length > 0) out.push(this.labels[p.indexOf(Math.max(...p))]);
    return out;
  }

  setThresholds(thresholds: readonly number[]): void {
    if (thresholds.length !== this.labels.length) throw new Error(`setThresholds: ${thresholds.length} values for ${this.labels.length} labels`);
    this.thresholds = Float32Array.from(thresholds);
  }

  getThresholds(): number[] {
    return [...this.thresholds];
  }

  toJSON(): LogisticJson {
    return {
      labels: [...this.labels],
      dims: this.dims,
      sparseSize: this.sparseSize,
      weights: Array.from(this.weights),
      bias: Array.from(this.bias),
      thresholds: Array.from(this.thresholds),
    };
  }

  static fromJSON(j: LogisticJson): MultiLabelLogistic {
    const F = j.dims + j.sparseSize;
    if (j.weights.length !== j.labels.length * F || j.bias.length !== j.labels.length || j.thresholds.length !== j.labels.length) {
      throw new Error(`saved classifier has inconsistent shapes (${j.labels.length} labels, ${F} features, ${j.weights.length} weights)`);
    }
    return new MultiLabelLogistic(j.labels, j.dims, j.sparseSize, Float32Array.from(j.weights), Float32Array.from(j.bias), Float32Array.from(j.thresholds));
  }
}

/**
 * Per-label thresholds that maximise each label's F1 on `probabilities` against `targets` (grid 0.1 … 0.9); 0.5 for
 * a label with fewer than `minSupport` gold examples there (too few to choose by).
 */
export function tuneThresholds(
  labels: readonly string[],
  probabilities: readonly Float32Array[],
  targets: readonly (readonly string[])[],
  minSupport = 3,
): number[] {
  return labels.map((label, l) => {
    const gold = targets.map((t) => t.includes(label));
    if (gold.filter(Boolean).length < minSupport) return 0.5;
    let best = 0.5;
    let bestF1 = -1;
    for (let t = 0.1; t <= 0.901; t += 0.05) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      probabilities.forEach((p, i) => {
        const yes = p[l] >= t;
        if (yes && gold[i]) tp++;
        else if (yes) fp++;
        else if (gold[i]) fn++;
      });
      const f1 = (2 * tp) / Math.max(1, 2 * tp + fp + fn);
      if (f1 > bestF1 + 1e-9) [best, bestF1] = [Math.round(t * 100) / 100, f1];
    }
    return best;
  });
}

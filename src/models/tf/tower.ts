/**
 * @file An MLP tower (Linear → ReLU → ... → Linear) as plain tf.Variables with seeded Glorot init.
 */
import { mulberry32 } from "../../core/random.js";
import { tf } from "./backend.js";
import { matMulFast } from "./ops.js";

/**
 * A stack of dense layers: ReLU between layers, none after the last (embeddings may be negative).
 * `keys[k]` names variable k stably (`${name}/w${l}`, `${name}/b${l}`) for saving; the tf.Variables themselves get
 * engine-generated names, because TF.js refuses two live variables with the same name (two models at once).
 */
export class Tower {
  readonly name: string;
  readonly inputDims: number;
  readonly layers: readonly number[];
  readonly variables: tf.Variable[] = [];
  readonly keys: string[] = [];

  /**
   * @param layers output sizes, e.g. [128, 64] for in → 128 → 64.
   * @param seed weights are Glorot-uniform from mulberry32(seed); biases start at 0.
   * @param zeroLast the last layer's weights start at 0 too, so the tower outputs 0 until trained (a model that adds
   * the tower to another score then starts at that score).
   */
  constructor(name: string, inputDims: number, layers: readonly number[], seed: number, zeroLast = false) {
    if (layers.length === 0 || layers.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new RangeError(`tower ${name}: layers must be positive integers, got [${layers.join(", ")}]`);
    }
    this.name = name;
    this.inputDims = inputDims;
    this.layers = layers;
    const rng = mulberry32(seed);
    let fanIn = inputDims;
    layers.forEach((fanOut, l) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng() - 1) * limit;
      if (zeroLast && l === layers.length - 1) w.fill(0);
      this.variables.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true)));
      this.variables.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]), true)));
      this.keys.push(`${name}/w${l}`, `${name}/b${l}`);
      fanIn = fanOut;
    });
  }

  /** Output size. */
  get outputDims(): number {
    return this.layers[this.layers.length - 1];
  }

  /** rows = inputs, cols = outputDims. Call inside tf.tidy. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (let l = 0; l < this.layers.length; l++) {
      const w = this.variables[2 * l] as tf.Tensor2D;
      const b = this.variables[2 * l + 1];
      h = tf.add(matMulFast(h, w), b);
      if (l < this.layers.length - 1) h = tf.relu(h);
    }
    return h;
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * @file Dense-layer parameters shared by the autoencoder-style CF models: seeded Glorot initialisation, TF.js
 * variables that snapshot/restore as plain arrays, and the plain-JS forward pass their scoring uses (so scoring
 * needs no TF.js, and evaluation and serving run the same code).
 */
import { randNormal, type Rng } from "../../core/random.js";
import { tf } from "./backend.js";

/**
 * A Glorot-normal (Xavier) matrix, rows = fan-in, cols = fan-out, drawn from `rng`.
 * @example glorot(mulberry32(1), 600, 200).length // 120000
 */
export function glorot(rng: Rng, rows: number, cols: number): Float32Array {
  const sd = Math.sqrt(2 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => randNormal(rng) * sd);
}

/** Named TF.js variables created from arrays, read back as arrays (for selection snapshots and for saving). */
export class ParamSet {
  readonly vars: Record<string, tf.Variable> = {};
  private readonly shapes: Record<string, number[]> = {};

  add(name: string, shape: number[], data: Float32Array): tf.Variable {
    this.shapes[name] = shape;
    this.vars[name] = tf.variable(tf.tensor(data, shape), true, `${name}_${Math.random().toString(36).slice(2)}`);
    return this.vars[name];
  }

  names(): string[] {
    return Object.keys(this.vars);
  }

  shape(name: string): number[] {
    return this.shapes[name];
  }

  snapshot(): Float32Array[] {
    return this.names().map((n) => this.vars[n].dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  restore(arrays: readonly Float32Array[]): void {
    this.names().forEach((n, i) => this.vars[n].assign(tf.tensor(arrays[i], this.shapes[n])));
  }

  /** Current values by name (copies). */
  arrays(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const n of this.names()) out[n] = Float32Array.from(this.vars[n].dataSync() as Float32Array);
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

/**
 * act(x·W + b) for one input row x (length `w.length / cols`), in plain JS; zero entries of x are skipped.
 * @example denseForward(Float32Array.of(1, 2), Float32Array.of(1, 0, 0, 1), Float32Array.of(0, 1), 2, "linear") // [1, 3]
 */
export function denseForward(x: ArrayLike<number>, w: Float32Array, b: Float32Array, cols: number, act: "tanh" | "linear"): Float32Array {
  const out = Float32Array.from(b);
  const r = x.length;
  if (w.length !== r * cols || b.length !== cols) throw new RangeError(`dense layer: input of ${r} values, weights of ${w.length}, bias of ${b.length}, ${cols} outputs`);
  for (let i = 0; i < r; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += xi * w[base + j];
  }
  if (act === "tanh") for (let j = 0; j < cols; j++) out[j] = Math.tanh(out[j]);
  return out;
}

/** Σ over `items` of rows of W (rows x cols) times `scale`, plus b: the first layer of a sparse binary input. */
export function sparseRowsForward(items: Iterable<number>, scale: number, w: Float32Array, b: Float32Array, cols: number, act: "tanh" | "linear"): Float32Array {
  const out = Float32Array.from(b);
  for (const i of items) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += scale * w[base + j];
  }
  if (act === "tanh") for (let j = 0; j < cols; j++) out[j] = Math.tanh(out[j]);
  return out;
}

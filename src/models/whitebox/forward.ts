/**
 * @file The white-box encoder's forward pass in plain JS (no TF.js), for serving one request at a time: the same
 * arithmetic as `WhiteboxEncoder.apply` (encoder.ts) over the request's real words only (padding never receives
 * attention there, so leaving it out changes nothing), with a listener's LoRA deltas merged into the weights they
 * change. The attention it returns is the one the served query vector is pooled with, so it is the explanation.
 */
import { ENCODER_PARAMS, LORA_TARGETS, type EncoderParam, type EncoderShape, type LoraFactors } from "./params.js";

/** The encoder's weights as plain arrays (row-major), by parameter name. */
export type EncoderWeights = Readonly<Record<EncoderParam, Float32Array>>;

/** A forward pass's result for one request. */
export interface ForwardResult {
  /** The encoder's output (outputDims values; all 0 for a request without words). */
  readonly query: Float32Array;
  /** Pooling attention per word, averaged over heads (sums to 1; empty without words). */
  readonly attention: Float32Array;
}

/** x (n x r) · w (r x c) + bias (c), row-major. */
function matmul(x: Float32Array, n: number, r: number, w: Float32Array, c: number, bias?: Float32Array): Float32Array {
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const o = i * c;
    if (bias !== undefined) out.set(bias, o);
    for (let k = 0; k < r; k++) {
      const xv = x[i * r + k];
      if (xv === 0) continue;
      const wb = k * c;
      for (let j = 0; j < c; j++) out[o + j] += xv * w[wb + j];
    }
  }
  return out;
}

/** Layer norm of each row of x (n x d), in place, with gain g and offset b (eps 1e-5, as encoder.ts). */
function layerNormInPlace(x: Float32Array, n: number, d: number, g: Float32Array, b: Float32Array): void {
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[i * d + j];
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[i * d + j] - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / d + 1e-5);
    for (let j = 0; j < d; j++) x[i * d + j] = (x[i * d + j] - mean) * inv * g[j] + b[j];
  }
}

/** Softmax of v in place. */
function softmaxInPlace(v: Float32Array): void {
  let max = -Infinity;
  for (const x of v) max = Math.max(max, x);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] = Math.exp(v[i] - max);
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

/**
 * The weights with LoRA deltas merged (W + A·B per target that has one; A is d x r, B r x d, row-major). Targets
 * without factors keep the shared weights (the same arrays, not copies).
 * @example mergeLora(weights, { "pool/k": { a, b } }, 64)["pool/k"] // pool/k + a·b
 */
export function mergeLora(weights: EncoderWeights, deltas: LoraFactors, width: number): EncoderWeights {
  const out: Record<string, Float32Array> = { ...weights };
  for (const t of LORA_TARGETS) {
    const f = deltas[t];
    if (f === undefined) continue;
    const r = f.a.length / width;
    out[t] = Float32Array.from(weights[t]);
    const delta = matmul(f.a, width, r, f.b, width);
    for (let i = 0; i < delta.length; i++) out[t][i] += delta[i];
  }
  return out as EncoderWeights;
}

/**
 * Encodes one request's words (rows of `x`: T words x inputDims) as `WhiteboxEncoder.apply` does.
 * @example forward(weights, { inputDims: 512, width: 64, heads: 2, outputDims: 64 }, vectors, 3).attention // Float32Array(3), sums to 1
 */
export function forward(w: EncoderWeights, shape: EncoderShape, x: Float32Array, T: number): ForwardResult {
  const { inputDims: E, width: d, heads: h, outputDims: O } = shape;
  if (x.length !== T * E) throw new RangeError(`whitebox forward: ${x.length} input values for ${T} words of ${E}`);
  if (T === 0) return { query: new Float32Array(O), attention: new Float32Array(0) };
  const dh = d / h;
  const scale = 1 / Math.sqrt(dh);
  const h0 = matmul(x, T, E, w["in/w"], d, w["in/b"]);
  const q = matmul(h0, T, d, w["sa/q"], d);
  const k = matmul(h0, T, d, w["sa/k"], d);
  const v = matmul(h0, T, d, w["sa/v"], d);
  const mixed = new Float32Array(T * d);
  const logits = new Float32Array(T);
  for (let head = 0; head < h; head++) {
    const off = head * dh;
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        let s = 0;
        for (let c = 0; c < dh; c++) s += q[i * d + off + c] * k[j * d + off + c];
        logits[j] = s * scale;
      }
      softmaxInPlace(logits);
      for (let j = 0; j < T; j++) for (let c = 0; c < dh; c++) mixed[i * d + off + c] += logits[j] * v[j * d + off + c];
    }
  }
  const h1 = matmul(mixed, T, d, w["sa/o"], d);
  for (let i = 0; i < h1.length; i++) h1[i] += h0[i];
  layerNormInPlace(h1, T, d, w["ln1/g"], w["ln1/b"]);
  const f1 = matmul(h1, T, d, w["ff/w1"], 2 * d, w["ff/b1"]);
  for (let i = 0; i < f1.length; i++) f1[i] = Math.max(0, f1[i]);
  const h2 = matmul(f1, T, 2 * d, w["ff/w2"], d, w["ff/b2"]);
  for (let i = 0; i < h2.length; i++) h2[i] += h1[i];
  layerNormInPlace(h2, T, d, w["ln2/g"], w["ln2/b"]);
  // Final layer: one learned query per head over the words; its weights, averaged over heads, are the explanation.
  const pk = matmul(h2, T, d, w["pool/k"], d);
  const pv = matmul(h2, T, d, w["pool/v"], d);
  const pq = w["pool/q"];
  const pooled = new Float32Array(d);
  const attention = new Float32Array(T);
  const a = new Float32Array(T);
  for (let head = 0; head < h; head++) {
    const off = head * dh;
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let c = 0; c < dh; c++) s += pk[t * d + off + c] * pq[off + c];
      a[t] = s * scale;
    }
    softmaxInPlace(a);
    for (let t = 0; t < T; t++) {
      attention[t] += a[t] / h;
      for (let c = 0; c < dh; c++) pooled[off + c] += a[t] * pv[t * d + off + c];
    }
  }
  return { query: matmul(pooled, 1, d, w["out/w"], O, w["out/b"]), attention };
}

/** Checks that `arrays` holds every encoder parameter with the size `shape` gives; returns them typed. */
export function encoderWeights(arrays: Readonly<Record<string, Float32Array>>, sizeOf: (p: EncoderParam) => number): EncoderWeights {
  const out: Record<string, Float32Array> = {};
  for (const p of ENCODER_PARAMS) {
    const a = arrays[p];
    if (a === undefined || a.length !== sizeOf(p)) throw new RangeError(`whitebox encoder weight ${p} has ${a?.length ?? "no"} values, expected ${sizeOf(p)}`);
    out[p] = a;
  }
  return out as EncoderWeights;
}

/**
 * @file The decoder at inference, in plain JS (no TF.js): a GRU whose initial state is the request vector
 * projected, reading one token per step and scoring next tokens against an output embedding. Training (TF.js,
 * training.ts) runs the same equations; this file is what ranks, so the model and its serving form agree exactly.
 */
import { vecMat } from "../../core/matrix.js";
import { randNormal, type Rng } from "../../core/random.js";
import type { StepModel } from "./beam-search.js";

/** Sizes of a decoder. */
export interface DecoderDims {
  /** Width of a raw request vector (512 for USE). */
  readonly requestDims: number;
  /** GRU state size H. */
  readonly hidden: number;
  /** Token embedding size E. */
  readonly embed: number;
  /** Tokens V of the ID scheme; the start token is V (the embedding table has V + 1 rows). */
  readonly vocab: number;
}

/**
 * A decoder's weights, row-major (inputs x outputs). Gates in the order z (update), r (reset), n (candidate):
 * z = σ(x·Wx_z + bx_z + h·Wh_z + bh_z), r likewise, n = tanh(x·Wx_n + bx_n + r ⊙ (h·Wh_n + bh_n)),
 * h' = (1 − z) ⊙ n + z ⊙ h; h0 = tanh((q / requestScale)·wq + bq); logit(token) = h·out[token] + outB[token].
 */
export interface DecoderWeights extends DecoderDims {
  /** Raw request vectors are divided by this (the training requests' mean norm). */
  readonly requestScale: number;
  /** requestDims x H, and H. */
  readonly wq: Float32Array;
  readonly bq: Float32Array;
  /** (V + 1) x E. */
  readonly emb: Float32Array;
  /** E x 3H, and 3H. */
  readonly wx: Float32Array;
  readonly bx: Float32Array;
  /** H x 3H, and 3H. */
  readonly wh: Float32Array;
  readonly bh: Float32Array;
  /** V x H (one output vector per token), and V. */
  readonly out: Float32Array;
  readonly outB: Float32Array;
}

/** The weight arrays of a decoder and their shapes, in a fixed order (for saving and for TF.js variables). */
export function decoderShapes(d: DecoderDims): Record<"wq" | "bq" | "emb" | "wx" | "bx" | "wh" | "bh" | "out" | "outB", number[]> {
  const { requestDims: q, hidden: h, embed: e, vocab: v } = d;
  return { wq: [q, h], bq: [h], emb: [v + 1, e], wx: [e, 3 * h], bx: [3 * h], wh: [h, 3 * h], bh: [3 * h], out: [v, h], outB: [v] };
}

export const DECODER_ARRAYS = ["wq", "bq", "emb", "wx", "bx", "wh", "bh", "out", "outB"] as const;

/**
 * Glorot-scaled normal weights, zero biases: the starting point of training (and a decoder for search tests).
 * @example randomDecoderWeights({ requestDims: 8, hidden: 4, embed: 3, vocab: 10 }, mulberry32(1)).out.length // 40
 */
export function randomDecoderWeights(d: DecoderDims, rng: Rng, requestScale = 1): DecoderWeights {
  const shapes = decoderShapes(d);
  const make = (shape: number[]) => {
    if (shape.length === 1) return new Float32Array(shape[0]);
    const std = Math.sqrt(2 / (shape[0] + shape[1]));
    return Float32Array.from({ length: shape[0] * shape[1] }, () => randNormal(rng) * std);
  };
  const w = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, make(shapes[k])])) as Record<(typeof DECODER_ARRAYS)[number], Float32Array>;
  return { ...d, requestScale, ...w };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * A request's decoder: states are GRU hidden vectors (H floats).
 * @example const dec = new GruDecoder(weights); beamSearch(trie, dec, dec.root(vector), { k: 10, beam: 20 })
 */
export class GruDecoder implements StepModel<Float32Array> {
  /** Per token, x·Wx + bx (the input half of the gates), computed on first use: a step then costs one h·Wh. */
  private readonly inputGates = new Map<number, Float32Array>();

  constructor(readonly w: DecoderWeights) {
    const shapes = decoderShapes(w);
    for (const k of DECODER_ARRAYS) {
      const want = shapes[k].reduce((a, b) => a * b, 1);
      if (w[k].length !== want) throw new RangeError(`decoder weight ${k} has ${w[k].length} values, expected [${shapes[k]}] = ${want}`);
    }
  }

  /** The state before the first token: h0 from the request, then the start token read. */
  root(vector: Float32Array): Float32Array {
    const { w } = this;
    if (vector.length !== w.requestDims) throw new RangeError(`request vector has ${vector.length} values, the decoder expects ${w.requestDims}`);
    const h0 = vecMat(Float32Array.from(vector, (v) => v / w.requestScale), w.wq, w.hidden);
    for (let j = 0; j < h0.length; j++) h0[j] = Math.tanh(h0[j] + w.bq[j]);
    return this.next(h0, w.vocab);
  }

  logits(h: Float32Array, tokens: Int32Array, out: Float32Array): void {
    const { out: o, outB, hidden: H } = this.w;
    for (let j = 0; j < tokens.length; j++) {
      const t = tokens[j];
      const base = t * H;
      let s = outB[t];
      for (let i = 0; i < H; i++) s += h[i] * o[base + i];
      out[j] = s;
    }
  }

  next(h: Float32Array, token: number): Float32Array {
    const { hidden: H, wh, bh } = this.w;
    const gx = this.gatesOf(token);
    const gh = vecMat(h, wh, 3 * H);
    const out = new Float32Array(H);
    for (let i = 0; i < H; i++) {
      const z = sigmoid(gx[i] + gh[i] + bh[i]);
      const r = sigmoid(gx[H + i] + gh[H + i] + bh[H + i]);
      const n = Math.tanh(gx[2 * H + i] + r * (gh[2 * H + i] + bh[2 * H + i]));
      out[i] = (1 - z) * n + z * h[i];
    }
    return out;
  }

  private gatesOf(token: number): Float32Array {
    let g = this.inputGates.get(token);
    if (g === undefined) {
      const { embed: E, hidden: H, emb, wx, bx } = this.w;
      g = vecMat(emb.subarray(token * E, (token + 1) * E), wx, 3 * H);
      for (let j = 0; j < g.length; j++) g[j] += bx[j];
      this.inputGates.set(token, g);
    }
    return g;
  }
}

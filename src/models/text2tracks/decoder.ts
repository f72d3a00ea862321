/**
 * @file The decoder at inference, in plain JS (no TF.js): a GRU whose initial state is the request vector
 * projected, reading one token per step and scoring next tokens against an output embedding. Training (TF.js,
 * training.ts) runs the same equations; this file is what ranks, so the model and its serving form agree exactly.
 */
import { vecMat } from "../../core/matrix.js";
import { randNormal, type Rng } from "../../core/random.js";
import { words } from "../tagmatch/vocabulary.js";
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
  /** Request words W with an embedding of their own (the words of the training requests); 0 = the vector only. */
  readonly words: number;
  /** The longest identifier (positions with a count-prior weight). */
  readonly depth: number;
}

/**
 * A decoder's weights, row-major (inputs x outputs). The request is its vector q and the mean m of its known words'
 * embeddings (ww, H + 3H per word: a term of h0 and one of the gates). It enters twice: as the initial state and,
 * through c, in every step's gates (so later tokens need not carry it through the state). h0 = tanh((q /
 * requestScale)·wq + m_h + bq), c = (q / requestScale)·wc + m_c, and gates in the order z (update), r (reset),
 * n (candidate):
 * z = σ(x·Wx_z + bx_z + c_z + h·Wh_z + bh_z), r likewise, n = tanh(x·Wx_n + bx_n + c_n + r ⊙ (h·Wh_n + bh_n)),
 * h' = (1 − z) ⊙ n + z ⊙ h; logit(token) = h·out[token] + outB[token].
 */
export interface DecoderWeights extends DecoderDims {
  /** The request words with an embedding, index = row of ww (length = `words`). */
  readonly vocabulary: readonly string[];
  /** (W + 1) x 4H: per word its h0 term (first H) and gate term (3H); the last row (no word) is never read. */
  readonly ww: Float32Array;
  /** Raw request vectors are divided by this (the training requests' mean norm). */
  readonly requestScale: number;
  /** requestDims x H, and H. */
  readonly wq: Float32Array;
  readonly bq: Float32Array;
  /** (V + 1) x E. */
  readonly emb: Float32Array;
  /** requestDims x 3H: the request's term in every step's gates. */
  readonly wc: Float32Array;
  /** E x 3H, and 3H. */
  readonly wx: Float32Array;
  readonly bx: Float32Array;
  /** H x 3H, and 3H. */
  readonly wh: Float32Array;
  readonly bh: Float32Array;
  /** Per position, the weight of the count prior's log(1 + count) in the logits (count-prior.ts; 0 without it). */
  readonly pw: Float32Array;
  /** V x H (one output vector per token), and V. */
  readonly out: Float32Array;
  readonly outB: Float32Array;
}

/** The weight arrays of a decoder and their shapes, in a fixed order (for saving and for TF.js variables). */
export function decoderShapes(d: DecoderDims): Record<(typeof DECODER_ARRAYS)[number], number[]> {
  const { requestDims: q, hidden: h, embed: e, vocab: v, words, depth } = d;
  return { pw: [depth], ww: [words + 1, 4 * h], wq: [q, h], bq: [h], wc: [q, 3 * h], emb: [v + 1, e], wx: [e, 3 * h], bx: [3 * h], wh: [h, 3 * h], bh: [3 * h], out: [v, h], outB: [v] };
}

export const DECODER_ARRAYS = ["pw", "ww", "wq", "bq", "wc", "emb", "wx", "bx", "wh", "bh", "out", "outB"] as const;

/** A decoding state: the GRU's hidden vector, and the request's gate term (the same for every step of a request). */
export interface DecoderState {
  readonly h: Float32Array;
  readonly c: Float32Array;
}

/**
 * Glorot-scaled normal weights, zero biases: the starting point of training (and a decoder for search tests).
 * @example randomDecoderWeights({ requestDims: 8, hidden: 4, embed: 3, vocab: 10 }, mulberry32(1)).out.length // 40
 */
export function randomDecoderWeights(d: DecoderDims, rng: Rng, requestScale = 1, vocabulary: readonly string[] = Array.from({ length: d.words }, (_, i) => `w${i}`)): DecoderWeights {
  const shapes = decoderShapes(d);
  const make = (shape: number[]) => {
    if (shape.length === 1) return new Float32Array(shape[0]);
    const std = Math.sqrt(2 / (shape[0] + shape[1]));
    return Float32Array.from({ length: shape[0] * shape[1] }, () => randNormal(rng) * std);
  };
  const w = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, make(shapes[k])])) as Record<(typeof DECODER_ARRAYS)[number], Float32Array>;
  return { ...d, requestScale, vocabulary, ...w };
}

/**
 * The ids of a request's known words (distinct, in order of first use): what its word embeddings are averaged over.
 * @example requestWords("Female Vocalists", new Map([["female", 0], ["vocalists", 1]])) // [0, 1]
 */
export function requestWords(text: string, index: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const w of words(text)) {
    const i = index.get(w);
    if (i !== undefined && !out.includes(i)) out.push(i);
  }
  return out;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * A request's decoder: states are GRU hidden vectors (H floats) with the request's gate term.
 * @example const dec = new GruDecoder(weights); beamSearch(trie, dec, dec.root(vector), { k: 10, beam: 20 })
 */
export class GruDecoder implements StepModel<DecoderState> {
  /** Per token, x·Wx + bx (the input half of the gates), computed on first use: a step then costs one h·Wh. */
  private readonly inputGates = new Map<number, Float32Array>();
  private readonly wordIndex: ReadonlyMap<string, number>;

  constructor(readonly w: DecoderWeights) {
    const shapes = decoderShapes(w);
    for (const k of DECODER_ARRAYS) {
      const want = shapes[k].reduce((a, b) => a * b, 1);
      if (w[k].length !== want) throw new RangeError(`decoder weight ${k} has ${w[k].length} values, expected [${shapes[k]}] = ${want}`);
    }
    if (w.vocabulary.length !== w.words) throw new RangeError(`decoder has ${w.words} word rows and ${w.vocabulary.length} words`);
    this.wordIndex = new Map(w.vocabulary.map((x, i) => [x, i]));
  }

  /** The state before the first token: h0 from the request (its vector and words), then the start token read. */
  root(vector: Float32Array, text: string): DecoderState {
    const { w } = this;
    const H = w.hidden;
    if (vector.length !== w.requestDims) throw new RangeError(`request vector has ${vector.length} values, the decoder expects ${w.requestDims}`);
    const q = Float32Array.from(vector, (v) => v / w.requestScale);
    const h0 = vecMat(q, w.wq, H);
    const c = vecMat(q, w.wc, 3 * H);
    const known = requestWords(text, this.wordIndex);
    for (const i of known) {
      const base = i * 4 * H;
      for (let j = 0; j < H; j++) h0[j] += w.ww[base + j] / known.length;
      for (let j = 0; j < 3 * H; j++) c[j] += w.ww[base + H + j] / known.length;
    }
    for (let j = 0; j < H; j++) h0[j] = Math.tanh(h0[j] + w.bq[j]);
    return this.next({ h: h0, c }, w.vocab);
  }

  logits({ h }: DecoderState, tokens: Int32Array, out: Float32Array): void {
    const { out: o, outB, hidden: H } = this.w;
    for (let j = 0; j < tokens.length; j++) {
      const t = tokens[j];
      const base = t * H;
      let s = outB[t];
      for (let i = 0; i < H; i++) s += h[i] * o[base + i];
      out[j] = s;
    }
  }

  next({ h, c }: DecoderState, token: number): DecoderState {
    const { hidden: H, wh, bh } = this.w;
    const gx = this.gatesOf(token);
    const gh = vecMat(h, wh, 3 * H);
    const out = new Float32Array(H);
    for (let i = 0; i < H; i++) {
      const z = sigmoid(gx[i] + c[i] + gh[i] + bh[i]);
      const r = sigmoid(gx[H + i] + c[H + i] + gh[H + i] + bh[H + i]);
      const n = Math.tanh(gx[2 * H + i] + c[2 * H + i] + r * (gh[2 * H + i] + bh[2 * H + i]));
      out[i] = (1 - z) * n + z * h[i];
    }
    return { h: out, c };
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

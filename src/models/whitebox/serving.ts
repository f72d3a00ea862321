/**
 * @file A trained whitebox model in serving form: the encoder's weights, every item's unit embedding, the pair prior
 * and the popularity tie-break as plain arrays, plus the texts feedback draws its triplets from. Answering a request
 * needs no TF.js: the encoder's forward pass over the request's word vectors (forward.ts, with the listener's adapter
 * merged in), then an exact scan of the item embeddings.
 */
import { z } from "zod";
import { DataError, InputError } from "../../errors.js";
import { PAIR_FEATURES } from "../pair-features.js";
import { priorTerms, sumTerms, tablesFromArrays, tablesToArrays, termParts, type PairPrior } from "../pair-prior.js";
import type { AdapterHandle, WordAttribution } from "../recommender.js";
import { loadModelArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { adapterFactors, ENCODER_PARAMS, shapeOf, type EncoderShape } from "./params.js";
import { encoderWeights, forward, mergeLora, type EncoderWeights } from "./forward.js";
import { requestWords } from "./tokens.js";
import { indexTexts, type TextIndex } from "./text-index.js";

const FORMAT = "askmusic/whitebox-serving@1";

/** Everything {@link WhiteboxServing} holds; produced by `WhiteboxRecommender.toServing()`. */
export interface WhiteboxServingData {
  /** External item ids; row i of `itemVectors` is itemIds[i]. */
  readonly itemIds: readonly string[];
  /** Encoder of the word vectors (each word encoded alone) and of the request vector. */
  readonly encoderId: string;
  readonly shape: EncoderShape;
  /** Words read per request. */
  readonly maxWords: number;
  /** s: the encoder's part of the score is s · cos(query, item). */
  readonly towerScale: number;
  readonly weights: EncoderWeights;
  /** items x outputDims, row-major, unit rows (an all-zero item stays zero). */
  readonly itemVectors: Float32Array;
  /** Popularity tie-break per item (below any count difference). */
  readonly tieBreak: Float32Array;
  readonly pair?: PairPrior;
  /** Texts word feedback draws its triplets from (the train requests and the items' tags; never an evaluated split). */
  readonly feedbackTexts: readonly string[];
  readonly training: Readonly<Record<string, unknown>>;
}

/** A request ready to score: its unit query vector (times s), word attention, and prior terms per item it counts. */
export interface WhiteboxQuery {
  readonly vector: Float32Array;
  readonly attention: readonly WordAttribution[];
  readonly prior: ReadonlyMap<number, number>;
  readonly terms: ReadonlyMap<number, Float32Array>;
  /** Whether a listener's adapter shaped the attention. */
  readonly adapted: boolean;
}

const MetaSchema = z.object({
  format: z.literal(FORMAT),
  itemIds: z.array(z.string()).min(1),
  encoderId: z.string(),
  shape: z.object({ inputDims: z.number().int().min(1), width: z.number().int().min(1), heads: z.number().int().min(1), outputDims: z.number().int().min(1) }),
  maxWords: z.number().int().min(1),
  towerScale: z.number().positive(),
  training: z.record(z.unknown()),
  pair: z.object({ features: z.array(z.enum(PAIR_FEATURES)).min(1), phrases: z.array(z.string()) }).optional(),
  feedbackTexts: z.array(z.string()),
});

/**
 * The whitebox ranker ready to answer requests: score = s · cos(enc(words), item) + prior + tie-break.
 * @example
 * const m = await WhiteboxServing.load(dir);
 * const q = m.query(m.words("sad piano"), wordVectors);
 * q.attention // [{ word: "sad", weight: 0.41 }, { word: "piano", weight: 0.59 }]
 * m.top(q, 10).rows // [812, 40, ...]
 */
export class WhiteboxServing {
  private index: TextIndex | undefined;

  constructor(readonly data: WhiteboxServingData) {
    const { itemIds, itemVectors, shape, tieBreak } = data;
    if (itemVectors.length !== itemIds.length * shape.outputDims) throw new RangeError(`item vectors have ${itemVectors.length} values, expected ${itemIds.length} x ${shape.outputDims}`);
    if (tieBreak.length !== itemIds.length) throw new RangeError(`tie-break has ${tieBreak.length} values for ${itemIds.length} items`);
    encoderWeights(data.weights, (p) => shapeOf(p, shape).reduce((a, b) => a * b, 1));
  }

  /** The words the encoder reads of a text (their vectors are what {@link query} takes). */
  words(text: string): string[] {
    return requestWords(text, this.data.maxWords);
  }

  /**
   * Encodes a request: `vectors` holds one input vector per word of `words` (rows, row-major). An adapter of another
   * model is ignored; a malformed one of this model is a DataError (it comes from the state store).
   */
  query(words: readonly string[], vectors: Float32Array, text: string, adapter?: AdapterHandle): WhiteboxQuery {
    const { shape, towerScale } = this.data;
    if (vectors.length !== words.length * shape.inputDims) {
      throw new InputError(`whitebox: ${vectors.length} word-vector values for ${words.length} words of ${shape.inputDims}`, { field: "vector" });
    }
    const own = adapter !== undefined && adapter.model === "whitebox" ? adapter : undefined;
    const out = forward(own !== undefined ? this.adapted(own) : this.data.weights, shape, vectors, words.length);
    let norm = 0;
    for (const v of out.query) norm += v * v;
    // Unit rows as in training (zero stays zero: a request without words is ranked by its other terms).
    const f = towerScale / (Math.sqrt(norm) + 1e-6);
    const vector = Float32Array.from(out.query, (v) => v * f);
    const terms = this.data.pair !== undefined ? priorTerms(this.data.pair, { text }) : new Map<number, Float32Array>();
    return { vector, attention: words.map((word, i) => ({ word, weight: out.attention[i] })), prior: sumTerms(terms), terms, adapted: own !== undefined };
  }

  /**
   * The shared weights with the adapter's deltas merged. Not cached: merging costs 3 x d·r·d multiply-adds (~50 k at
   * width 64, rank 4), less than keying a cache safely (a version number alone can name two different adapters when
   * two retrainings race and one is refused).
   */
  private adapted(adapter: AdapterHandle): EncoderWeights {
    return mergeLora(this.data.weights, adapterFactors(adapter, this.data.shape.width), this.data.shape.width);
  }

  /** The feedback texts indexed by word (built on first use). */
  feedbackIndex(): TextIndex {
    this.index ??= indexTexts(this.data.feedbackTexts, this.data.maxWords);
    return this.index;
  }

  /** Exact scores (s · cos + prior + tie-break) of the given rows. */
  score(query: WhiteboxQuery, rows: ArrayLike<number>): Float32Array {
    const { itemVectors, tieBreak } = this.data;
    const d = this.data.shape.outputDims;
    const q = query.vector;
    return Float32Array.from({ length: rows.length }, (_, i) => {
      const r = rows[i];
      let s = tieBreak[r] + (query.prior.get(r) ?? 0);
      for (let j = 0; j < d; j++) s += q[j] * itemVectors[r * d + j];
      return s;
    });
  }

  /** One row's score as parts: `request` (the encoder's cosine), the prior's terms, and `popularity` (the tie-break). */
  explain(query: WhiteboxQuery, row: number): Record<string, number> {
    const terms = this.data.pair !== undefined ? termParts(this.data.pair.features, query.terms.get(row)) : {};
    const popularity = this.data.tieBreak[row];
    const rest = Object.values(terms).reduce((a, b) => a + b, 0) + popularity;
    return { request: this.score(query, [row])[0] - rest, ...terms, popularity };
  }

  /**
   * The `k` best rows passing `accept`, best first (ties by lower row), with exact scores: every item is scored
   * (items x outputDims multiply-adds, ~3.5 M for Jamendo at width 64: a few ms), because the tie-break and the prior
   * make an inner-product index's order inexact.
   */
  top(query: WhiteboxQuery, k: number, accept: (row: number) => boolean = () => true): { rows: number[]; scores: number[] } {
    const n = this.data.itemIds.length;
    const scores = this.scoreAll(query);
    // Keep the best k in a small sorted buffer: k is at most a few hundred.
    const rows: number[] = [];
    for (let r = 0; r < n; r++) {
      if (!accept(r)) continue;
      const s = scores[r];
      if (rows.length === k && !(s > scores[rows[k - 1]])) continue;
      let at = rows.length;
      while (at > 0 && (scores[rows[at - 1]] < s)) at--;
      rows.splice(at, 0, r);
      if (rows.length > k) rows.pop();
    }
    return { rows, scores: rows.map((r) => scores[r]) };
  }

  /** Exact scores of every row. */
  private scoreAll(query: WhiteboxQuery): Float32Array {
    const { itemVectors, tieBreak } = this.data;
    const d = this.data.shape.outputDims;
    const q = query.vector;
    const out = Float32Array.from(tieBreak);
    for (let r = 0; r < out.length; r++) {
      let s = 0;
      const base = r * d;
      for (let j = 0; j < d; j++) s += q[j] * itemVectors[base + j];
      out[r] += s;
    }
    for (const [r, p] of query.prior) out[r] += p;
    return out;
  }

  /** Writes the model into `dir` (model.json + weights.f32, each atomically). */
  async save(dir: string): Promise<void> {
    const d = this.data;
    const arrays: NamedArray[] = [
      ...ENCODER_PARAMS.map((p) => ({ name: `enc/${p}`, shape: shapeOf(p, d.shape), data: d.weights[p] })),
      { name: "items", shape: [d.itemIds.length, d.shape.outputDims], data: d.itemVectors },
      { name: "tie", shape: [d.itemIds.length], data: d.tieBreak },
    ];
    const pair = d.pair !== undefined ? tablesToArrays(d.pair, 0) : undefined;
    if (pair !== undefined) arrays.push(...pair.arrays);
    const meta: z.input<typeof MetaSchema> = {
      format: FORMAT,
      itemIds: [...d.itemIds],
      encoderId: d.encoderId,
      shape: { ...d.shape },
      maxWords: d.maxWords,
      towerScale: d.towerScale,
      training: { ...d.training },
      ...(d.pair !== undefined && pair !== undefined ? { pair: { features: [...d.pair.features], phrases: pair.phrases } } : {}),
      feedbackTexts: [...d.feedbackTexts],
    };
    await saveArrays(dir, meta, arrays);
  }

  /** Reads what {@link WhiteboxServing.save} wrote; a missing or inconsistent file is a DataError naming it. */
  static async load(dir: string): Promise<WhiteboxServing> {
    const { meta, file, need, arrays } = await loadModelArrays(dir, MetaSchema, FORMAT);
    if (meta.shape.width % meta.shape.heads !== 0) throw new DataError(`${file}: width ${meta.shape.width} is not a multiple of heads ${meta.shape.heads}`, { path: file });
    const weights = Object.fromEntries(ENCODER_PARAMS.map((p) => [p, need(`enc/${p}`, shapeOf(p, meta.shape))])) as EncoderWeights;
    const n = meta.itemIds.length;
    return new WhiteboxServing({
      itemIds: meta.itemIds,
      encoderId: meta.encoderId,
      shape: meta.shape,
      maxWords: meta.maxWords,
      towerScale: meta.towerScale,
      weights,
      itemVectors: need("items", [n, meta.shape.outputDims]),
      tieBreak: need("tie", [n]),
      ...(meta.pair !== undefined ? { pair: tablesFromArrays(meta.pair.features, meta.pair.phrases, n, 0, arrays, file) } : {}),
      feedbackTexts: meta.feedbackTexts,
      training: meta.training,
    });
  }
}

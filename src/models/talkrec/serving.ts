/**
 * @file A trained TalkRec model in serving form: the request tower's weights and every item's final embedding, as
 * plain arrays. Answering a request needs no TF.js: one small MLP forward pass for the request, then an exact
 * inner-product search over the item embeddings (int8 scan, float rescoring) and exact scores of what it returns.
 */
import { z } from "zod";
import { matrix, vecMat } from "../../core/matrix.js";
import { DataError, InputError } from "../../errors.js";
import { DenseIndex } from "../../store/memory/dense-index.js";
import { PAIR_FEATURES } from "../pair-features.js";
import { priorTerms, sumTerms, tablesFromArrays, tablesToArrays, termParts, type PairPrior } from "../pair-prior.js";
import { loadModelArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";

const FORMAT = "askmusic/talkrec-serving@1";

/** One dense layer of the request tower: x·w + b. */
export interface DenseLayer {
  /** inputs x outputs, row-major. */
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** Everything {@link TalkRecServing} holds; produced by `TalkRecRecommender.toServing()`. */
export interface TalkRecServingData {
  /** External item ids; row i of `itemVectors` is itemIds[i]. */
  readonly itemIds: readonly string[];
  /** Embedding size d. */
  readonly dims: number;
  /** items x d, row-major: the item tower's output for every item. */
  readonly itemVectors: Float32Array;
  /** Encoder whose request vectors the model was trained on. */
  readonly encoderId: string;
  /** Width of a raw request vector. */
  readonly requestDims: number;
  /** Raw request vectors are divided by this (the training requests' mean norm) before the tower. */
  readonly requestScale: number;
  /** The request tower, first layer first: ReLU between layers, none after the last (its outputs = dims). */
  readonly layers: readonly DenseLayer[];
  /** What training reported, for display. */
  readonly training: Readonly<Record<string, unknown>>;
  /** The pair prior (train co-occurrence of the request's words), when the model was trained with one. */
  readonly pair?: PairPrior;
}

/** A request ready to score: the tower's output, and the pair prior's terms and score per item it counts (absent without one). */
export interface TalkRecQuery {
  readonly vector: Float32Array;
  readonly prior?: ReadonlyMap<number, number>;
  readonly terms?: ReadonlyMap<number, Float32Array>;
}

const MetaSchema = z.object({
  format: z.literal(FORMAT),
  itemIds: z.array(z.string()).min(1),
  dims: z.number().int().min(1),
  encoderId: z.string(),
  requestDims: z.number().int().min(1),
  requestScale: z.number().positive(),
  layerSizes: z.array(z.number().int().min(1)).min(1),
  training: z.record(z.unknown()),
  pair: z.object({ features: z.array(z.enum(PAIR_FEATURES)).min(1), phrases: z.array(z.string()) }).optional(),
});

/**
 * TalkRec ready to answer requests: score(request, item) = tower(request / requestScale) · item, plus the pair
 * prior's co-occurrence term when trained with one.
 * @example
 * const m = await TalkRecServing.load(dir);
 * m.top(m.query(vector, "calm piano"), 10).rows // [812, 40, ...]
 */
export class TalkRecServing {
  private index: DenseIndex | undefined;

  constructor(readonly data: TalkRecServingData) {
    const { itemIds, itemVectors, dims, layers, requestDims } = data;
    if (itemVectors.length !== itemIds.length * dims) throw new RangeError(`item vectors have ${itemVectors.length} values, expected ${itemIds.length} x ${dims}`);
    let inputs = requestDims;
    layers.forEach((l, i) => {
      const outputs = l.b.length;
      if (l.w.length !== inputs * outputs) throw new RangeError(`layer ${i} has ${l.w.length} weights, expected ${inputs} x ${outputs}`);
      inputs = outputs;
    });
    if (inputs !== dims) throw new RangeError(`the request tower ends in ${inputs} values, the item vectors have ${dims}`);
  }

  /** The request tower's output for a raw request vector (d values), and the prior's terms for its words. */
  query(raw: Float32Array, text: string): TalkRecQuery {
    const vector = this.tower(raw);
    if (this.data.pair === undefined) return { vector };
    const terms = priorTerms(this.data.pair, { text });
    return { vector, prior: sumTerms(terms), terms };
  }

  private tower(raw: Float32Array): Float32Array {
    const d = this.data;
    if (raw.length !== d.requestDims) throw new InputError(`talkrec: request vector has ${raw.length} values, the model expects ${d.requestDims}`, { field: "vector" });
    let h: Float32Array = Float32Array.from(raw, (v) => v / d.requestScale);
    d.layers.forEach((l, i) => {
      const out = vecMat(h, l.w, l.b.length);
      const relu = i < d.layers.length - 1;
      for (let j = 0; j < out.length; j++) out[j] = relu ? Math.max(0, out[j] + l.b[j]) : out[j] + l.b[j];
      h = out;
    });
    return h;
  }

  /** Exact scores (query · item + prior) of the given rows. */
  score(query: TalkRecQuery, rows: ArrayLike<number>): Float32Array {
    const { itemVectors, dims } = this.data;
    const q = query.vector;
    return Float32Array.from({ length: rows.length }, (_, i) => {
      const base = rows[i] * dims;
      let s = query.prior?.get(rows[i]) ?? 0;
      for (let j = 0; j < dims; j++) s += q[j] * itemVectors[base + j];
      return s;
    });
  }

  /** One row's score as parts: `request` (the towers' inner product) and the prior's terms. */
  explain(query: TalkRecQuery, row: number): Record<string, number> {
    const terms = this.data.pair !== undefined ? termParts(this.data.pair.features, query.terms?.get(row)) : {};
    const prior = Object.values(terms).reduce((a, b) => a + b, 0);
    return { request: this.score(query, [row])[0] - prior, ...terms };
  }

  /**
   * The `k` best rows passing `accept`, best first (ties by row), with exact scores: the inner-product index's top k
   * (its int8 scan is wide enough that only rows within float rounding of the k-th can swap), rescored here exactly.
   * Items with an all-zero embedding and no prior term are never returned. With a prior, its rows join the search's,
   * which reads k + (rows with a prior) rows: a prior term may be negative, and at least k rows without one must be
   * among those read for every unread row to be provably outside the top k.
   */
  top(query: TalkRecQuery, k: number, accept: (row: number) => boolean = () => true): { rows: number[]; scores: number[] } {
    const prior = query.prior ?? new Map<number, number>();
    const found = this.lists().search(query.vector, k + prior.size, accept).map((h) => h.row);
    const hits = [...new Set([...found, ...[...prior.keys()].filter((r) => accept(r))])];
    const scores = this.score(query, hits);
    const order = Array.from(hits.keys()).sort((a, b) => scores[b] - scores[a] || hits[a] - hits[b]).slice(0, k);
    return { rows: order.map((i) => hits[i]), scores: order.map((i) => scores[i]) };
  }

  /** The inner-product index over the item embeddings, built on first use (call once at startup). */
  lists(): DenseIndex {
    this.index ??= DenseIndex.build(matrix(this.data.itemIds.length, this.data.dims, this.data.itemVectors), "ip");
    return this.index;
  }

  /** Writes the model into `dir` (model.json + weights.f32, each atomically). */
  async save(dir: string): Promise<void> {
    const d = this.data;
    const arrays: NamedArray[] = [{ name: "items", shape: [d.itemIds.length, d.dims], data: d.itemVectors }];
    let inputs = d.requestDims;
    d.layers.forEach((l, i) => {
      arrays.push({ name: `request/w${i}`, shape: [inputs, l.b.length], data: l.w }, { name: `request/b${i}`, shape: [l.b.length], data: l.b });
      inputs = l.b.length;
    });
    const pair = d.pair !== undefined ? tablesToArrays(d.pair, 0) : undefined;
    if (pair !== undefined) arrays.push(...pair.arrays);
    const meta: z.input<typeof MetaSchema> = {
      format: FORMAT,
      itemIds: [...d.itemIds],
      dims: d.dims,
      encoderId: d.encoderId,
      requestDims: d.requestDims,
      requestScale: d.requestScale,
      layerSizes: d.layers.map((l) => l.b.length),
      training: { ...d.training },
      ...(d.pair !== undefined && pair !== undefined ? { pair: { features: [...d.pair.features], phrases: pair.phrases } } : {}),
    };
    await saveArrays(dir, meta, arrays);
  }

  /** Reads what {@link TalkRecServing.save} wrote; a missing or inconsistent file is a DataError naming it. */
  static async load(dir: string): Promise<TalkRecServing> {
    const { meta, file, need, arrays } = await loadModelArrays(dir, MetaSchema, FORMAT);
    let inputs = meta.requestDims;
    const layers = meta.layerSizes.map((outputs, i) => {
      const layer = { w: need(`request/w${i}`, [inputs, outputs]), b: need(`request/b${i}`, [outputs]) };
      inputs = outputs;
      return layer;
    });
    if (inputs !== meta.dims) throw new DataError(`${file}: the request tower ends in ${inputs} values, the item vectors have ${meta.dims}`, { path: file });
    return new TalkRecServing({
      itemIds: meta.itemIds,
      dims: meta.dims,
      itemVectors: need("items", [meta.itemIds.length, meta.dims]),
      encoderId: meta.encoderId,
      requestDims: meta.requestDims,
      requestScale: meta.requestScale,
      layers,
      training: meta.training,
      ...(meta.pair !== undefined ? { pair: tablesFromArrays(meta.pair.features, meta.pair.phrases, meta.itemIds.length, 0, arrays, file) } : {}),
    });
  }
}

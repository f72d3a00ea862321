/**
 * @file A trained JAM model in serving form: the projected item modality vectors, item biases, the request (and
 * MoE gate) projection and the trained users' vectors, as plain arrays. Answering a request needs no TF.js and no
 * domain rebuild: one small projection of the request, an inner-product shortlist per modality, and the exact
 * fusion over the shortlisted items by the fusion kernel JamRecommender's scoring runs too (fusion.ts), so `eval`
 * measures what requests get.
 */
import { z } from "zod";
import { matrix, vecMat } from "../../core/matrix.js";
import { DataError, InputError, NotFoundError } from "../../errors.js";
import { DenseIndex } from "../../store/memory/dense-index.js";
import { loadModelArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { fusePair, fuseScores, fusionScratch, type Fusion, type FusionScratch, type PairDots } from "./fusion.js";
import { PAIR_FEATURES } from "../pair-features.js";
import { priorTerms, sumTerms, tablesFromArrays, tablesToArrays, termParts, type PairPrior } from "../pair-prior.js";
import type { ListeningHistory } from "../recommender.js";
import type { InputTransform } from "./inputs.js";
import { MIXINGS, type Mixing } from "./options.js";

const FORMAT = "askmusic/jam-serving@1";

/** Everything {@link JamServing} holds; produced by `JamRecommender.toServing()`. */
export interface JamServingData {
  /** Registry name of the trained model, e.g. "jam-cross". */
  readonly model: string;
  readonly mixing: Mixing;
  /** MoE: experts kept per pair. */
  readonly topK: number;
  /** Shared embedding size d. */
  readonly dims: number;
  /** Modality names in fusion order, e.g. ["tagtext", "name", "cotag"]. */
  readonly modalities: readonly string[];
  /** External item ids; row i of every item array is itemIds[i]. */
  readonly itemIds: readonly string[];
  /** Per modality: items x d, row-major (v_m of every item). */
  readonly itemVectors: readonly Float32Array[];
  /** Per item: popularity prior + learned bias (zeros without item bias). */
  readonly bias: Float32Array;
  /** Encoder whose request vectors the model was trained on (must match the one used at request time). */
  readonly encoderId: string;
  /** Width of a raw request vector. */
  readonly requestDims: number;
  readonly requestTransform: InputTransform;
  /** (transformed request width) x d, and d. */
  readonly requestW: Float32Array;
  readonly requestB: Float32Array;
  /** MoE gate: d x d and one bias per modality. */
  readonly gateW?: Float32Array;
  readonly gateB?: Float32Array;
  /** Trained users (external ids) and their final vectors (users x d); absent when the domain had none. */
  readonly userIds?: readonly string[];
  readonly userVectors?: Float32Array;
  /** What training reported (epochs, selection NDCG@10, seconds, ...), for display. */
  readonly training: Readonly<Record<string, unknown>>;
  /** The pair prior (weights and the count tables it reads), when the model was trained with one. */
  readonly pair?: PairPrior;
}

const TransformSchema = z.object({ scale: z.number(), post: z.number(), pca: z.boolean() });
const MetaSchema = z.object({
  format: z.literal(FORMAT),
  model: z.string(),
  mixing: z.enum(MIXINGS),
  topK: z.number().int().min(1),
  dims: z.number().int().min(1),
  modalities: z.array(z.string()).min(1),
  itemIds: z.array(z.string()).min(1),
  encoderId: z.string(),
  requestDims: z.number().int().min(1),
  requestTransform: TransformSchema,
  userIds: z.array(z.string()).optional(),
  training: z.record(z.unknown()),
  pair: z.object({ features: z.array(z.enum(PAIR_FEATURES)).min(1), phrases: z.array(z.string()) }).optional(),
});

/** The score of one (request, item) pair split the way JAM computes it. */
export interface JamExplanation {
  /** Σ_m w_m (request·v_m). */
  readonly request: number;
  /** Σ_m w_m (user·v_m); 0 without a user. */
  readonly user: number;
  readonly bias: number;
  /** The pair prior's terms by feature (history, cooccurrence, tagged); empty without a prior. */
  readonly prior: Record<string, number>;
  /** w_m by modality name: in [0, 1], summing to 1. */
  readonly modalityWeights: Record<string, number>;
}

/** What the pair prior reads of a request besides its vector: its words and the listener's history (item rows). */
export interface PriorContext {
  readonly text: string;
  readonly history?: ListeningHistory;
}

/** A request projected into the model's space, optionally with a trained user's vector. */
export interface JamQuery {
  /** The projected request q (d). */
  readonly request: Float32Array;
  /** The user vector u (d), or undefined. */
  readonly user: Float32Array | undefined;
  /** MoE only: G·q (d). */
  readonly gated: Float32Array | undefined;
  /** The pair prior's terms and score per item with a count (computed once per request); absent without a prior. */
  readonly prior?: { readonly terms: ReadonlyMap<number, Float32Array>; readonly scores: ReadonlyMap<number, number> };
}

/** A JAM model ready to answer requests. Build with {@link JamServing.load} or `new JamServing(data)`. */
export class JamServing {
  private readonly rowOfItem: ReadonlyMap<string, number>;
  private readonly rowOfUser: ReadonlyMap<string, number>;
  private readonly fusion: Fusion;
  private indices: DenseIndex[] | undefined;
  private biasOrder: Int32Array | undefined;
  /** One-item dot products and fusion scratch for explain() (synchronous, so calls never interleave). */
  private readonly single: { dots: PairDots; scratch: FusionScratch };

  constructor(readonly data: JamServingData) {
    const { itemIds, itemVectors, dims, modalities, bias } = data;
    if (itemVectors.length !== modalities.length) throw new RangeError(`${modalities.length} modalities but ${itemVectors.length} item arrays`);
    for (const v of itemVectors) if (v.length !== itemIds.length * dims) throw new RangeError(`an item array has ${v.length} values, expected ${itemIds.length} x ${dims}`);
    if (bias.length !== itemIds.length) throw new RangeError(`bias has ${bias.length} values, expected ${itemIds.length}`);
    const M = modalities.length;
    if (data.mixing === "moe" && M > 1 && (data.gateW?.length !== dims * dims || data.gateB?.length !== M)) throw new RangeError(`moe over ${M} modalities needs a ${dims} x ${dims} gate and ${M} gate biases`);
    this.rowOfItem = new Map(itemIds.map((id, i) => [id, i]));
    this.rowOfUser = new Map((data.userIds ?? []).map((id, i) => [id, i]));
    this.fusion = { mixing: data.mixing, topK: data.topK, scale: 1 / Math.sqrt(dims), ...(data.gateB !== undefined ? { gateBias: data.gateB } : {}) };
    const one = () => Array.from({ length: M }, () => new Float32Array(1));
    this.single = { dots: { request: one(), user: one(), gate: one() }, scratch: fusionScratch(M) };
  }

  get model(): string {
    return this.data.model;
  }

  /** Row of an item id, or undefined when the model does not know it. */
  itemRow(id: string): number | undefined {
    return this.rowOfItem.get(id);
  }

  /** True when the model has a trained vector for this user id. */
  hasUser(id: string): boolean {
    return this.rowOfUser.has(id);
  }

  /**
   * Projects a raw request vector (from the encoder named by `data.encoderId`) and picks the trained user's vector.
   * Throws NotFoundError for a user the model was not trained with.
   */
  query(raw: Float32Array, userId?: string, context?: PriorContext): JamQuery {
    const d = this.data;
    if (raw.length !== d.requestDims) throw new InputError(`${d.model}: request vector has ${raw.length} values, the model expects ${d.requestDims}`, { field: "vector" });
    const x = transformRequest(raw, d.requestTransform);
    const q = vecMat(x, d.requestW, d.dims);
    for (let j = 0; j < d.dims; j++) q[j] += d.requestB[j];
    let user: Float32Array | undefined;
    let userRow: number | undefined;
    if (userId !== undefined) {
      userRow = this.rowOfUser.get(userId);
      if (userRow === undefined) throw new NotFoundError("user", userId, d.userIds ?? []);
      user = d.userVectors!.subarray(userRow * d.dims, (userRow + 1) * d.dims);
    }
    const gated = d.mixing === "moe" && d.gateW !== undefined ? vecMat(q, d.gateW, d.dims) : undefined;
    if (d.pair === undefined || context === undefined) return { request: q, user, gated };
    // A history the request carries (an askmusic user's likes) stands in for the user's plays, as in evaluation.
    const request = { text: context.text, ...(context.history !== undefined ? { history: context.history } : {}), ...(userRow !== undefined ? { user: userRow } : {}) };
    const terms = priorTerms(d.pair, request);
    return { request: q, user, gated, prior: { terms, scores: sumTerms(terms) } };
  }

  /**
   * The `k` best rows for a query (exact scores, descending; ties by row) among rows passing `accept`, without
   * scoring every item. Every list below is read best-first: per modality, rows by (user + request)·v_m (the exact
   * inner-product index), and rows by item bias. The fused score is Σ_m w_m (user + request)·v_m + bias with
   * weights w summing to 1, so a row outside every list scores at most max_m τ_m + τ_bias, where τ is the last
   * score each list returned. The lists start at `perList` rows and are widened (x4) until the k-th best
   * shortlisted score reaches that bound, which makes the top k provably exact (`certified`), or until
   * `maxPerList` rows per list have been read. The bound is loose (on Jamendo, certifying a top 100 read ~18k of
   * 55k items, slower than scoring them all), so requests use {@link shortlist}, and scripts/bench-ask.ts checks
   * both against scoring every item.
   */
  top(
    query: JamQuery,
    k: number,
    accept: (row: number) => boolean = () => true,
    options: { perList?: number; maxPerList?: number } = {},
  ): { rows: number[]; scores: number[]; certified: boolean; shortlisted: number } {
    const start = Math.max(k, options.perList ?? 32);
    const maxPerList = options.maxPerList ?? 4096;
    const d = this.data;
    const n = d.itemIds.length;
    const { indices, biasOrder } = this.lists();
    const left = leftVector(query);
    const scored = new Map<number, number>();
    const scoreNew = (rows: readonly number[]) => {
      const fresh = rows.filter((r) => !scored.has(r));
      this.score(query, fresh).forEach((s, i) => scored.set(fresh[i], s));
    };
    // Rows with a prior term are scored up front; every other row's prior is 0, so the bound below still holds.
    if (query.prior !== undefined) scoreNew([...query.prior.scores.keys()].filter((r) => accept(r)));
    for (let per = start; ; per *= 4) {
      let bound = -Infinity;
      let exhausted = true;
      for (const index of indices) {
        const hits = index.search(left, per, accept);
        scoreNew(hits.map((h) => h.row));
        if (hits.length === per) {
          exhausted = false;
          bound = Math.max(bound, hits[per - 1].score);
        }
      }
      const byBias: number[] = [];
      let lastBias = -Infinity;
      for (const r of biasOrder) {
        if (byBias.length >= per) break;
        if (!accept(r)) continue;
        byBias.push(r);
        lastBias = d.bias[r];
      }
      scoreNew(byBias);
      if (byBias.length === per) exhausted = false;
      // Zero rows are in no index: they score their bias alone, which the bias list covers.
      const ranked = [...scored].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
      const kth = ranked.length >= k ? ranked[k - 1][1] : -Infinity;
      const certified = exhausted || kth >= Math.max(bound, 0) + lastBias;
      if (certified || per >= maxPerList || per >= n) {
        return { rows: ranked.map((r) => r[0]), scores: ranked.map((r) => r[1]), certified: certified || per >= n, shortlisted: scored.size };
      }
    }
  }

  /**
   * About the `k` best rows, fast: one round of {@link top}'s lists, `perList` rows each read in int8 order (no
   * float rescoring, no certification), then every listed row scored exactly. This is what a request runs;
   * scripts/bench-ask.ts measures how often its top 10 equals the one from scoring every item.
   */
  shortlist(query: JamQuery, k: number, perList: number, accept: (row: number) => boolean = () => true): { rows: number[]; scores: number[]; shortlisted: number } {
    const { indices, biasOrder } = this.lists();
    const left = leftVector(query);
    const seen = new Set<number>();
    for (const index of indices) for (const r of index.candidates(left, perList, accept)) seen.add(r);
    // The lists know nothing of the prior: the rows it scores (the listener's plays, what these words chose in
    // training) are candidates too.
    if (query.prior !== undefined) for (const r of query.prior.scores.keys()) if (accept(r)) seen.add(r);
    let taken = 0;
    for (let i = 0; i < biasOrder.length && taken < perList; i++) {
      const r = biasOrder[i];
      if (!accept(r)) continue;
      seen.add(r);
      taken++;
    }
    const rows = [...seen];
    const scores = this.score(query, rows);
    const order = Array.from(rows.keys()).sort((a, b) => scores[b] - scores[a] || rows[a] - rows[b]).slice(0, k);
    return { rows: order.map((i) => rows[i]), scores: order.map((i) => scores[i]), shortlisted: rows.length };
  }

  /**
   * The lists {@link top} reads (an inner-product index per modality, rows by bias), built on first use: about a
   * second for 55k items. Call once at startup so no request waits for it.
   */
  lists(): { indices: readonly DenseIndex[]; biasOrder: Int32Array } {
    const d = this.data;
    this.indices ??= d.itemVectors.map((v) => DenseIndex.build(matrix(d.itemIds.length, d.dims, v), "ip"));
    this.biasOrder ??= Int32Array.from(d.itemIds.keys()).sort((a, b) => d.bias[b] - d.bias[a] || a - b);
    return { indices: this.indices, biasOrder: this.biasOrder };
  }

  /** Exact scores of the given rows (the fusion kernel over their dot products with the query). */
  score(query: JamQuery, rows: ArrayLike<number>): Float32Array {
    const n = rows.length;
    const M = this.data.modalities.length;
    const fresh = () => Array.from({ length: M }, () => new Float32Array(n));
    const dots: PairDots = { request: fresh(), ...(query.user !== undefined ? { user: fresh() } : {}), ...(query.gated !== undefined ? { gate: fresh() } : {}) };
    const bias = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.dotsInto(query, rows[i], dots, i);
      bias[i] = this.data.bias[rows[i]];
    }
    const out = fuseScores(this.fusion, dots, bias, new Float32Array(n));
    const prior = query.prior?.scores;
    if (prior !== undefined) for (let i = 0; i < n; i++) out[i] += prior.get(rows[i]) ?? 0;
    return out;
  }

  /** The parts of one row's score and its modality weights. */
  explain(query: JamQuery, row: number): JamExplanation {
    const { scratch } = this.single;
    const dots: PairDots = { request: this.single.dots.request, ...(query.user !== undefined ? { user: this.single.dots.user } : {}), ...(query.gated !== undefined ? { gate: this.single.dots.gate } : {}) };
    this.dotsInto(query, row, dots, 0);
    const { request, user } = fusePair(this.fusion, dots, 0, scratch);
    const modalityWeights: Record<string, number> = {};
    this.data.modalities.forEach((name, m) => (modalityWeights[name] = scratch.w[m]));
    const prior = this.data.pair !== undefined && query.prior !== undefined ? termParts(this.data.pair.features, query.prior.terms.get(row)) : {};
    return { request, user, bias: this.data.bias[row], prior, modalityWeights };
  }

  /** Writes the query's dot products with item `row` into column `at` of `dots` (request, and user/gate when present). */
  private dotsInto(query: JamQuery, row: number, dots: PairDots, at: number): void {
    const { itemVectors, dims } = this.data;
    const base = row * dims;
    const { request: q, user: u, gated: g } = query;
    for (let m = 0; m < itemVectors.length; m++) {
      const v = itemVectors[m];
      let sq = 0;
      for (let j = 0; j < dims; j++) sq += q[j] * v[base + j];
      dots.request[m][at] = sq;
      if (u !== undefined && dots.user !== undefined) {
        let su = 0;
        for (let j = 0; j < dims; j++) su += u[j] * v[base + j];
        dots.user[m][at] = su;
      }
      if (g !== undefined && dots.gate !== undefined) {
        let sg = 0;
        for (let j = 0; j < dims; j++) sg += g[j] * v[base + j];
        dots.gate[m][at] = sg;
      }
    }
  }

  /** Writes the model into `dir` (model.json + weights.f32, each atomically). */
  async save(dir: string): Promise<void> {
    const d = this.data;
    const t = d.requestTransform;
    const arrays: NamedArray[] = [
      ...d.itemVectors.map((v, m) => ({ name: `items/${d.modalities[m]}`, shape: [d.itemIds.length, d.dims], data: v })),
      { name: "bias", shape: [d.itemIds.length], data: d.bias },
      { name: "request/w", shape: [d.requestW.length / d.dims, d.dims], data: d.requestW },
      { name: "request/b", shape: [d.dims], data: d.requestB },
    ];
    if (t.pca !== undefined) {
      arrays.push({ name: "request/pca/mean", shape: [t.pca.mean.length], data: t.pca.mean });
      arrays.push({ name: "request/pca/components", shape: [t.pca.components.rows, t.pca.components.cols], data: t.pca.components.data });
    }
    if (d.gateW !== undefined && d.gateB !== undefined) {
      arrays.push({ name: "gate/w", shape: [d.dims, d.dims], data: d.gateW });
      arrays.push({ name: "gate/b", shape: [d.gateB.length], data: d.gateB });
    }
    if (d.userVectors !== undefined) arrays.push({ name: "users", shape: [d.userVectors.length / d.dims, d.dims], data: d.userVectors });
    const pair = d.pair !== undefined ? tablesToArrays(d.pair, d.userIds?.length ?? 0) : undefined;
    if (pair !== undefined) arrays.push(...pair.arrays);
    const meta: z.input<typeof MetaSchema> = {
      format: FORMAT,
      model: d.model,
      mixing: d.mixing,
      topK: d.topK,
      dims: d.dims,
      modalities: [...d.modalities],
      itemIds: [...d.itemIds],
      encoderId: d.encoderId,
      requestDims: d.requestDims,
      requestTransform: { scale: t.scale, post: t.post, pca: t.pca !== undefined },
      ...(d.userIds !== undefined ? { userIds: [...d.userIds] } : {}),
      training: { ...d.training },
      ...(d.pair !== undefined && pair !== undefined ? { pair: { features: [...d.pair.features], phrases: pair.phrases } } : {}),
    };
    await saveArrays(dir, meta, arrays);
  }

  /** Reads what {@link JamServing.save} wrote; a missing or inconsistent file is a DataError naming it. */
  static async load(dir: string): Promise<JamServing> {
    const { meta, file, arrays, need } = await loadModelArrays(dir, MetaSchema, FORMAT);
    const n = meta.itemIds.length;
    const requestWShape = arrays.get("request/w")?.shape ?? [];
    if (requestWShape.length !== 2) throw new DataError(`${file}: array request/w is missing`, { path: file });
    const requestIn = requestWShape[0];
    const t = meta.requestTransform;
    const requestTransform: InputTransform = t.pca
      ? { scale: t.scale, post: t.post, pca: { mean: need("request/pca/mean", [meta.requestDims]), components: matrix(meta.requestDims, requestIn, need("request/pca/components", [meta.requestDims, requestIn])) } }
      : { scale: t.scale, post: t.post };
    const users = meta.userIds;
    return new JamServing({
      model: meta.model,
      mixing: meta.mixing,
      topK: meta.topK,
      dims: meta.dims,
      modalities: meta.modalities,
      itemIds: meta.itemIds,
      itemVectors: meta.modalities.map((m) => need(`items/${m}`, [n, meta.dims])),
      bias: need("bias", [n]),
      encoderId: meta.encoderId,
      requestDims: meta.requestDims,
      requestTransform,
      requestW: need("request/w", [requestIn, meta.dims]),
      requestB: need("request/b", [meta.dims]),
      ...(meta.mixing === "moe" && (meta.modalities.length > 1 || arrays.has("gate/w")) ? { gateW: need("gate/w", [meta.dims, meta.dims]), gateB: need("gate/b", [meta.modalities.length]) } : {}),
      ...(users !== undefined ? { userIds: users, userVectors: need("users", [users.length, meta.dims]) } : {}),
      training: meta.training,
      ...(meta.pair !== undefined ? { pair: tablesFromArrays(meta.pair.features, meta.pair.phrases, n, users?.length ?? 0, arrays, file) } : {}),
    });
  }
}

/** user + request: what the inner-product lists are searched with. */
function leftVector(query: JamQuery): Float32Array {
  return query.user !== undefined ? query.request.map((v, j) => v + query.user![j]) : query.request;
}

/** inputs.ts's applyTransform for one vector, in plain JS (that one runs the PCA through TF.js). */
function transformRequest(raw: Float32Array, t: InputTransform): Float32Array {
  const x = Float32Array.from(raw, (v) => v / t.scale);
  if (t.pca === undefined) return x;
  for (let j = 0; j < x.length; j++) x[j] -= t.pca.mean[j];
  const y = vecMat(x, t.pca.components.data, t.pca.components.cols);
  for (let j = 0; j < y.length; j++) y[j] /= t.post;
  return y;
}

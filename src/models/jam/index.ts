/**
 * @file JAM (Just Ask for Music): score = (user + request) · fused item, with AvgMixing, CrossMixing or MoEMixing
 * over frozen item modalities; BPR with sampled negatives, AdamW + cosine schedule, early stopping on NDCG@10.
 */
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { mulberry32 } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";
import { requestVectors } from "../request-vectors.js";
import { tf, tfReady } from "../tf/backend.js";
import { bprBatches } from "../tf/bpr.js";
import { gatherRows, matMulFast } from "../tf/ops.js";
import { fitReport, pairsPerEpoch, runEpochs } from "../tf/training-loop.js";
import { loadArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { meanNdcgAt10 } from "../validation.js";
import { applyTransform, fitTransform, popularityFeature, transformedDims, type InputTransform } from "./inputs.js";
import { mixScores, mixWeights } from "./mixing.js";
import { DOMAIN_DEFAULTS, JAM_DEFAULTS, JamOptionsSchema, parseJamOptions, type JamOptions, type Mixing } from "./options.js";
import { JamParams, project, type ParamShapes } from "./params.js";
import { JamServing } from "./serving.js";

export { JAM_DEFAULTS, type JamOptions, type Mixing } from "./options.js";

const TransformSchema = z.object({ scale: z.number(), post: z.number(), pca: z.string().optional() });
const MetaSchema = z.object({
  format: z.string(),
  mixing: z.enum(["avg", "cross", "moe"]),
  options: JamOptionsSchema,
  domain: z.string(),
  items: z.number().int(),
  features: z.array(z.string()),
  itemTransforms: z.array(TransformSchema),
  requestTransform: TransformSchema,
  userTransform: TransformSchema.optional(),
  requestDims: z.number().int(),
});
type SavedTransform = z.output<typeof TransformSchema>;

/** Everything a fitted (or loaded) model holds besides its parameters. */
interface Fitted {
  readonly domain: Domain;
  readonly features: string[];
  readonly itemT: InputTransform[];
  readonly requestT: InputTransform;
  readonly userT: InputTransform | undefined;
  readonly requestDims: number;
  /** Frozen, transformed item inputs per modality (rows = items). */
  readonly itemX: tf.Tensor2D[];
  /** Frozen user inputs (rows = users, plus one zero row for requests without a user); undefined: no users. */
  readonly userX: tf.Tensor2D | undefined;
  readonly popularity: Float32Array;
  readonly params: JamParams;
  /** The user-history block appended to the user input (rows = users), when options.userHistory. */
  readonly history: Matrix | undefined;
}

/** Per-modality item embeddings (transposed: d x items) and the item bias, cached until the weights change. */
interface ItemCache {
  readonly vT: tf.Tensor2D[];
  readonly bias: Float32Array;
  /** Per modality W_u·V_mᵀ (user input dims x items) and b_u·V_mᵀ (items); undefined without users. */
  readonly userT?: tf.Tensor2D[];
  readonly userB?: tf.Tensor1D[];
  /** Per distinct request vector: request·v_m rows (qs) and moe gate rows (gs), one Float32Array per modality. */
  readonly requests: Map<string, { qs: Float32Array[]; gs: Float32Array[] }>;
}

/** Distinct request vectors whose item rows are kept between score() calls (~200 kB each on 17k items). */
const REQUEST_CACHE_LIMIT = 1024;

/**
 * One JAM model: u = W_u·[x_user | history] + b_u (+ learned user ID vector), q = W_q·x_request + b_q, item modality
 * m: v_m = W_m·x_m + b_m (frozen x_m, PCA-reduced when wide) plus the learned `id` modality; score = (u + q) · fuse(v)
 * + item bias, with fuse = avg / cross / moe (see mixing.ts). Requests without a user get no user term.
 * `explain(request, item)` returns `parts`:
 * - `user`: Σ_m w_m (user·v_m), the user's share of the score (absent when the domain has no users or the request
 *   names none);
 * - `request`: Σ_m w_m (request·v_m);
 * - `bias`: the item bias (popularity prior + learned per-item bias; absent with itemBias "none");
 * and `modalityWeights`: the fusion weight w_m of each modality for this (request, item) pair, in [0, 1], summing
 * to 1 over modalities. They are not additive: the score is user + request + bias, and the weights say how the
 * item's modalities were mixed to get it.
 * @example
 * const m = createJam("cross"); await m.fit(domain, { seed: 42 });
 * await m.explain({ text: "80s", user: 3 }, 10)
 * // { parts: { user: 0.8, request: 2.1, bias: -0.3 }, modalityWeights: { cf: 0.2, tagtext: 0.61, name: 0.19 } }
 */
export class JamRecommender implements Recommender {

  /** The words and, when the domain has users, the user; history, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["text", "user"], needs: ["text"] };
  readonly name: string;
  readonly mixing: Mixing;
  private options: JamOptions;
  /** Options as given; fit() lays them over the fitted domain's defaults (DOMAIN_DEFAULTS). */
  private readonly requested: Readonly<Record<string, unknown>>;
  private fitted: Fitted | undefined;
  private cache: ItemCache | undefined;

  constructor(mixing: Mixing, options: Readonly<Record<string, unknown>> = {}) {
    this.mixing = mixing;
    this.name = `jam-${mixing}`;
    this.requested = options;
    this.options = parseJamOptions(options); // validates now: bad options fail before any data loads
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    await tfReady();
    const t0 = performance.now();
    this.dispose();
    this.options = parseJamOptions({ ...DOMAIN_DEFAULTS[domain.name], ...this.requested });
    try {
      return await this.train(domain, fitOptions, t0);
    } catch (err) {
      this.dispose(); // never leave a half-fitted model (or its tensors) behind
      throw err;
    }
  }

  private resolveFeatures(domain: Domain): string[] {
    const known = Object.keys(domain.items.features);
    const wanted = this.options.itemFeatures ?? known;
    if (wanted.length === 0) throw new ModelFitError(`${this.name}: domain ${domain.name} has no item features`);
    for (const f of wanted) {
      const m = domain.items.features[f];
      if (m === undefined) throw new ModelFitError(`${this.name}: domain ${domain.name} has no items.features.${f}; known: ${known.join(", ")}`);
      if (m.rows !== domain.items.ids.length) throw new ModelFitError(`${this.name}: items.features.${f} has ${m.rows} rows, expected ${domain.items.ids.length}`);
    }
    return wanted;
  }

  /** The user input matrix, or undefined when the domain has no users. */
  private userMatrix(domain: Domain): Matrix | undefined {
    if (domain.users.ids.length === 0) return undefined;
    const m = domain.users.features[this.options.userFeature];
    if (m === undefined) throw new ModelFitError(`${this.name}: domain ${domain.name} has users but no users.features.${this.options.userFeature}; known: ${Object.keys(domain.users.features).join(", ")}`);
    if (m.rows !== domain.users.ids.length) throw new ModelFitError(`${this.name}: users.features.${this.options.userFeature} has ${m.rows} rows, expected ${domain.users.ids.length}`);
    return m;
  }

  /** Builds the frozen input tensors and fresh parameters. */
  private bind(domain: Domain, features: string[], itemT: InputTransform[], requestT: InputTransform, userT: InputTransform | undefined, requestDims: number, seed: number, savedHistory?: Matrix): Fitted {
    const o = this.options;
    const itemMats = features.map((f, k) => applyTransform(domain.items.features[f], itemT[k]));
    const itemX = itemMats.map((m) => tf.tensor2d(m.data, [m.rows, m.cols]));
    const users = this.userMatrix(domain);
    let userX: tf.Tensor2D | undefined;
    let history: Matrix | undefined;
    if (users !== undefined && userT !== undefined) {
      const m = applyTransform(users, userT);
      history = o.userHistory ? (savedHistory ?? userHistory(domain, itemMats)) : undefined;
      const cols = m.cols + (history?.cols ?? 0);
      const withZero = new Float32Array((m.rows + 1) * cols);
      for (let u = 0; u < m.rows; u++) {
        withZero.set(m.data.subarray(u * m.cols, (u + 1) * m.cols), u * cols);
        if (history !== undefined) withZero.set(history.data.subarray(u * history.cols, (u + 1) * history.cols), u * cols + m.cols);
      }
      userX = tf.tensor2d(withZero, [m.rows + 1, cols]);
    }
    const shapes: ParamShapes = {
      dims: o.dims,
      itemInputs: itemX.map((x) => x.shape[1]),
      requestInput: transformedDims(requestDims, requestT),
      userInput: userX?.shape[1],
      gate: this.mixing === "moe",
      popularityWeight: o.itemBias !== "none",
      itemBiases: o.itemBias === "learned" ? domain.items.ids.length : 0,
      itemIds: o.idEmbeddings === "items" || o.idEmbeddings === "both" ? domain.items.ids.length : 0,
      userIds: userX !== undefined && (o.idEmbeddings === "users" || o.idEmbeddings === "both") ? userX.shape[0] - 1 : 0,
    };
    const params = new JamParams(shapes, features, seed);
    return { domain, features, itemT, requestT, userT, requestDims, itemX, userX, history, popularity: popularityFeature(domain.items.popularity), params };
  }

  private async train(domain: Domain, fitOptions: FitOptions, t0: number): Promise<FitReport> {
    const o = this.options;
    const nItems = domain.items.ids.length;
    const features = this.resolveFeatures(domain);
    const users = this.userMatrix(domain);
    const nUsers = users?.rows ?? 0;
    // Usable training queries: a known user (or none), at least one relevant item.
    const queries = domain.train.filter((q) => q.relevant.length > 0);
    if (queries.length === 0) throw new ModelFitError(`${this.name}: domain ${domain.name} has no training queries with relevant items (train: ${domain.train.length})`);
    for (const q of queries) {
      for (const it of q.relevant) {
        if (!Number.isInteger(it) || it < 0 || it >= nItems) throw new ModelFitError(`${this.name}: train query ${q.qid} lists item ${it}, outside 0..${nItems - 1} of domain ${domain.name}`);
      }
      if (q.user !== undefined && nUsers > 0 && (!Number.isInteger(q.user) || q.user < 0 || q.user >= nUsers)) {
        throw new ModelFitError(`${this.name}: train query ${q.qid} names user ${q.user}, outside 0..${nUsers - 1}`);
      }
    }
    const texts = [...new Set(queries.map((q) => q.text))];
    const textIndex = new Map(texts.map((t, i) => [t, i]));
    const reqRaw = await requestVectors(texts.map((text) => ({ text })), domain);
    // The request keeps its full width (few distinct texts per batch); only its scale is normalised.
    const requestT: InputTransform = fitTransform(reqRaw, 0, fitOptions.seed);
    const itemT = features.map((f, k) => fitTransform(domain.items.features[f], o.inputDims, fitOptions.seed + 10 + k));
    const userT = users !== undefined ? fitTransform(users, o.inputDims, fitOptions.seed + 5) : undefined;
    const fitted = this.bind(domain, features, itemT, requestT, userT, reqRaw.cols, fitOptions.seed + 1);
    this.fitted = fitted;
    const reqX = tf.tidy(() => {
      const m = applyTransform(reqRaw, requestT);
      return tf.tensor2d(m.data, [m.rows, m.cols]);
    });
    const qText = Int32Array.from(queries, (q) => textIndex.get(q.text)!);
    const qUser = Int32Array.from(queries, (q) => (q.user !== undefined && nUsers > 0 ? q.user : nUsers)); // nUsers = the zero row
    const positivesOf = queries.map((q) => new Set(q.relevant));
    const cap = domain.positivesPerQuery;
    const rng = mulberry32(fitOptions.seed);
    const byQuery = queries.map((q, qi) => ({ row: qi, relevant: q.relevant }));
    const drawPoolItem = poolSampler(domain.items.popularity, o.popularNegatives);
    const stepsPerEpoch = Math.ceil(pairsPerEpoch(byQuery, cap) / o.batchSize);
    const totalSteps = stepsPerEpoch * o.epochs;
    const params = fitted.params;
    const optimizer = tf.train.adam(o.learningRate);
    const setLr = (lr: number) => ((optimizer as unknown as { learningRate: number }).learningRate = lr);
    const usableVal = domain.val.filter((q) => q.relevant.length > 0);
    const stride = o.selectionQueries > 0 ? Math.max(1, usableVal.length / o.selectionQueries) : 1;
    const selection = o.selectionQueries > 0 && usableVal.length > o.selectionQueries ? Array.from({ length: o.selectionQueries }, (_, i) => usableVal[Math.floor(i * stride)]) : usableVal;
    let step = 0;
    try {
      const result = await runEpochs(
        {
          name: this.name,
          epochs: o.epochs,
          patience: o.patience,
          learningRate: o.learningRate,
          queries: byQuery,
          positivesPerQuery: cap,
          rng,
          batches: (p) => ({ count: stepsPerEpoch, batches: bprBatches(p, positivesOf, { batchSize: o.batchSize, negatives: o.negatives, nItems, drawPoolItem }, rng) }),
          step: (batch) => {
            const lr = o.schedule === "cosine" ? o.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)) : o.learningRate;
            setLr(lr);
            const loss = this.trainStep(fitted, batch, reqX, qText, qUser, optimizer);
            if (o.weightDecay > 0) {
              const keep = 1 - lr * o.weightDecay;
              tf.tidy(() => params.decayed.forEach((v) => v.assign(tf.mul(v, keep))));
            }
            step++;
            return loss;
          },
          afterEpoch: () => this.invalidate(),
          select: selection.length > 0 ? () => meanNdcgAt10(this, selection, domain) : undefined,
          snapshot: () => params.snapshot(),
          restore: (w) => {
            params.restore(w);
            this.invalidate();
          },
        },
        fitOptions,
      );
      return fitReport(t0, result);
    } finally {
      optimizer.dispose();
      reqX.dispose();
    }
  }

  /**
   * One BPR step. Work is shared across the batch: each distinct item (positives + the negatives drawn from the
   * shared pool) is projected once per modality, each distinct request text once; rows are then spread with
   * gatherRows. Returns the mean loss.
   */
  private trainStep(
    f: Fitted,
    batch: { left: Int32Array; pos: Int32Array; pool: Int32Array; negWeights: Float32Array },
    reqX: tf.Tensor2D,
    qText: Int32Array,
    qUser: Int32Array,
    optimizer: tf.Optimizer,
  ): number {
    const o = this.options;
    const B = batch.pos.length;
    const P = batch.pool.length;
    const K = o.negatives;
    // Distinct items and requests of this batch, and each row's local index.
    const itemLocal = new Map<number, number>();
    const local = (it: number) => {
      let l = itemLocal.get(it);
      if (l === undefined) itemLocal.set(it, (l = itemLocal.size));
      return l;
    };
    const posL = Int32Array.from(batch.pos, local);
    const negL = new Int32Array(B * K);
    const rep = new Int32Array(B * K);
    for (let b = 0; b < B; b++) {
      let k = 0;
      for (let p = 0; p < P && k < K; p++) {
        for (let c = batch.negWeights[b * P + p]; c > 0 && k < K; c--) {
          negL[b * K + k] = local(batch.pool[p]);
          rep[b * K + k] = b;
          k++;
        }
      }
    }
    const itemIds = Int32Array.from(itemLocal.keys());
    const reqLocal = new Map<number, number>();
    const reqL = Int32Array.from(batch.left, (qi) => {
      const t = qText[qi];
      let l = reqLocal.get(t);
      if (l === undefined) reqLocal.set(t, (l = reqLocal.size));
      return l;
    });
    const reqIds = Int32Array.from(reqLocal.keys());
    const userIds = Int32Array.from(batch.left, (qi) => qUser[qi]);
    const nUsers = f.userX !== undefined ? f.userX.shape[0] - 1 : 0;
    const userMask = Float32Array.from(userIds, (u) => (u < nUsers ? 1 : 0));
    const popAll = f.popularity;
    const itemPop = Float32Array.from(itemIds, (it) => popAll[it]);
    const p = f.params;
    const cost = tf.tidy(() => {
      const itemIdx = tf.tensor1d(itemIds, "int32");
      const xs = f.itemX.map((x) => tf.gather(x, itemIdx));
      const xr = tf.gather(reqX, tf.tensor1d(reqIds, "int32"));
      const xu = f.userX !== undefined ? tf.gather(f.userX, tf.tensor1d(userIds, "int32")) : undefined;
      const popT = tf.tensor2d(itemPop, [itemIds.length, 1]);
      const maskT = tf.tensor2d(userMask, [B, 1]);
      return optimizer.minimize(() => {
        const V = xs.map((x, m) => project(x, p.items[m]));
        if (p.itemEmb !== undefined) V.push(gatherRows(p.itemEmb, itemIds));
        const Q = gatherRows(project(xr, p.request), reqL);
        let L: tf.Tensor2D = Q;
        if (xu !== undefined && p.user !== undefined) {
          const u = p.userEmb !== undefined ? tf.add(project(xu, p.user), gatherRows(p.userEmb, userIds)) : project(xu, p.user);
          L = tf.add(Q, tf.mul(u, maskT));
        }
        const G = p.gateW !== undefined ? matMulFast(Q, p.gateW) : undefined;
        let bias: tf.Tensor2D | undefined;
        if (p.popW !== undefined) bias = tf.matMul(popT, p.popW) as tf.Tensor2D;
        if (p.itemBias !== undefined) bias = tf.add(bias!, gatherRows(p.itemBias, itemIds)) as tf.Tensor2D;
        const side = (items: Int32Array, lefts: Int32Array | undefined) => {
          const pick = (t: tf.Tensor2D) => (lefts === undefined ? t : gatherRows(t, lefts));
          const s = mixScores({
            mixing: this.mixing,
            left: pick(L),
            request: pick(Q),
            gated: G !== undefined ? pick(G) : undefined,
            gateBias: p.gateB,
            items: V.map((v) => gatherRows(v, items)),
            topK: o.topK,
          });
          return bias !== undefined ? tf.add(s, tf.reshape(gatherRows(bias, items), [-1])) : s;
        };
        const sPos = side(posL, undefined);
        const sNeg = side(negL, rep);
        const sPosRep = tf.reshape(gatherRows(tf.reshape(sPos, [B, 1]) as tf.Tensor2D, rep), [-1]);
        return tf.mean(tf.softplus(tf.sub(sNeg, sPosRep))) as tf.Scalar;
      }, true, p.variables)!;
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const f = this.requireFitted();
    const nItems = f.domain.items.ids.length;
    if (requests.length === 0) return matrix(0, nItems);
    return (await this.compute(requests)).scores;
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const f = this.requireFitted();
    const n = f.domain.items.ids.length;
    if (!Number.isInteger(item) || item < 0 || item >= n) throw new InputError(`${this.name}: item index ${item} is outside 0..${n - 1}`, { field: "item" });
    const { parts, weights } = await this.compute([request], item);
    return { parts: parts!, modalityWeights: weights! };
  }

  /**
   * Scores every item for each request, deduplicating work: one d x items matMul per modality for each distinct
   * request text and each distinct user, then the fusion per (request, item) in JS. With `explainItem`, also
   * returns the parts of that item for requests[0].
   */
  private async compute(
    requests: readonly ScoreRequest[],
    explainItem?: number,
  ): Promise<{ scores: Matrix; parts?: Record<string, number>; weights?: Record<string, number> }> {
    const f = this.requireFitted();
    const o = this.options;
    const nItems = f.domain.items.ids.length;
    const raw = await requestVectors(requests, f.domain);
    if (raw.cols !== f.requestDims) {
      throw new InputError(`${this.name}: request vectors have ${raw.cols} dims, the model was fit on ${f.requestDims} (encoder ${f.domain.queryEncoderId})`, { field: "vector" });
    }
    const x = applyTransform(raw, f.requestT);
    const distinctReq = new Map<string, number>();
    const reqOf = new Int32Array(requests.length);
    const reqRows: number[] = [];
    for (let i = 0; i < requests.length; i++) {
      const key = Buffer.from(x.data.buffer, x.data.byteOffset + i * x.cols * 4, x.cols * 4).toString("base64");
      let r = distinctReq.get(key);
      if (r === undefined) {
        distinctReq.set(key, (r = distinctReq.size));
        reqRows.push(i);
      }
      reqOf[i] = r;
    }
    const nUsers = f.userX !== undefined ? f.userX.shape[0] - 1 : 0;
    const distinctUser = new Map<number, number>();
    const userOf = new Int32Array(requests.length).fill(-1);
    requests.forEach((r, i) => {
      if (r.user === undefined || f.userX === undefined) return; // no user term: conversational only
      if (!Number.isInteger(r.user) || r.user < 0 || r.user >= nUsers) {
        throw new InputError(`${this.name}: request ${i} has user index ${r.user}, domain ${f.domain.name} has users 0..${nUsers - 1}`, { field: "user" });
      }
      let u = distinctUser.get(r.user);
      if (u === undefined) distinctUser.set(r.user, (u = distinctUser.size));
      userOf[i] = u;
    });
    const cache = this.itemCache();
    const M = cache.vT.length;
    const p = f.params;
    // Request rows (request·v_m for every item, and the moe gate logits) are cached per distinct request vector
    // until the weights change: validation repeats each tag text many times.
    const keys = [...distinctReq.keys()];
    const missing = reqRows.filter((_, r) => !cache.requests.has(keys[r]));
    const missingKeys = keys.filter((k) => !cache.requests.has(k));
    if (missing.length > 0) {
      if (cache.requests.size + missing.length > REQUEST_CACHE_LIMIT) cache.requests.clear();
      const reqIn = matrix(missing.length, x.cols);
      missing.forEach((i, k) => reqIn.data.set(x.data.subarray(i * x.cols, (i + 1) * x.cols), k * x.cols));
      const out = tf.tidy(() => {
        const Q = project(tf.tensor2d(reqIn.data, [reqIn.rows, reqIn.cols]), p.request);
        const G = this.mixing === "moe" && M > 1 ? tf.matMul(Q, p.gateW!) : undefined;
        return [...cache.vT.map((vt) => tf.matMul(Q, vt)), ...(G !== undefined ? cache.vT.map((vt) => tf.matMul(G, vt)) : [])];
      });
      const data = out.map((t) => {
        const d = t.dataSync() as Float32Array;
        t.dispose();
        return d;
      });
      missingKeys.forEach((key, k) => {
        const rowsOf = (d: Float32Array) => d.slice(k * nItems, (k + 1) * nItems);
        cache.requests.set(key, { qs: data.slice(0, M).map(rowsOf), gs: data.slice(M).map(rowsOf) });
      });
    }
    const reqData = keys.map((k) => cache.requests.get(k)!);
    // User rows: x_u·(W_u·V_mᵀ) + b_u·V_mᵀ with the product precomputed per weight version (cheaper than
    // projecting users to d first whenever the user input is narrower than d).
    const userIdx = Int32Array.from(distinctUser.keys());
    let userData: Float32Array[][] = [];
    if (userIdx.length > 0 && p.user !== undefined) {
      const out = tf.tidy(() => {
        const idx = tf.tensor1d(userIdx, "int32");
        const xu = tf.gather(f.userX!, idx);
        if (cache.userT === undefined) {
          // With user ID embeddings the user vector is not a function of x_u alone: project, then one matMul.
          const u = tf.add(project(xu, p.user!), tf.gather(p.userEmb!, idx)) as tf.Tensor2D;
          return cache.vT.map((vt) => tf.matMul(u, vt));
        }
        return cache.userT.map((a, m) => tf.add(tf.matMul(xu, a), cache.userB![m]));
      });
      const data = out.map((t) => {
        const d = t.dataSync() as Float32Array;
        t.dispose();
        return d;
      });
      userData = Array.from(userIdx, (_, u) => data.map((d) => d.subarray(u * nItems, (u + 1) * nItems)));
    }
    const gateBias = p.gateB !== undefined ? (p.gateB.dataSync() as Float32Array) : undefined;
    const scale = 1 / Math.sqrt(o.dims);
    const scores = matrix(requests.length, nItems);
    const logits = new Float64Array(M);
    const w = new Float64Array(M);
    let parts: Record<string, number> | undefined;
    let weights: Record<string, number> | undefined;
    for (let i = 0; i < requests.length; i++) {
      const { qs, gs } = reqData[reqOf[i]];
      const us = userOf[i] >= 0 ? userData[userOf[i]] : undefined;
      const rowOut = scores.data.subarray(i * nItems, (i + 1) * nItems);
      if (explainItem === undefined && this.mixing !== "moe") {
        fuseRow(this.mixing, qs, us, scale, cache.bias, rowOut);
        continue;
      }
      for (let j = 0; j < nItems; j++) {
        if (this.mixing === "cross") for (let m = 0; m < M; m++) logits[m] = qs[m][j] * scale;
        else if (this.mixing === "moe" && M > 1) for (let m = 0; m < M; m++) logits[m] = gs[m][j] * scale + gateBias![m];
        mixWeights(this.mixing, logits, o.topK, w);
        let sq = 0;
        let su = 0;
        for (let m = 0; m < M; m++) {
          sq += w[m] * qs[m][j];
          if (us !== undefined) su += w[m] * us[m][j];
        }
        rowOut[j] = sq + su + cache.bias[j];
        if (explainItem === j && i === 0) {
          parts = {};
          if (us !== undefined) parts.user = su;
          parts.request = sq;
          if (o.itemBias !== "none") parts.bias = cache.bias[j];
          weights = {};
          modalityNames(f).forEach((name, m) => (weights![name] = w[m]));
        }
      }
    }
    return { scores, parts, weights };
  }

  private itemCache(): ItemCache {
    const f = this.requireFitted();
    if (this.cache === undefined) {
      const p = f.params;
      const vT = f.itemX.map((x, m) => tf.tidy(() => tf.transpose(project(x, p.items[m]))));
      if (p.itemEmb !== undefined) vT.push(tf.tidy(() => tf.transpose(p.itemEmb!)));
      const n = f.domain.items.ids.length;
      const bias = new Float32Array(n);
      if (p.popW !== undefined) {
        const wPop = p.popW.dataSync()[0];
        for (let j = 0; j < n; j++) bias[j] = wPop * f.popularity[j];
      }
      if (p.itemBias !== undefined) {
        const b = p.itemBias.dataSync();
        for (let j = 0; j < n; j++) bias[j] += b[j];
      }
      const user = p.userEmb === undefined ? p.user : undefined;
      const userT = user !== undefined ? vT.map((vt) => tf.tidy(() => tf.matMul(user.w, vt) as tf.Tensor2D)) : undefined;
      const userB = user !== undefined ? vT.map((vt) => tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(user.b, [1, -1]), vt), [-1]) as tf.Tensor1D)) : undefined;
      this.cache = { vT, bias, userT, userB, requests: new Map() };
    }
    return this.cache!;
  }

  private invalidate(): void {
    this.cache?.vT.forEach((t) => t.dispose());
    this.cache?.userT?.forEach((t) => t.dispose());
    this.cache?.userB?.forEach((t) => t.dispose());
    this.cache = undefined;
  }

  /**
   * The fitted model in serving form (plain arrays, no TF.js): item modality vectors, biases, the request and gate
   * projections and every trained user's final vector. `training` is stored with it for display.
   */
  toServing(training: Readonly<Record<string, unknown>> = {}): JamServing {
    const f = this.requireFitted();
    const p = f.params;
    const cache = this.itemCache();
    const read = (t: tf.Tensor) => new Float32Array(t.dataSync());
    const itemVectors = cache.vT.map((vt) => tf.tidy(() => read(tf.transpose(vt))));
    const nUsers = f.userX !== undefined ? f.userX.shape[0] - 1 : 0;
    let userVectors: Float32Array | undefined;
    if (nUsers > 0 && p.user !== undefined) {
      userVectors = tf.tidy(() => {
        const xu = tf.slice(f.userX!, [0, 0], [nUsers, -1]);
        const u = project(xu, p.user!);
        return read(p.userEmb !== undefined ? tf.add(u, tf.slice(p.userEmb, [0, 0], [nUsers, -1])) : u);
      });
    }
    return new JamServing({
      model: this.name,
      mixing: this.mixing,
      topK: this.options.topK,
      dims: this.options.dims,
      modalities: modalityNames(f),
      itemIds: f.domain.items.ids,
      itemVectors,
      bias: Float32Array.from(cache.bias),
      encoderId: f.domain.queryEncoderId,
      requestDims: f.requestDims,
      requestTransform: f.requestT,
      requestW: read(p.request.w),
      requestB: read(p.request.b),
      ...(this.mixing === "moe" && p.gateW !== undefined && p.gateB !== undefined ? { gateW: read(p.gateW), gateB: read(p.gateB) } : {}),
      ...(userVectors !== undefined ? { userIds: f.domain.users.ids, userVectors } : {}),
      training,
    });
  }

  async save(dir: string): Promise<void> {
    const f = this.requireFitted();
    const arrays: NamedArray[] = f.params.variables.map((v, k) => ({ name: f.params.keys[k], shape: v.shape, data: v.dataSync() as Float32Array }));
    const savedT = (t: InputTransform, key: string): SavedTransform => {
      if (t.pca === undefined) return { scale: t.scale, post: t.post };
      arrays.push({ name: `${key}/mean`, shape: [t.pca.mean.length], data: t.pca.mean });
      arrays.push({ name: `${key}/components`, shape: [t.pca.components.rows, t.pca.components.cols], data: t.pca.components.data });
      return { scale: t.scale, post: t.post, pca: key };
    };
    const meta: z.input<typeof MetaSchema> = {
      format: this.format,
      mixing: this.mixing,
      options: this.options,
      domain: f.domain.name,
      items: f.domain.items.ids.length,
      features: f.features,
      itemTransforms: f.itemT.map((t, k) => savedT(t, `pca/item/${f.features[k]}`)),
      requestTransform: savedT(f.requestT, "pca/request"),
      ...(f.userT !== undefined ? { userTransform: savedT(f.userT, "pca/user") } : {}),
      requestDims: f.requestDims,
    };
    if (f.history !== undefined) arrays.push({ name: "user/history", shape: [f.history.rows, f.history.cols], data: f.history.data });
    await saveArrays(dir, meta, arrays);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await tfReady();
    const { meta: raw, arrays } = await loadArrays(dir);
    const file = `${dir}/model.json`;
    const parsed = MetaSchema.safeParse(raw);
    if (!parsed.success || parsed.data.format !== this.format) {
      throw new DataError(`${file} is not a ${this.format} model (${parsed.success ? `format ${parsed.data.format}` : parsed.error.issues[0]?.message})`, { path: file, expected: this.format });
    }
    const meta = parsed.data;
    if (meta.items !== domain.items.ids.length) {
      throw new DataError(`${file} was saved for ${meta.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    const transform = (t: SavedTransform): InputTransform => {
      if (t.pca === undefined) return { scale: t.scale, post: t.post };
      const mean = arrays.get(`${t.pca}/mean`);
      const comps = arrays.get(`${t.pca}/components`);
      if (mean === undefined || comps === undefined || comps.shape.length !== 2) throw new DataError(`${file}: PCA arrays ${t.pca} are missing`, { path: file });
      return { scale: t.scale, post: t.post, pca: { mean: mean.data, components: matrix(comps.shape[0], comps.shape[1], comps.data) } };
    };
    this.dispose();
    this.options = meta.options;
    const features = meta.features;
    for (const name of features) {
      if (domain.items.features[name] === undefined) throw new DataError(`${file}: model uses items.features.${name}, domain ${domain.name} lacks it`, { path: file });
    }
    const users = this.userMatrix(domain);
    if ((users !== undefined) !== (meta.userTransform !== undefined)) {
      throw new DataError(`${file}: model was fit ${meta.userTransform ? "with" : "without"} users, domain ${domain.name} ${users ? "has" : "has no"} users`, { path: file });
    }
    const h = arrays.get("user/history");
    if (meta.options.userHistory && meta.userTransform !== undefined && (h === undefined || h.shape.length !== 2)) throw new DataError(`${file}: array user/history is missing`, { path: file });
    const savedHistory = h !== undefined ? matrix(h.shape[0], h.shape[1], h.data) : undefined;
    const fitted = this.bind(domain, features, meta.itemTransforms.map(transform), transform(meta.requestTransform), meta.userTransform ? transform(meta.userTransform) : undefined, meta.requestDims, 0, savedHistory);
    this.fitted = fitted;
    const values: Float32Array[] = [];
    for (const [k, v] of fitted.params.variables.entries()) {
      const key = fitted.params.keys[k];
      const a = arrays.get(key);
      if (a === undefined || a.shape.join("x") !== v.shape.join("x")) {
        this.dispose();
        throw new DataError(`${file}: weight ${key} is ${a === undefined ? "missing" : `shaped [${a.shape}]`}, expected [${v.shape}]`, { path: file });
      }
      values.push(a.data);
    }
    fitted.params.restore(values);
  }

  dispose(): void {
    this.invalidate();
    if (this.fitted !== undefined) {
      this.fitted.params.dispose();
      this.fitted.itemX.forEach((t) => t.dispose());
      this.fitted.userX?.dispose();
    }
    this.fitted = undefined;
  }

  private get format(): string {
    return `askmusic/${this.name}@1`;
  }

  private requireFitted(): Fitted {
    if (this.fitted === undefined) throw new ModelFitError(`${this.name} model used before fit() or load()`);
    return this.fitted;
  }
}

/**
 * The avg/cross fusion of one request over all items, without per-item calls (the hot loop of scoring): out[j] =
 * Σ_m w_m (qs[m][j] + us[m][j]) + bias[j], w = 1/M (avg) or softmax_m(qs[m][j]·scale) (cross). Same arithmetic as
 * {@link mixWeights} (float64 accumulation), so it matches explain().
 */
function fuseRow(mixing: Mixing, qs: Float32Array[], us: Float32Array[] | undefined, scale: number, bias: Float32Array, out: Float32Array): void {
  const M = qs.length;
  const w = new Float64Array(M);
  for (let j = 0; j < out.length; j++) {
    if (mixing === "cross" && M > 1) {
      let max = -Infinity;
      for (let m = 0; m < M; m++) if (qs[m][j] * scale > max) max = qs[m][j] * scale;
      let sum = 0;
      for (let m = 0; m < M; m++) sum += w[m] = Math.exp(qs[m][j] * scale - max);
      for (let m = 0; m < M; m++) w[m] /= sum;
    } else {
      w.fill(1 / M);
    }
    let sq = 0;
    let su = 0;
    for (let m = 0; m < M; m++) {
      sq += w[m] * qs[m][j];
      if (us !== undefined) su += w[m] * us[m][j];
    }
    out[j] = sq + su + bias[j];
  }
}

/**
 * Each user's history block: per frozen item modality, the mean of the (transformed) inputs of the items that user's
 * TRAINING queries list as relevant (domain.train only: the selection set and evaluated splits never enter), each
 * block then scaled to mean row norm 1 over users with a history. Users without training queries get zeros.
 * rows = users, cols = Σ modality widths.
 */
export function userHistory(domain: Domain, itemInputs: readonly Matrix[]): Matrix {
  const nUsers = domain.users.ids.length;
  const counts = Array.from({ length: nUsers }, () => new Map<number, number>());
  for (const q of domain.train) {
    if (q.user === undefined || q.user < 0 || q.user >= nUsers) continue;
    for (const it of q.relevant) counts[q.user].set(it, (counts[q.user].get(it) ?? 0) + 1);
  }
  const cols = itemInputs.reduce((c, m) => c + m.cols, 0);
  const out = matrix(nUsers, cols);
  let off = 0;
  for (const m of itemInputs) {
    let normSum = 0;
    let withHistory = 0;
    for (let u = 0; u < nUsers; u++) {
      let total = 0;
      for (const n of counts[u].values()) total += n;
      if (total === 0) continue;
      const dst = u * cols + off;
      for (const [it, n] of counts[u]) for (let j = 0; j < m.cols; j++) out.data[dst + j] += (n / total) * m.data[it * m.cols + j];
      let norm = 0;
      for (let j = 0; j < m.cols; j++) norm += out.data[dst + j] ** 2;
      normSum += Math.sqrt(norm);
      withHistory++;
    }
    const scale = withHistory > 0 && normSum > 0 ? withHistory / normSum : 1;
    for (let u = 0; u < nUsers; u++) for (let j = 0; j < m.cols; j++) out.data[u * cols + off + j] *= scale;
    off += m.cols;
  }
  return out;
}

/** Modality names in fusion order: the frozen features, then `id` when items have learned ID embeddings. */
function modalityNames(f: Fitted): string[] {
  return f.params.itemEmb !== undefined ? [...f.features, "id"] : f.features;
}

/**
 * Pool sampler: with probability `popularShare` an item drawn ∝ (popularity + 1)^0.75 (binary search over the
 * cumulative weights), else a uniform item. Deterministic given the rng.
 */
export function poolSampler(popularity: Float32Array, popularShare: number): (rng: () => number) => number {
  const n = popularity.length;
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cum[i] = total += Math.pow(Math.max(popularity[i], 0) + 1, 0.75);
  return (rng) => {
    if (popularShare <= 0 || rng() >= popularShare) return Math.floor(rng() * n);
    const x = rng() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Creates an unfitted JAM model with the given fusion (options over {@link JAM_DEFAULTS}).
 * @example createJam("cross", { dims: 64 }).name // "jam-cross"
 */
export function createJam(mixing: Mixing, options: Readonly<Record<string, unknown>> = {}): JamRecommender {
  return new JamRecommender(mixing, options);
}


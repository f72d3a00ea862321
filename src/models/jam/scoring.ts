/**
 * @file JAM scoring of every item for a batch of requests (evaluation, model selection): TF.js computes each
 * distinct request's and user's dot products with every item modality, then the plain-JS fusion kernel shared with
 * serving (fusion.ts) turns them into scores or one item's parts.
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import { InputError } from "../../errors.js";
import type { ScoreComponents, ScoreRequest } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import { tf } from "../tf/backend.js";
import { addPrior, priorParts, type PairPrior } from "../pair-prior.js";
import { modalityNames, pairPrior, userCount, type Fitted } from "./fitted.js";
import { fusePair, fuseScores, fusionScratch, type Fusion, type PairDots } from "./fusion.js";
import { applyTransform } from "./inputs.js";
import type { JamOptions, Mixing } from "./options.js";
import { project } from "./params.js";

/** Per-modality item embeddings (transposed: d x items) and the item bias of the current weights. */
interface ItemCache {
  readonly vT: tf.Tensor2D[];
  readonly bias: Float32Array;
  /** Per modality W_u·V_mᵀ (user input dims x items) and b_u·V_mᵀ (items); undefined without users. */
  readonly userT?: tf.Tensor2D[];
  readonly userB?: tf.Tensor1D[];
  readonly fusion: Fusion;
  /** The pair prior with the current weights (undefined: the model has none). */
  readonly prior: PairPrior | undefined;
}

/** One request vector's dot products with every item: request·v_m and (moe) (G·request)·v_m, per modality. */
interface RequestRows {
  readonly request: Float32Array[];
  readonly gate: Float32Array[];
}

/** Distinct request vectors whose item rows are kept between score() calls (~200 kB each on 17k items). */
export const REQUEST_CACHE_LIMIT = 1024;

/**
 * Scores and explains with a fitted model's current weights. Item embeddings and each distinct request's rows are
 * cached until {@link invalidate} (the weights changed): validation repeats each tag text many times.
 */
export class JamScorer {
  private items: ItemCache | undefined;
  private readonly requests = new Map<string, RequestRows>();

  constructor(
    private readonly name: string,
    private readonly mixing: Mixing,
    private readonly options: JamOptions,
    readonly fitted: Fitted,
  ) {}

  /** rows = requests, cols = items. */
  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const nItems = this.fitted.domain.items.ids.length;
    const scores = matrix(requests.length, nItems);
    if (requests.length === 0) return scores;
    const { dots, item } = await this.dots(requests);
    const scratch = fusionScratch(item.vT.length);
    dots.forEach((d, i) => {
      const row = scores.data.subarray(i * nItems, (i + 1) * nItems);
      fuseScores(item.fusion, d, item.bias, row, scratch);
      if (item.prior !== undefined) addPrior(item.prior, requests[i], row);
    });
    return scores;
  }

  /**
   * The parts of `item`'s score for one request: `user` (only when the request names a user and the model has users),
   * `request`, `bias` (absent with itemBias "none"), and the fusion weight of each modality.
   */
  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const { dots, item: cache } = await this.dots([request]);
    const d = dots[0];
    const scratch = fusionScratch(cache.vT.length);
    const { request: sq, user: su } = fusePair(cache.fusion, d, item, scratch);
    const parts: Record<string, number> = {};
    if (d.user !== undefined) parts.user = su;
    parts.request = sq;
    if (this.options.itemBias !== "none") parts.bias = cache.bias[item];
    if (cache.prior !== undefined) Object.assign(parts, priorParts(cache.prior, request, item));
    const modalityWeights: Record<string, number> = {};
    modalityNames(this.fitted).forEach((name, m) => (modalityWeights[name] = scratch.w[m]));
    return { parts, modalityWeights };
  }

  /** Per-modality item vectors (items x d, row-major) and the item bias of the current weights (for serving). */
  itemVectors(): { vectors: Float32Array[]; bias: Float32Array } {
    const cache = this.itemCache();
    return { vectors: cache.vT.map((vt) => tf.tidy(() => new Float32Array(tf.transpose(vt).dataSync()))), bias: Float32Array.from(cache.bias) };
  }

  /** The weights changed: drop everything computed from them. */
  invalidate(): void {
    this.items?.vT.forEach((t) => t.dispose());
    this.items?.userT?.forEach((t) => t.dispose());
    this.items?.userB?.forEach((t) => t.dispose());
    this.items = undefined;
    this.requests.clear();
  }

  /**
   * Each request's dot products with every item, deduplicating work: one d x items matMul per modality for each
   * distinct request vector and each distinct user.
   */
  private async dots(requests: readonly ScoreRequest[]): Promise<{ dots: PairDots[]; item: ItemCache }> {
    const f = this.fitted;
    const raw = await requestVectors(requests, f.domain);
    if (raw.cols !== f.requestDims) {
      throw new InputError(`${this.name}: request vectors have ${raw.cols} dims, the model was fit on ${f.requestDims} (encoder ${f.domain.queryEncoderId})`, { field: "vector" });
    }
    const x = applyTransform(raw, f.requestT);
    const keyIndex = new Map<string, number>();
    const keys: string[] = [];
    const firstRow: number[] = [];
    const reqOf = Int32Array.from(requests, (_, i) => {
      const key = Buffer.from(x.data.buffer, x.data.byteOffset + i * x.cols * 4, x.cols * 4).toString("base64");
      let r = keyIndex.get(key);
      if (r === undefined) {
        keyIndex.set(key, (r = keys.length));
        keys.push(key);
        firstRow.push(i);
      }
      return r;
    });
    const nUsers = userCount(f);
    const distinctUser = new Map<number, number>();
    const userOf = Int32Array.from(requests, (r, i) => {
      if (r.user === undefined || f.userX === undefined) return -1; // no user term: conversational only
      if (!Number.isInteger(r.user) || r.user < 0 || r.user >= nUsers) {
        throw new InputError(`${this.name}: request ${i} has user index ${r.user}, domain ${f.domain.name} has users 0..${nUsers - 1}`, { field: "user" });
      }
      let u = distinctUser.get(r.user);
      if (u === undefined) distinctUser.set(r.user, (u = distinctUser.size));
      return u;
    });
    const item = this.itemCache();
    const rows = this.requestRows(keys, firstRow, x, item);
    const users = this.userRows(Int32Array.from(distinctUser.keys()), item);
    const dots = Array.from(requests, (_, i): PairDots => {
      const r = rows[reqOf[i]];
      return { request: r.request, gate: r.gate, ...(userOf[i] >= 0 ? { user: users[userOf[i]] } : {}) };
    });
    return { dots, item };
  }

  /**
   * The rows of each distinct request vector (keys[r], first at row firstRow[r] of x), from the cache or computed.
   * The batch keeps its own references, so trimming the cache never loses a row this batch still reads (it used
   * to: the cache was cleared after the hits were counted, and any split with more than 1,024 distinct texts
   * crashed reading undefined).
   */
  private requestRows(keys: readonly string[], firstRow: readonly number[], x: Matrix, item: ItemCache): RequestRows[] {
    const out: (RequestRows | undefined)[] = keys.map((k) => this.requests.get(k));
    const missing = keys.flatMap((_, r) => (out[r] === undefined ? [r] : []));
    if (missing.length === 0) return out as RequestRows[];
    const p = this.fitted.params;
    const M = item.vT.length;
    const nItems = this.fitted.domain.items.ids.length;
    const reqIn = matrix(missing.length, x.cols);
    missing.forEach((r, k) => reqIn.data.set(x.data.subarray(firstRow[r] * x.cols, (firstRow[r] + 1) * x.cols), k * x.cols));
    const computed = tf.tidy(() => {
      const Q = project(tf.tensor2d(reqIn.data, [reqIn.rows, reqIn.cols]), p.request);
      const G = this.mixing === "moe" && M > 1 ? tf.matMul(Q, p.gateW!) : undefined;
      return [...item.vT.map((vt) => tf.matMul(Q, vt)), ...(G !== undefined ? item.vT.map((vt) => tf.matMul(G, vt)) : [])];
    });
    const data = computed.map((t) => {
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    });
    if (this.requests.size + missing.length > REQUEST_CACHE_LIMIT) this.requests.clear();
    missing.forEach((r, k) => {
      const rowsOf = (d: Float32Array) => d.slice(k * nItems, (k + 1) * nItems);
      const rows = { request: data.slice(0, M).map(rowsOf), gate: data.slice(M).map(rowsOf) };
      out[r] = rows;
      if (this.requests.size < REQUEST_CACHE_LIMIT) this.requests.set(keys[r], rows);
    });
    return out as RequestRows[];
  }

  /**
   * Per distinct user (dense indices), user·v_m for every item and modality: x_u·(W_u·V_mᵀ) + b_u·V_mᵀ with the
   * product precomputed per weight version (cheaper than projecting users to d first whenever the user input is
   * narrower than d).
   */
  private userRows(userIdx: Int32Array, item: ItemCache): Float32Array[][] {
    const f = this.fitted;
    const p = f.params;
    if (userIdx.length === 0 || p.user === undefined) return [];
    const nItems = f.domain.items.ids.length;
    const out = tf.tidy(() => {
      const idx = tf.tensor1d(userIdx, "int32");
      const xu = tf.gather(f.userX!, idx);
      if (item.userT === undefined) {
        // With user ID embeddings the user vector is not a function of x_u alone: project, then one matMul.
        const u = tf.add(project(xu, p.user!), tf.gather(p.userEmb!, idx)) as tf.Tensor2D;
        return item.vT.map((vt) => tf.matMul(u, vt));
      }
      return item.userT.map((a, m) => tf.add(tf.matMul(xu, a), item.userB![m]));
    });
    const data = out.map((t) => {
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    });
    return Array.from(userIdx, (_, u) => data.map((d) => d.subarray(u * nItems, (u + 1) * nItems)));
  }

  private itemCache(): ItemCache {
    if (this.items !== undefined) return this.items;
    const f = this.fitted;
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
    const fusion: Fusion = {
      mixing: this.mixing,
      topK: this.options.topK,
      scale: 1 / Math.sqrt(this.options.dims),
      ...(p.gateB !== undefined ? { gateBias: Float32Array.from(p.gateB.dataSync()) } : {}),
    };
    this.items = { vT, bias, userT, userB, fusion, prior: pairPrior(f) };
    return this.items;
  }
}

/**
 * @file JAM training: BPR with sampled negatives (a shared pool per batch, optionally popularity-weighted), AdamW with
 * a cosine schedule, early stopping on the selection queries' NDCG@10 (the shared epoch loop).
 */
import { mulberry32 } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { ModelFitError } from "../../errors.js";
import type { FitOptions, FitReport, Recommender } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import { tf } from "../tf/backend.js";
import { bprBatches } from "../tf/bpr.js";
import { gatherRows, matMulFast } from "../tf/ops.js";
import { fitReport, pairsPerEpoch, runEpochs } from "../tf/training-loop.js";
import { meanNdcgAt10 } from "../validation.js";
import { pairTraining, type PairTraining } from "../pair-training.js";
import type { LabeledQuery } from "../../domains/types.js";
import { bindInputs, resolveFeatures, userMatrix, type Fitted } from "./fitted.js";
import { applyTransform, fitTransform, type InputTransform } from "./inputs.js";
import { mixScores } from "./mixing.js";
import type { JamOptions, Mixing } from "./options.js";
import { project } from "./params.js";

/** The model being trained, as training sees it. */
export interface TrainingHost {
  readonly name: string;
  readonly mixing: Mixing;
  /** Options laid over the domain's defaults. */
  readonly options: JamOptions;
  /** The model itself: model selection ranks with it between epochs. */
  readonly model: Recommender;
  /** Makes `fitted` the model's state (before the first epoch, so selection scores the weights being trained). */
  adopt(fitted: Fitted): void;
  /** The weights changed: whatever the model cached from them is stale. */
  invalidate(): void;
}

/**
 * Fits JAM on `domain.train` (queries with at least one relevant item), selecting the best epoch on at most
 * `options.selectionQueries` of `domain.val`. `t0` is when fit() started (the report's seconds count from it).
 */
export async function trainJam(host: TrainingHost, domain: Domain, fitOptions: FitOptions, t0: number): Promise<FitReport> {
  const { name, mixing, options: o } = host;
  const nItems = domain.items.ids.length;
  const features = resolveFeatures(name, o, domain);
  const users = userMatrix(name, o, domain);
  const nUsers = users?.rows ?? 0;
  // Usable training queries: a known user (or none), at least one relevant item.
  const queries = domain.train.filter((q) => q.relevant.length > 0);
  if (queries.length === 0) throw new ModelFitError(`${name}: domain ${domain.name} has no training queries with relevant items (train: ${domain.train.length})`);
  for (const q of queries) {
    for (const it of q.relevant) {
      if (!Number.isInteger(it) || it < 0 || it >= nItems) throw new ModelFitError(`${name}: train query ${q.qid} lists item ${it}, outside 0..${nItems - 1} of domain ${domain.name}`);
    }
    if (q.user !== undefined && nUsers > 0 && (!Number.isInteger(q.user) || q.user < 0 || q.user >= nUsers)) {
      throw new ModelFitError(`${name}: train query ${q.qid} names user ${q.user}, outside 0..${nUsers - 1}`);
    }
  }
  const texts = [...new Set(queries.map((q) => q.text))];
  const textIndex = new Map(texts.map((t, i) => [t, i]));
  const reqRaw = await requestVectors(texts.map((text) => ({ text })), domain);
  // The request keeps its full width (few distinct texts per batch); only its scale is normalised.
  const requestT: InputTransform = fitTransform(reqRaw, 0, fitOptions.seed);
  const itemT = features.map((f, k) => fitTransform(domain.items.features[f], o.inputDims, fitOptions.seed + 10 + k));
  const userT = users !== undefined ? fitTransform(users, o.inputDims, fitOptions.seed + 5) : undefined;
  const fitted = bindInputs(name, mixing, o, domain, { features, itemT, requestT, userT, requestDims: reqRaw.cols }, fitOptions.seed + 1);
  host.adopt(fitted);
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
  const pair = pairBatches(fitted, queries, o.pairNegatives);
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
        name,
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
          const loss = trainStep(mixing, o, fitted, batch, reqX, qText, qUser, optimizer, pair, rng);
          if (o.weightDecay > 0) {
            const keep = 1 - lr * o.weightDecay;
            tf.tidy(() => params.decayed.forEach((v) => v.assign(tf.mul(v, keep))));
          }
          step++;
          return loss;
        },
        afterEpoch: () => host.invalidate(),
        select: selection.length > 0 ? () => meanNdcgAt10(host.model, selection, domain) : undefined,
        snapshot: () => params.snapshot(),
        restore: (w) => {
          params.restore(w);
          host.invalidate();
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
function trainStep(
  mixing: Mixing,
  o: JamOptions,
  f: Fitted,
  batch: { left: Int32Array; pos: Int32Array; pool: Int32Array; negWeights: Float32Array },
  reqX: tf.Tensor2D,
  qText: Int32Array,
  qUser: Int32Array,
  optimizer: tf.Optimizer,
  pair: PairTraining | undefined,
  rng: () => number,
): number {
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
  const negItem = new Int32Array(B * K);
  const rep = new Int32Array(B * K);
  for (let b = 0; b < B; b++) {
    let k = 0;
    for (let p = 0; p < P && k < K; p++) {
      for (let c = batch.negWeights[b * P + p]; c > 0 && k < K; c--) {
        negItem[b * K + k] = batch.pool[p];
        rep[b * K + k] = b;
        k++;
      }
    }
  }
  if (pair !== undefined) addInformativeNegatives(pair, batch.left, negItem, K, rng);
  const negL = Int32Array.from(negItem, local);
  const pairPos = pair?.features(batch.left, batch.pos);
  const pairNeg = pair?.features(Int32Array.from(rep, (b) => batch.left[b]), negItem);
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
    const F = pair?.width ?? 0;
    const pairPosT = pairPos !== undefined ? tf.tensor2d(pairPos, [B, F]) : undefined;
    const pairNegT = pairNeg !== undefined ? tf.tensor2d(pairNeg, [B * K, F]) : undefined;
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
          mixing,
          left: pick(L),
          request: pick(Q),
          gated: G !== undefined ? pick(G) : undefined,
          gateBias: p.gateB,
          items: V.map((v) => gatherRows(v, items)),
          topK: o.topK,
        });
        return bias !== undefined ? tf.add(s, tf.reshape(gatherRows(bias, items), [-1])) : s;
      };
      let sPos = side(posL, undefined);
      let sNeg = side(negL, rep);
      if (p.pairW !== undefined && pairPosT !== undefined && pairNegT !== undefined) {
        sPos = tf.add(sPos, tf.reshape(tf.matMul(pairPosT, p.pairW), [-1]));
        sNeg = tf.add(sNeg, tf.reshape(tf.matMul(pairNegT, p.pairW), [-1]));
      }
      const sPosRep = tf.reshape(gatherRows(tf.reshape(sPos, [B, 1]) as tf.Tensor2D, rep), [-1]);
      return tf.mean(tf.softplus(tf.sub(sNeg, sPosRep))) as tf.Scalar;
    }, true, p.variables)!;
  });
  const loss = cost.dataSync()[0];
  cost.dispose();
  return loss;
}

/**
 * The pair prior's side of training, or undefined when the model has none: its train queries with their positives,
 * leave-one-out features and informative negatives (pair-training.ts).
 */
function pairBatches(f: Fitted, queries: readonly LabeledQuery[], share: number): PairTraining | undefined {
  return f.pair !== undefined ? pairTraining(f.pair.tables, f.pair.features, queries, share) : undefined;
}

/** Replaces, in place, a share of each row's K negatives by items of its query's support. */
function addInformativeNegatives(pair: PairTraining, left: Int32Array, negItem: Int32Array, K: number, rng: () => number): void {
  for (let b = 0; b < left.length; b++) {
    const s = pair.support(left[b]);
    const n = pair.informativeCount(left[b], K, rng);
    for (let k = 0; k < n; k++) negItem[b * K + k] = s[Math.floor(rng() * s.length)];
  }
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

/**
 * @file APRON (arXiv 2508.00194): a listener's history attends, with H heads and one shared key/value matrix, over K
 * tag prototypes; the profile (the mean attention weight of each prototype) is the only thing a feed-forward head
 * scores every item from, so editing a prototype's weight moves the recommendations. `apron-nocontrol` is the same
 * model trained without the controllability loss.
 */
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { mulberry32, randNormal } from "../../core/random.js";
import type { CsrMatrix } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { InputError, ModelFitError } from "../../errors.js";
import { distinctHistory } from "../history-items.js";
import { rankByScoring } from "../rank.js";
import type { ContextUse, FitOptions, FitReport, PrototypeProfiles, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents } from "../recommender.js";
import { tf, tfReady } from "../tf/backend.js";
import { glorot, ParamSet } from "../tf/dense-params.js";
import { matMulConstA, matMulFast, matMulTransposeB } from "../tf/ops.js";
import { binaryRows, runUserEpochs, USER_EPOCH_SHAPE, type UserBatch } from "../tf/user-epochs.js";
import { loadModelArrays, saveArrays } from "../tf/weights-io.js";
import { meanNdcgAtK } from "../validation.js";
import { buildPrototypes, DEFAULT_PROTOTYPES, itemFeatures, prototypeVectors, type Prototype } from "./prototypes.js";
import { ApronScorer, type ApronArrays } from "./scorer.js";
import { tagProfileArrays, tagProfileOptions } from "./tag-profile.js";

const FORMAT = "askmusic/apron@1";

/** APRON options. */
export const ApronOptionsSchema = z
  .object({
    ...USER_EPOCH_SHAPE,
    /** [80] Prototypes: the most frequent training tags. */
    prototypes: z.number().int().min(1),
    /** [4] Attention heads. */
    heads: z.number().int().min(1),
    /** [32] Key/value size per head. */
    headDims: z.number().int().min(1),
    /** [64] Size of the item features (truncated SVD of the fit users' interactions) items and prototypes start from. */
    featureDims: z.number().int().min(1),
    /**
     * [10] Multiplies the query·key products before the softmax over prototypes. With item features and prototype
     * vectors near unit length, 1/sqrt(headDims) would start every attention row near uniform (every listener the
     * same profile, nothing to learn from); 10 starts it from the features' own similarities.
     */
    attentionScale: z.number().positive(),
    /** [300] Hidden layer of the scoring head. */
    hidden: z.number().int().min(1),
    /** [1] Weight of the prototype separation loss (mean squared cosine between different prototypes' keys, per head). */
    separationWeight: z.number().min(0),
    /** Weight of the controllability loss (Hellinger distance between the profile and the top-N's tag distribution); 0 = apron-nocontrol. */
    controlWeight: z.number().min(0),
    /** [20] N of the top recommendations whose tag distribution the profile is tied to. */
    controlTop: z.number().int().min(1),
    /**
     * Weight of the controllability loss on edited profiles: each training user's profile with one of its
     * `editTop` strongest prototypes zeroed at random (the rest renormalised, as a listener's edit is), against the
     * tag distribution of the top-N the edited profile scores. The unedited loss alone can be met by a head that
     * reads the history another way; this one asks that an edit itself moves the recommendations. 0 = off.
     */
    editWeight: z.number().min(0),
    /**
     * What the edited-profile loss asks. "hellinger": the edited profile against the edited top-N's tag distribution
     * (the controllability loss again, on the edit). "removed": the share of the edited top-N's softmax mass on items
     * carrying the zeroed prototype's tag (what the listener removed should leave the recommendations).
     */
    editLoss: z.enum(["hellinger", "removed"]),
    /** [5] The strongest prototypes an edited profile zeroes one of (Delta@20 zeroes each of a user's 5 strongest). */
    editTop: z.number().int().min(1),
    /**
     * Whether the head's hidden layer also reads the history directly (a learned row per item, averaged over the
     * history: Mult-DAE's input layer) beside the profile. With it, the profile is no longer the only route from
     * history to scores: a model trained without the controllability losses can rank well while leaning on the
     * profile little, and edits then move its recommendations little.
     */
    historyPath: z.boolean(),
    /**
     * How the profile reaches the scores. "hidden": its weighted values are the (or, with the history path, an)
     * input of the head's hidden layer. "linear" (needs the history path): the hidden layer reads the history only,
     * and the weighted values add a linear term to the logits, so the profile's effect is a sum over prototypes
     * (zeroing one removes its term and rescales the rest).
     */
    profileHead: z.enum(["hidden", "linear"]),
  })
  .strict();
export type ApronOptions = z.input<ReturnType<typeof ApronOptionsSchema.partial>>;

// The recipe measured on lfm2k-cf (BENCHMARKS.md): training stopped by patience well before the epoch cap.
const DEFAULTS: z.output<typeof ApronOptionsSchema> = {
  epochs: 80,
  patience: 10,
  batchSize: 128,
  learningRate: 2e-3,
  dropout: 0.5,
  prototypes: DEFAULT_PROTOTYPES,
  heads: 4,
  headDims: 32,
  featureDims: 64,
  attentionScale: 10,
  hidden: 300,
  separationWeight: 1,
  controlWeight: 20,
  controlTop: 20,
  editWeight: 0,
  editTop: 5,
  editLoss: "hellinger",
  historyPath: false,
  profileHead: "hidden",
};

const MetaSchema = z.object({
  format: z.literal(FORMAT),
  name: z.string(),
  domain: z.string(),
  items: z.number().int(),
  options: ApronOptionsSchema,
  prototypes: z.array(z.object({ tag: z.string(), count: z.number(), exemplar: z.number().int() })),
});

/** log((users with the item + 1) / (users + items)), centred: a popularity prior for the output bias. */
function logFrequency(x: CsrMatrix, n: number): Float32Array {
  const counts = new Float64Array(n);
  for (let k = 0; k < x.indices.length; k++) if (x.values[k] > 0) counts[x.indices[k]] += 1;
  const logs = Array.from(counts, (c) => Math.log((c + 1) / (x.rows + n)));
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  return Float32Array.from(logs, (l) => l - mean);
}

/**
 * The top-N mask of each row (1 on the N largest entries), with no gradient: which items the controllability loss
 * reads the tags of. Top-k has no gradient in TF.js, and the selection itself should not be trained through.
 */
function topMask(n: number): (x: tf.Tensor2D) => tf.Tensor2D {
  return tf.customGrad(((x: tf.Tensor2D) => {
    const [rows, cols] = x.shape;
    const idx = tf.topk(x, n).indices;
    const flat = idx.dataSync();
    idx.dispose();
    const mask = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) mask[r * cols + flat[r * n + j]] = 1;
    return { value: tf.tensor2d(mask, [rows, cols]), gradFunc: () => tf.zerosLike(x) };
  }) as never) as (x: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * A users x K mask with one 0 per row, at one of the row's `top` largest profile weights picked at random (ties:
 * lower index), 1 elsewhere: which prototype each training user's edited profile zeroes.
 */
function editMask(profiles: Float32Array, users: number, k: number, top: number, rng: () => number): tf.Tensor2D {
  const out = new Float32Array(users * k).fill(1);
  for (let b = 0; b < users; b++) {
    const w = profiles.subarray(b * k, (b + 1) * k);
    const strongest = Array.from(w.keys())
      .sort((x, y) => w[y] - w[x] || x - y)
      .slice(0, top);
    out[b * k + strongest[Math.floor(rng() * strongest.length)]] = 0;
  }
  return tf.tensor2d(out, [users, k]);
}

/**
 * APRON over a domain's training interactions and tags. Reads the listening history (binarised: plays are ignored)
 * and profile edits (prototype tag -> weight); ignores words, user, turns and adapters. Selected by NDCG@100 on
 * `domain.val` after each epoch (patience), never refitted. Prototypes and item features come from training data
 * only (see prototypes.ts); scoring runs in plain JS ({@link ApronScorer}).
 * @example
 * const m = new ApronRecommender("apron"); await m.fit(domain, { seed: 42 });
 * await m.rank([{ text: "", history: { items: [12, 40] }, profile: { prototypeWeights: { rock: 0 } } }], { k: 20 });
 */
export class ApronRecommender implements Recommender {
  readonly context: ContextUse = { uses: ["history", "profile"], needs: ["history"] };
  private readonly options: z.output<typeof ApronOptionsSchema>;
  private scorer: ApronScorer | undefined;
  private prototypeList: readonly Prototype[] = [];
  private domainName = "";

  constructor(
    readonly name: "apron" | "apron-nocontrol",
    options: ApronOptions = {},
  ) {
    const merged = { ...DEFAULTS, ...(name === "apron-nocontrol" ? { controlWeight: 0, editWeight: 0 } : {}), ...options };
    const parsed = ApronOptionsSchema.safeParse(merged);
    if (!parsed.success) throw new InputError(`bad ${name} options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (name === "apron-nocontrol" && (parsed.data.controlWeight !== 0 || parsed.data.editWeight !== 0)) throw new InputError("apron-nocontrol is apron with controlWeight and editWeight 0; use apron for other weights");
    if (parsed.data.profileHead === "linear" && !parsed.data.historyPath) throw new InputError(`bad ${name} options: profileHead "linear" needs historyPath (the hidden layer would read nothing)`);
    this.options = parsed.data;
  }

  /** The name of the domain it was fitted on or loaded for. */
  get domain(): string {
    return this.domainName;
  }

  /** The prototypes (tag, training count, exemplar item index), in profile order. */
  get prototypes(): readonly Prototype[] {
    this.require();
    return this.prototypeList;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  /**
   * Builds the prototypes-only profile of a domain without listening data (see tag-profile.ts) instead of fitting:
   * every tag up to `k` is a prototype, and the model saves, loads, edits and ranks as a fitted one does.
   */
  static fromTags(domain: Domain, k = 200): ApronRecommender {
    const { arrays, prototypes } = tagProfileArrays(domain, k);
    const model = new ApronRecommender("apron", { ...tagProfileOptions(arrays.prototypes), controlWeight: 0, separationWeight: 0 });
    model.prototypeList = prototypes;
    model.domainName = domain.name;
    model.scorer = new ApronScorer(arrays, prototypes.map((p) => p.tag));
    return model;
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    await tfReady();
    const x = domain.interactions;
    const n = domain.items.ids.length;
    if (x === undefined) throw new ModelFitError(`${this.name}: domain ${domain.name} has no interactions (users x items) to fit on`);
    if (x.cols !== n) throw new ModelFitError(`${this.name}: domain ${domain.name} has ${n} items but its interactions have ${x.cols} columns`);
    const o = this.options;
    const protos = buildPrototypes(domain, o.prototypes);
    const K = protos.list.length;
    const features = itemFeatures(domain, o.featureDims, fitOptions.seed);
    const d = features.cols;
    const protoVectors = prototypeVectors(protos.membership, features);
    // Each item's tags as a distribution over the prototypes (items without a prototype tag: a zero row).
    const tagDist = Float32Array.from(protos.membership.data);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += tagDist[i * K + p];
      if (s > 0) for (let p = 0; p < K; p++) tagDist[i * K + p] /= s;
    }
    this.domainName = domain.name;
    this.prototypeList = protos.list;
    fitOptions.log?.(`${this.name}: ${K} prototypes (${protos.list.slice(0, 8).map((p) => p.tag).join(", ")}, ...), ${d}-d item features from ${x.rows} fit users`);

    const H = o.heads;
    const dh = o.headDims;
    const rng = mulberry32(fitOptions.seed);
    const params = new ParamSet();
    const E = params.add("E", [n, d], Float32Array.from(features.data));
    // Queries and keys start from one projection with E[W·Wᵀ] = I per head, so an item's attention starts from its
    // features' similarity to each prototype (independent draws would start every attention row uniform).
    const projection = Float32Array.from({ length: d * H * dh }, () => randNormal(rng) / Math.sqrt(dh));
    const Wq = params.add("Wq", [d, H * dh], projection);
    const Wkv = params.add("Wkv", [d, H * dh], Float32Array.from(projection));
    const linear = o.profileHead === "linear";
    // In linear mode the hidden layer does not read the profile: W1 stays 0 and is not trained; Wp maps it to logits.
    const W1 = linear ? tf.zeros([H * dh, o.hidden]) : params.add("W1", [H * dh, o.hidden], glorot(rng, H * dh, o.hidden));
    const b1 = params.add("b1", [o.hidden], new Float32Array(o.hidden));
    const W2 = params.add("W2", [o.hidden, n], glorot(rng, o.hidden, n));
    // The output bias starts at log item frequency (training users): the multinomial starts from popularity.
    const b2 = params.add("b2", [n], logFrequency(x, n));
    const A = o.historyPath ? params.add("A", [n, o.hidden], glorot(rng, n, o.hidden)) : undefined;
    const Wp = linear ? params.add("Wp", [H * dh, n], glorot(rng, H * dh, n)) : undefined;
    // Edits drawn from their own stream, so the batches (drawn from `rng`) are the same with and without them.
    const editRng = mulberry32(fitOptions.seed + 1);
    const P = tf.tensor2d(protoVectors.data, [K, d]);
    const T = tf.tensor2d(tagDist, [n, K]);
    const mask = topMask(o.controlTop);
    const optimizer = tf.train.adam(o.learningRate);
    const scale = o.attentionScale;

    /** Per-head item attention (items x K each) and keys (K x dh each). */
    const attend = () => {
      const q = matMulFast(E as tf.Tensor2D, Wq as tf.Tensor2D);
      const kv = matMulConstA(P, Wkv as tf.Tensor2D);
      const heads = Array.from({ length: H }, (_, h) => {
        const kh = tf.slice(kv, [0, h * dh], [K, dh]);
        const att = tf.softmax(tf.mul(matMulTransposeB(tf.slice(q, [0, h * dh], [n, dh]), kh), scale)) as tf.Tensor2D;
        return { att, kh };
      });
      return heads;
    };

    const step = (batch: UserBatch) => {
      // The input rows as averages over the kept history items, so a profile is the mean attention of its items.
      const input = Float32Array.from(batch.input);
      for (let b = 0; b < batch.users; b++) {
        const r = input.subarray(b * n, (b + 1) * n);
        let c = 0;
        for (const v of r) c += v;
        for (let j = 0; j < n; j++) r[j] /= Math.max(c, 1);
      }
      let parts: Record<string, number> = {};
      const loss = tf.tidy(() => {
        const xin = tf.tensor2d(input, [batch.users, n]);
        const target = tf.tensor2d(batch.target, [batch.users, n]);
        const { value, grads } = tf.variableGrads(() => {
          const heads = attend();
          const profiles = heads.map(({ att }) => matMulConstA(xin, att));
          const direct = A !== undefined ? matMulConstA(xin, A as tf.Tensor2D) : undefined;
          /** The head's logits for per-head profiles (the history's direct row, when there is one, unchanged). */
          const head = (ph: readonly tf.Tensor2D[]) => {
            const u = tf.concat(
              heads.map(({ kh }, h) => matMulFast(ph[h], kh)),
              1,
            ) as tf.Tensor2D;
            if (Wp !== undefined) {
              const hid = tf.tanh(tf.add(direct!, b1)) as tf.Tensor2D;
              return tf.add(tf.add(matMulFast(hid, W2 as tf.Tensor2D), b2), matMulFast(u, Wp as tf.Tensor2D)) as tf.Tensor2D;
            }
            const pre = tf.add(matMulFast(u, W1 as tf.Tensor2D), b1);
            const hid = tf.tanh(direct !== undefined ? tf.add(pre, direct) : pre) as tf.Tensor2D;
            return tf.add(matMulFast(hid, W2 as tf.Tensor2D), b2) as tf.Tensor2D;
          };
          /** Hellinger distance between the mean profile and the tag distribution of the logits' unseen top-N. */
          const control = (logits: tf.Tensor2D, ph: readonly tf.Tensor2D[]) => {
            const unseen = tf.sub(logits, tf.mul(target, 1e9)) as tf.Tensor2D;
            const top = tf.softmax(tf.add(unseen, tf.mul(tf.sub(mask(unseen), 1), 1e9))) as tf.Tensor2D;
            const tagMass = matMulFast(top, T);
            const topTags = tf.div(tagMass, tf.add(tf.sum(tagMass, 1, true), 1e-8));
            const profile = tf.div(tf.addN(ph as tf.Tensor2D[]), H);
            const diff = tf.sub(tf.sqrt(tf.add(profile, 1e-6)), tf.sqrt(tf.add(topTags, 1e-6)));
            return tf.mean(tf.sqrt(tf.add(tf.mul(tf.sum(tf.square(diff), 1), 0.5), 1e-8)));
          };
          const logits = head(profiles);
          const nll = tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), target))), batch.users);
          // Separation: different prototypes' keys should point different ways (mean squared cosine off the diagonal).
          const sep = tf.div(
            tf.addN(
              heads.map(({ kh }) => {
                const unit = tf.div(kh, tf.add(tf.norm(kh, "euclidean", 1, true), 1e-8)) as tf.Tensor2D;
                return tf.sub(tf.sum(tf.square(matMulTransposeB(unit, unit))), tf.sum(tf.square(tf.sum(tf.square(unit), 1))));
              }),
            ),
            H * K * Math.max(K - 1, 1),
          );
          let total = tf.add(nll, tf.mul(sep, o.separationWeight));
          const named: Record<string, tf.Tensor> = { nll, sep };
          if (o.controlWeight > 0) {
            // The top-N among unseen items, their softmax mass spread over their tags, against the profile.
            const hellinger = control(logits, profiles);
            named.ctrl = hellinger;
            total = tf.add(total, tf.mul(hellinger, o.controlWeight));
          }
          if (o.editWeight > 0) {
            // Each user's profile with one of its editTop strongest prototypes zeroed (per head, then renormalised:
            // what editHeads does to a zeroed prototype); the choice is data, not trained through.
            const keep = editMask(tf.div(tf.addN(profiles), H).dataSync() as Float32Array, batch.users, K, o.editTop, editRng);
            const edited = profiles.map((ph) => {
              const kept = tf.mul(ph, keep);
              return tf.div(kept, tf.add(tf.sum(kept, 1, true), 1e-8)) as tf.Tensor2D;
            });
            const editedLogits = head(edited);
            let editTerm: tf.Tensor;
            if (o.editLoss === "hellinger") editTerm = control(editedLogits, edited);
            else {
              // Mass of the edited top-N on items carrying the zeroed tag: T's column of that prototype, per user.
              const unseen = tf.sub(editedLogits, tf.mul(target, 1e9)) as tf.Tensor2D;
              const top = tf.softmax(tf.add(unseen, tf.mul(tf.sub(mask(unseen), 1), 1e9))) as tf.Tensor2D;
              const carries = tf.cast(tf.greater(T, 0), "float32") as tf.Tensor2D;
              const removed = tf.sub(1, keep); // 1 at the zeroed prototype
              editTerm = tf.mean(tf.sum(tf.mul(matMulFast(top, carries), removed), 1));
            }
            named.edit = editTerm;
            total = tf.add(total, tf.mul(editTerm, o.editWeight));
          }
          parts = Object.fromEntries(Object.entries(named).map(([k, t]) => [k, t.dataSync()[0]]));
          return total as tf.Scalar;
        });
        optimizer.applyGradients(grads as tf.NamedTensorMap as never);
        return value.dataSync()[0];
      });
      return { loss, parts };
    };

    const exportArrays = (): ApronArrays => {
      const { attention, keys } = tf.tidy(() => {
        const heads = attend();
        return { attention: tf.concat(heads.map((h) => h.att), 0).dataSync() as Float32Array, keys: tf.concat(heads.map((h) => h.kh), 0).dataSync() as Float32Array };
      });
      const w = params.arrays();
      return { heads: H, headDims: dh, hidden: o.hidden, items: n, prototypes: K, attention: Float32Array.from(attention), keys: Float32Array.from(keys), w1: w.W1 ?? new Float32Array(H * dh * o.hidden), b1: w.b1, w2: w.W2, b2: w.b2, direct: w.A, profileOut: w.Wp };
    };
    const tags = protos.list.map((p) => p.tag);
    const selection = domain.val.filter((q) => q.relevant.length > 0 && (q.history?.items.length ?? 0) > 0);
    try {
      const result = await runUserEpochs(
        {
          name: this.name,
          epochs: o.epochs,
          patience: o.patience,
          batchSize: o.batchSize,
          dropout: o.dropout,
          rows: binaryRows(x),
          nItems: n,
          rng,
          learningRate: o.learningRate,
          step,
          select:
            selection.length > 0
              ? async () => {
                  this.scorer = new ApronScorer(exportArrays(), tags);
                  return meanNdcgAtK(this, selection, domain, 100);
                }
              : undefined,
          snapshot: () => params.snapshot(),
          restore: (w) => params.restore(w),
        },
        fitOptions,
      );
      this.scorer = new ApronScorer(exportArrays(), tags);
      return {
        trainSeconds: (performance.now() - t0) / 1000,
        notes: {
          prototypes: K,
          epochs: result.epochs,
          bestEpoch: result.bestEpoch,
          selection_ndcg100: result.bestSelectionNdcg100 ?? "n/a (no selection users)",
          secondsPerEpoch: result.trainSeconds / Math.max(result.epochs, 1),
          lastLoss: result.lastLoss,
          controlWeight: o.controlWeight,
        },
      };
    } finally {
      optimizer.dispose();
      params.dispose();
      P.dispose();
      T.dispose();
      if (linear) W1.dispose();
    }
  }

  async score(requests: readonly RequestContext[]): Promise<Matrix> {
    const n = this.require().arrays.items;
    const out = matrix(requests.length, n);
    requests.forEach((r, q) => out.data.set(this.scoreOne(r, q).scores, q * n));
    return out;
  }

  /**
   * One request's scores over every item and the (edited) profile they come from, synchronously: what a serving
   * form computes once per request. `index` names the request in errors.
   */
  scoreOne(request: RequestContext, index = 0): { scores: Float32Array; weights: Float32Array; history: ReadonlySet<number> } {
    const s = this.require();
    const history = this.historyOf(request, index);
    const profile = s.edited(s.profileOf(history), request.profile);
    return { scores: s.scores(profile, history), weights: profile.weights, history };
  }

  async profiles(requests: readonly RequestContext[]): Promise<PrototypeProfiles> {
    const s = this.require();
    const K = s.arrays.prototypes;
    const weights = matrix(requests.length, K);
    requests.forEach((r, q) => weights.data.set(this.profileOf(r, q).weights, q * K));
    return { tags: s.tags, weights };
  }

  /** The score is the head's output for the (edited) profile: one part, with the profile's weights beside it. */
  async explain(request: RequestContext, item: number): Promise<ScoreComponents> {
    const s = this.require();
    if (!Number.isInteger(item) || item < 0 || item >= s.arrays.items) throw new InputError(`item ${item} is not an item of domain ${this.domainName}`, { field: "item" });
    const history = this.historyOf(request, 0);
    const profile = s.edited(s.profileOf(history), request.profile);
    return { parts: { profile: s.scores(profile, history)[item] }, prototypeWeights: Object.fromEntries(s.tags.map((t, k) => [t, profile.weights[k]])) };
  }

  async save(dir: string): Promise<void> {
    const s = this.require();
    const a = s.arrays;
    await saveArrays(dir, { format: FORMAT, name: this.name, domain: this.domainName, items: a.items, options: this.options, prototypes: this.prototypeList }, [
      { name: "attention", shape: [a.heads, a.items, a.prototypes], data: a.attention },
      { name: "keys", shape: [a.heads, a.prototypes, a.headDims], data: a.keys },
      { name: "w1", shape: [a.heads * a.headDims, a.hidden], data: a.w1 },
      { name: "b1", shape: [a.hidden], data: a.b1 },
      { name: "w2", shape: [a.hidden, a.items], data: a.w2 },
      { name: "b2", shape: [a.items], data: a.b2 },
      ...(a.direct !== undefined ? [{ name: "direct", shape: [a.items, a.hidden], data: a.direct }] : []),
      ...(a.profileOut !== undefined ? [{ name: "profileOut", shape: [a.heads * a.headDims, a.items], data: a.profileOut }] : []),
    ]);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const { meta, need } = await loadModelArrays(dir, MetaSchema, FORMAT);
    const n = domain.items.ids.length;
    const { heads: H, headDims: dh, hidden } = meta.options;
    const K = meta.prototypes.length;
    const arrays: ApronArrays = {
      heads: H,
      headDims: dh,
      hidden,
      items: n,
      prototypes: K,
      attention: need("attention", [H, n, K]),
      keys: need("keys", [H, K, dh]),
      w1: need("w1", [H * dh, hidden]),
      b1: need("b1", [hidden]),
      w2: need("w2", [hidden, n]),
      b2: need("b2", [n]),
      direct: meta.options.historyPath ? need("direct", [n, hidden]) : undefined,
      profileOut: meta.options.profileHead === "linear" ? need("profileOut", [H * dh, n]) : undefined,
    };
    this.prototypeList = meta.prototypes;
    this.scorer = new ApronScorer(arrays, meta.prototypes.map((p) => p.tag));
    this.domainName = domain.name;
  }

  dispose(): void {
    this.scorer = undefined;
  }

  private profileOf(request: RequestContext, index: number) {
    const s = this.require();
    return s.edited(s.profileOf(this.historyOf(request, index)), request.profile);
  }

  private historyOf(request: RequestContext, index: number): Set<number> {
    return distinctHistory(request, index, this.require().arrays.items, this.name, this.domainName);
  }

  private require(): ApronScorer {
    if (this.scorer === undefined) throw new ModelFitError(`${this.name} model used before fit() or load()`);
    return this.scorer;
  }
}

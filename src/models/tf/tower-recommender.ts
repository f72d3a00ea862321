/**
 * @file The shared machinery of two-tower BPR models (TwoTower, TalkRec): item inputs, training with early
 * stopping on val NDCG@10, scoring, save/load. Subclasses only say what the left tower reads.
 */
import { z } from "zod";
import { matrix, meanRowNorm, type Matrix } from "../../core/matrix.js";
import { mulberry32 } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankedList, RankOptions, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";
import { meanNdcgAt10 } from "../validation.js";
import { PAIR_FEATURES, pairTables, type PairFeature, type PairTables } from "../pair-features.js";
import { addPrior, pairFeaturesWithData, priorParts, type PairPrior } from "../pair-prior.js";
import { batchWithSupportNegatives, pairTraining, type PairTraining } from "../pair-training.js";
import { tf, tfReady } from "./backend.js";
import { bprBatches, bprLoss, type BprBatch } from "./bpr.js";
import { Tower } from "./tower.js";
import { BPR_TRAINING_SHAPE, fitReport, runEpochs, samplePairs, type EpochPairs, type TrainingQueries } from "./training-loop.js";
import { loadArrays, saveArrays, type NamedArray } from "./weights-io.js";

/** Options of a two-tower BPR model. Defaults differ per model; see each subclass. */
export const TowerOptionsSchema = z
  .object({
    ...BPR_TRAINING_SHAPE,
    /** Left tower layer sizes (the last is the embedding size and must equal itemLayers' last). */
    leftLayers: z.array(z.number().int().positive()).min(1),
    itemLayers: z.array(z.number().int().positive()).min(1),
    /** Item feature matrices concatenated as item-tower input; undefined = those of ["cf", "tagtext"] present. */
    itemFeatures: z.array(z.string()).min(1).optional(),
    /**
     * Count features of the (left, item) pair added to the score with learned weights (pair-prior.ts); those the
     * domain has no data for are dropped at fit time. Defaults per model; saved models from before load without.
     */
    pairFeatures: z.array(z.enum(PAIR_FEATURES)).default([]),
    /** Share of each positive's negatives drawn from its left row's support (see JAM's option of that name). [0.5] */
    pairNegatives: z.number().min(0).max(1).default(0.5),
    /**
     * Adam step size of the prior's few weights, apart from the towers' own. At the towers' 1e-3 the prior's weights
     * were still far from their blend's after 20 epochs (BENCHMARKS.md, "Why the towers lose to counting"); JAM, which
     * learns them well, steps at 1e-2. [1e-2]
     */
    pairLearningRate: z.number().positive().default(1e-2),
    /**
     * Passes over the training pairs that fit the prior's weights alone before the towers train, the left tower's
     * last layer starting at 0: the model starts as the counting it is given, selection sees that start (epoch 0),
     * and the towers learn what counting misses. 0 = prior and towers from the first step together. [1]
     */
    pairWarmupEpochs: z.number().int().min(0).default(1),
  })
  .strict();
export type TowerOptions = z.output<typeof TowerOptionsSchema>;

/** Training settings shared by the tower baselines (BPR with 4 negatives and batch 512, as JAM trains). */
export const TOWER_TRAINING_DEFAULTS = Object.freeze({
  epochs: 20,
  patience: 3,
  batchSize: 512,
  negatives: 4,
  learningRate: 1e-3,
  weightDecay: 1e-4,
});

const MetaSchema = z.object({
  format: z.string(),
  options: TowerOptionsSchema,
  domain: z.string(),
  items: z.number().int(),
  itemFeatures: z.array(z.string()),
  itemScales: z.array(z.number()),
  leftDims: z.number().int(),
  leftScale: z.number(),
  /** The pair prior's features (its weights are the array "pair/w"); absent = no prior. */
  pairFeatures: z.array(z.enum(PAIR_FEATURES)).optional(),
});

/** A tower's pair prior while fitted: features, count tables and the trainable weights (rank 1: never decayed). */
interface TowerPrior {
  readonly features: readonly PairFeature[];
  readonly tables: PairTables;
  readonly w: tf.Variable<tf.Rank.R1>;
}


/**
 * Fits the prior's weights alone for `pairWarmupEpochs` passes: the same batches, negatives and loss as training,
 * with the towers' part left out (the left tower starts at 0, so this is the model's own loss at the start).
 */
function warmUpPrior(
  prior: TowerPrior,
  pair: PairTraining,
  queries: TrainingQueries,
  cap: number | undefined,
  batches: (pairs: EpochPairs) => Iterable<BprBatch>,
  o: TowerOptions,
  optimizer: tf.Optimizer,
  rng: () => number,
  fit: FitOptions,
): void {
  for (let pass = 1; pass <= o.pairWarmupEpochs; pass++) {
    let lossSum = 0;
    let steps = 0;
    for (const raw of batches(samplePairs(queries, cap, rng))) {
      const batch = batchWithSupportNegatives(raw, pair, o.negatives, rng);
      const B = batch.pos.length;
      const P = batch.pool.length;
      const cost = tf.tidy(() => {
        const posF = tf.tensor2d(batch.posF, [B, pair.width]);
        const poolF = tf.tensor2d(batch.poolF, [B * P, pair.width]);
        const negWeights = tf.tensor2d(batch.negWeights, [B, P]);
        return optimizer.minimize(() => {
          const w = tf.reshape(prior.w, [-1, 1]) as tf.Tensor2D;
          const offsets = { pos: tf.reshape(tf.matMul(posF, w), [B]) as tf.Tensor1D, pool: tf.reshape(tf.matMul(poolF, w), [B, P]) as tf.Tensor2D };
          // Embeddings of width 1 at 0: the towers' part of every score is 0, as at the start of training.
          return bprLoss(tf.zeros([B, 1]), tf.zeros([B, 1]), tf.zeros([P, 1]), negWeights, o.negatives, offsets);
        }, true, [prior.w])!;
      });
      lossSum += cost.dataSync()[0];
      cost.dispose();
      steps++;
    }
    fit.log?.(`prior warm-up ${pass}/${o.pairWarmupEpochs}: loss ${(lossSum / Math.max(steps, 1)).toFixed(4)}, weights ${[...prior.w.dataSync()].map((v, f) => `${prior.features[f]} ${v.toFixed(3)}`).join(", ")}`);
  }
}

/**
 * Base class: score(request, item) = <left(x_request) , item(x_item)>, trained with BPR (softplus(s_neg − s_pos),
 * K negatives per (train query, relevant item) positive), Adam(W), seeded sampling and init, early stopping on
 * val NDCG@10 keeping the best epoch's weights.
 */
export abstract class TowerRecommender implements Recommender {
  abstract readonly name: string;
  abstract readonly context: ContextUse;
  /** Name of the single score part in explain(): "user" or "request". */
  protected abstract readonly partName: string;
  protected options: TowerOptions;
  protected domain: Domain | undefined;
  private leftTower: Tower | undefined;
  private itemTower: Tower | undefined;
  private itemInputs: tf.Tensor2D | undefined;
  /** Cached transposed item embeddings (dims x items). */
  private itemEmb: tf.Tensor2D | undefined;
  private itemFeatures: string[] = [];
  private itemScales: number[] = [];
  private leftScale = 1;
  private prior: TowerPrior | undefined;

  protected constructor(defaults: TowerOptions, options: Partial<TowerOptions>) {
    const parsed = TowerOptionsSchema.safeParse({ ...defaults, ...options });
    if (!parsed.success) {
      throw new InputError(`bad model options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    this.options = parsed.data;
    const l = this.options.leftLayers.at(-1);
    const r = this.options.itemLayers.at(-1);
    if (l !== r) throw new InputError(`bad model options: leftLayers ends in ${l} but itemLayers ends in ${r}; the embeddings must match`);
  }

  /** Checks the domain can feed the left tower (throws ModelFitError otherwise); returns the left input size. */
  protected abstract leftDims(domain: Domain): number;
  /**
   * Left inputs for training (rows = left entities), per `domain.train` query its row (-1 = unusable), and each
   * row as a request (its text or its user), which the pair prior's counts are read for.
   */
  protected abstract trainingLeft(domain: Domain): Promise<{ inputs: Matrix; rowOfQuery: Int32Array; rowRequests: RequestContext[] }>;
  /** Left inputs (unscaled) for requests: rows = requests. */
  protected abstract requestLeft(requests: readonly ScoreRequest[]): Promise<Matrix>;

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    await tfReady();
    const t0 = performance.now();
    this.dispose();
    try {
      return await this.train(domain, fitOptions, t0);
    } catch (err) {
      this.dispose(); // never leave a half-fitted model (or its tensors) behind
      throw err;
    }
  }

  private async train(domain: Domain, fitOptions: FitOptions, t0: number): Promise<FitReport> {
    const o = this.options;
    const leftDims = this.leftDims(domain);
    this.bindItems(domain, this.resolveItemFeatures(domain), undefined);
    const { inputs, rowOfQuery, rowRequests } = await this.trainingLeft(domain);
    if (inputs.cols !== leftDims) throw new ModelFitError(`${this.name}: left inputs have ${inputs.cols} dims, expected ${leftDims}`);
    this.leftScale = meanRowNorm(inputs);

    const nItems = domain.items.ids.length;
    const positivesOf = Array.from({ length: inputs.rows }, () => new Set<number>());
    const usable: { row: number; relevant: readonly number[] }[] = [];
    domain.train.forEach((q, qi) => {
      const r = rowOfQuery[qi];
      if (r < 0) return;
      for (const it of q.relevant) {
        if (!Number.isInteger(it) || it < 0 || it >= nItems) {
          throw new ModelFitError(`${this.name}: train query ${q.qid} lists item ${it}, outside 0..${nItems - 1} of domain ${domain.name}`);
        }
        positivesOf[r].add(it);
      }
      if (q.relevant.length > 0) usable.push({ row: r, relevant: q.relevant });
    });
    if (usable.length === 0) throw new ModelFitError(`${this.name}: domain ${domain.name} has no usable training positives (train queries: ${domain.train.length})`);
    const cap = domain.positivesPerQuery;
    const rng = mulberry32(fitOptions.seed);

    const priorFeatures = pairFeaturesWithData(domain, o.pairFeatures);
    const warmPrior = priorFeatures.length > 0 && o.pairWarmupEpochs > 0;
    this.leftTower = new Tower(`${this.name}/left`, leftDims, o.leftLayers, fitOptions.seed + 1, warmPrior);
    this.itemTower = new Tower(`${this.name}/item`, this.itemInputs!.shape[1], o.itemLayers, fitOptions.seed + 2);
    this.prior = priorFeatures.length > 0 ? { features: priorFeatures, tables: pairTables(domain), w: tf.tidy(() => tf.variable(tf.zeros([priorFeatures.length]) as tf.Tensor1D, true)) } : undefined;
    const pair = this.prior !== undefined ? pairTraining(this.prior.tables, this.prior.features, rowRequests.map((r, row) => ({ ...r, relevant: [...positivesOf[row]] })), o.pairNegatives) : undefined;
    const towerVariables = [...this.leftTower.variables, ...this.itemTower.variables];
    const variables = [...towerVariables, ...(this.prior !== undefined ? [this.prior.w] : [])];
    const decayed = variables.filter((v) => v.rank === 2);
    const leftT = tf.tidy(() => tf.mul(tf.tensor2d(inputs.data, [inputs.rows, inputs.cols]), 1 / this.leftScale) as tf.Tensor2D);
    const optimizer = tf.train.adam(o.learningRate);
    // The prior's weights get their own Adam (and step size); one gradient computation feeds both.
    const priorOptimizer = tf.train.adam(o.pairLearningRate);
    const hasVal = domain.val.some((q) => q.relevant.length > 0);
    try {
      if (warmPrior) {
        const batches = (pairs: EpochPairs) => bprBatches(pairs, positivesOf, { batchSize: o.batchSize, negatives: o.negatives, nItems }, rng);
        warmUpPrior(this.prior!, pair!, usable, cap, batches, o, priorOptimizer, rng, fitOptions);
      }
      const result = await runEpochs(
        {
          name: this.name,
          epochs: o.epochs,
          patience: o.patience,
          learningRate: o.learningRate,
          queries: usable,
          positivesPerQuery: cap,
          rng,
          batches: (p) => ({ count: Math.ceil(p.left.length / o.batchSize), batches: bprBatches(p, positivesOf, { batchSize: o.batchSize, negatives: o.negatives, nItems }, rng) }),
          step: (raw) => {
            const batch = pair !== undefined ? batchWithSupportNegatives(raw, pair, o.negatives, rng) : { ...raw, posF: undefined, poolF: undefined };
            const prior = this.prior;
            const cost = tf.tidy(() => {
              const leftIdx = tf.tensor1d(batch.left, "int32");
              const itemIdx = tf.tensor1d(Int32Array.from([...batch.pos, ...batch.pool]), "int32");
              const B = batch.pos.length;
              const P = batch.pool.length;
              const negWeights = tf.tensor2d(batch.negWeights, [B, P]);
              const posF = batch.posF !== undefined ? tf.tensor2d(batch.posF, [B, pair!.width]) : undefined;
              const poolF = batch.poolF !== undefined ? tf.tensor2d(batch.poolF, [B * P, pair!.width]) : undefined;
              const { value, grads } = tf.variableGrads(() => {
                const L = this.leftTower!.apply(tf.gather(leftT, leftIdx));
                const I = this.itemTower!.apply(tf.gather(this.itemInputs!, itemIdx));
                const pos = tf.slice(I, [0, 0], [B, -1]);
                const pool = tf.slice(I, [B, 0], [-1, -1]);
                if (prior === undefined || posF === undefined || poolF === undefined) return bprLoss(L, pos, pool, negWeights, o.negatives);
                const w = tf.reshape(prior.w, [-1, 1]) as tf.Tensor2D;
                const offsets = { pos: tf.reshape(tf.matMul(posF, w), [B]) as tf.Tensor1D, pool: tf.reshape(tf.matMul(poolF, w), [B, P]) as tf.Tensor2D };
                return bprLoss(L, pos, pool, negWeights, o.negatives, offsets);
              }, variables);
              optimizer.applyGradients(towerVariables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
              if (prior !== undefined) priorOptimizer.applyGradients([{ name: prior.w.name, tensor: grads[prior.w.name] }]);
              return value;
            });
            const loss = cost.dataSync()[0];
            cost.dispose();
            if (o.weightDecay > 0) {
              const keep = 1 - o.learningRate * o.weightDecay;
              tf.tidy(() => decayed.forEach((v) => v.assign(tf.mul(v, keep))));
            }
            this.invalidateItemEmbeddings();
            return loss;
          },
          select: hasVal ? () => meanNdcgAt10(this, domain.val, domain) : undefined,
          selectStart: warmPrior,
          snapshot: () => variables.map((v) => v.dataSync().slice() as Float32Array),
          restore: (w) => {
            tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(w[i], v.shape))));
            this.invalidateItemEmbeddings();
          },
        },
        fitOptions,
      );
      return fitReport(t0, result);
    } finally {
      optimizer.dispose();
      priorOptimizer.dispose();
      leftT.dispose();
    }
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const nItems = this.requireFitted();
    if (requests.length === 0) return matrix(0, nItems);
    const x = await this.requestLeft(requests);
    const itemsT = this.itemEmbeddingsT();
    const out = tf.tidy(() => {
      const L = this.leftTower!.apply(tf.mul(tf.tensor2d(x.data, [x.rows, x.cols]), 1 / this.leftScale) as tf.Tensor2D);
      return tf.matMul(L, itemsT); // plain, not transposeB: the WASM backend runs transposed matMul ~10x slower
    });
    const data = new Float32Array(out.dataSync());
    out.dispose();
    const prior = this.pairPrior();
    if (prior !== undefined) requests.forEach((r, i) => addPrior(prior, r, data.subarray(i * nItems, (i + 1) * nItems)));
    return matrix(requests.length, nItems, data);
  }

  /** Parts: the towers' inner product under the model's part name, then the pair prior's terms (when it has one). */
  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const s = await this.score([request]);
    const prior = this.pairPrior();
    if (prior === undefined) return { parts: { [this.partName]: s.data[item] } };
    const terms = priorParts(prior, request, item);
    const tower = s.data[item] - Object.values(terms).reduce((a, b) => a + b, 0);
    return { parts: { [this.partName]: tower, ...terms } };
  }

  /** The features of the fitted pair prior (none before fit or without one). */
  protected get priorFeatures(): readonly PairFeature[] {
    return this.prior?.features ?? [];
  }

  /** The pair prior with its current weights, or undefined when the model has none. */
  protected pairPrior(): PairPrior | undefined {
    const p = this.prior;
    return p !== undefined ? { features: p.features, tables: p.tables, weights: Float32Array.from(p.w.dataSync()) } : undefined;
  }

  /**
   * The trained model as plain arrays, for a TF.js-free serving form: the left tower's layers (w: inputs x outputs,
   * row-major; ReLU between layers), the scale raw left inputs are divided by, and every item's final embedding.
   */
  protected towerArrays(): { layers: { w: Float32Array; b: Float32Array }[]; leftScale: number; leftDims: number; dims: number; itemVectors: Float32Array } {
    this.requireFitted();
    const read = (v: tf.Variable) => new Float32Array(v.dataSync());
    const left = this.leftTower!;
    const layers = left.layers.map((_, l) => ({ w: read(left.variables[2 * l]), b: read(left.variables[2 * l + 1]) }));
    const itemVectors = tf.tidy(() => new Float32Array(this.itemTower!.apply(this.itemInputs!).dataSync()));
    return { layers, leftScale: this.leftScale, leftDims: left.inputDims, dims: left.outputDims, itemVectors };
  }

  async save(dir: string): Promise<void> {
    this.requireFitted();
    const arrays: NamedArray[] = [this.leftTower!, this.itemTower!].flatMap((t) =>
      t.variables.map((v, k) => ({ name: t.keys[k], shape: v.shape, data: v.dataSync() as Float32Array })),
    );
    if (this.prior !== undefined) arrays.push({ name: "pair/w", shape: [this.prior.features.length], data: this.prior.w.dataSync() as Float32Array });
    const meta: z.input<typeof MetaSchema> = {
      format: this.format,
      options: this.options,
      domain: this.domain!.name,
      items: this.domain!.items.ids.length,
      itemFeatures: this.itemFeatures,
      itemScales: this.itemScales,
      leftDims: this.leftTower!.inputDims,
      leftScale: this.leftScale,
      ...(this.prior !== undefined ? { pairFeatures: [...this.prior.features] } : {}),
    };
    await saveArrays(dir, meta, arrays);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await tfReady();
    const { meta: raw, arrays } = await loadArrays(dir);
    const parsed = MetaSchema.safeParse(raw);
    const file = `${dir}/model.json`;
    if (!parsed.success || parsed.data.format !== this.format) {
      throw new DataError(`${file} is not a ${this.format} model (${parsed.success ? `format ${parsed.data.format}` : parsed.error.issues[0]?.message})`, { path: file, expected: this.format });
    }
    const meta = parsed.data;
    if (meta.items !== domain.items.ids.length) {
      throw new DataError(`${file} was saved for ${meta.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    this.dispose();
    this.options = meta.options;
    const leftDims = this.leftDims(domain);
    if (leftDims !== meta.leftDims) throw new DataError(`${file}: left input has ${meta.leftDims} dims, domain ${domain.name} gives ${leftDims}`, { path: file });
    this.bindItems(domain, meta.itemFeatures, meta.itemScales);
    this.leftScale = meta.leftScale;
    this.leftTower = new Tower(`${this.name}/left`, leftDims, meta.options.leftLayers, 0);
    this.itemTower = new Tower(`${this.name}/item`, this.itemInputs!.shape[1], meta.options.itemLayers, 0);
    for (const [v, key] of [this.leftTower, this.itemTower].flatMap((t) => t.variables.map((x, k) => [x, t.keys[k]] as const))) {
      const a = arrays.get(key);
      if (a === undefined || a.shape.join("x") !== v.shape.join("x")) {
        this.dispose();
        throw new DataError(`${file}: weight ${key} is ${a === undefined ? "missing" : `shaped [${a.shape}]`}, expected [${v.shape}]`, { path: file });
      }
      tf.tidy(() => v.assign(tf.tensor(a.data, v.shape)));
    }
    const features = meta.pairFeatures ?? [];
    if (features.length > 0) {
      const w = arrays.get("pair/w");
      if (w === undefined || w.data.length !== features.length) {
        this.dispose();
        throw new DataError(`${file}: weight pair/w is ${w === undefined ? "missing" : `${w.data.length} values`}, expected ${features.length} (${features.join(", ")})`, { path: file });
      }
      // The count tables are statistics of the domain's training data: recomputed, not stored.
      this.prior = { features, tables: pairTables(domain), w: tf.tidy(() => tf.variable(tf.tensor1d(w.data), true)) };
    }
  }

  dispose(): void {
    this.leftTower?.dispose();
    this.itemTower?.dispose();
    this.prior?.w.dispose();
    this.prior = undefined;
    this.itemInputs?.dispose();
    this.invalidateItemEmbeddings();
    this.leftTower = this.itemTower = this.itemInputs = undefined;
  }

  private get format(): string {
    return `askmusic/${this.name}@1`;
  }

  private resolveItemFeatures(domain: Domain): string[] {
    const wanted = this.options.itemFeatures ?? ["cf", "tagtext"].filter((f) => domain.items.features[f] !== undefined);
    if (wanted.length === 0) throw new ModelFitError(`${this.name}: domain ${domain.name} has neither items.features.cf nor .tagtext; pass itemFeatures (known: ${Object.keys(domain.items.features).join(", ")})`);
    return wanted;
  }

  /** Concatenates the item feature blocks, each divided by its mean row norm (computed now, or the saved ones). */
  private bindItems(domain: Domain, features: string[], scales: number[] | undefined): void {
    const n = domain.items.ids.length;
    const blocks = features.map((f) => {
      const m = domain.items.features[f];
      if (m === undefined) throw new ModelFitError(`${this.name}: domain ${domain.name} has no items.features.${f}; known: ${Object.keys(domain.items.features).join(", ")}`);
      if (m.rows !== n) throw new ModelFitError(`${this.name}: items.features.${f} has ${m.rows} rows, expected ${n}`);
      return m;
    });
    const s = scales ?? blocks.map(meanRowNorm);
    const width = blocks.reduce((w, b) => w + b.cols, 0);
    const x = new Float32Array(n * width);
    let off = 0;
    blocks.forEach((b, k) => {
      for (let i = 0; i < n; i++) for (let j = 0; j < b.cols; j++) x[i * width + off + j] = b.data[i * b.cols + j] / s[k];
      off += b.cols;
    });
    this.itemInputs = tf.tensor2d(x, [n, width]);
    this.itemFeatures = features;
    this.itemScales = s;
    this.domain = domain;
  }

  /** All item embeddings, transposed (rows = dims, cols = items), cached until the weights change. Never call inside tf.tidy. */
  private itemEmbeddingsT(): tf.Tensor2D {
    this.itemEmb ??= tf.tidy(() => tf.transpose(this.itemTower!.apply(this.itemInputs!)));
    return this.itemEmb;
  }

  private invalidateItemEmbeddings(): void {
    this.itemEmb?.dispose();
    this.itemEmb = undefined;
  }

  private requireFitted(): number {
    if (this.leftTower === undefined || this.itemTower === undefined || this.domain === undefined) {
      throw new ModelFitError(`${this.name} model used before fit() or load()`);
    }
    return this.domain.items.ids.length;
  }
}

/**
 * @file The `whitebox` ranker (White-boxing, Okada et al. 2026, on a TalkRec-shaped ranker): a small transformer over
 * the request's words is the query tower, its final attention-pooling weights are the word explanation, the pair
 * prior (train co-occurrence) and a popularity tie-break are added to the score, and a per-user LoRA adapter on the
 * attention projections (trained from strengthen/weaken feedback, see adapter.ts) changes that user's requests only.
 */
import { z } from "zod";
import { matrix, meanRowNorm, type Matrix } from "../../core/matrix.js";
import { mulberry32 } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import { popularityTieBreak } from "../counting.js";
import { pairFeaturesWithData, priorParts, addPrior, type PairPrior } from "../pair-prior.js";
import { pairTables, type PairFeature } from "../pair-features.js";
import { batchWithSupportNegatives, pairTraining, type PairTraining } from "../pair-training.js";
import { rankByScoring } from "../rank.js";
import type { AdapterHandle, ContextUse, FitOptions, FitReport, RankedList, RankOptions, Recommender, RequestContext, ScoreComponents, WordAttribution } from "../recommender.js";
import { meanNdcgAt10 } from "../validation.js";
import { tf, tfReady } from "../tf/backend.js";
import { bprBatches, bprLoss, type BprBatch } from "../tf/bpr.js";
import { gatherRows } from "../tf/ops.js";
import { Tower } from "../tf/tower.js";
import { BPR_TRAINING_SHAPE, fitReport, runEpochs, samplePairs } from "../tf/training-loop.js";
import { loadModelArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { ENCODER_PARAMS, WhiteboxEncoder, type LoraDeltas } from "./encoder.js";
import { adapterFactors } from "./params.js";
import { packWords, type PackedWords } from "./tokens.js";
import { feedbackTextList } from "./adapter.js";
import type { EncoderWeights } from "./forward.js";
import { WhiteboxServing } from "./serving.js";

/** Options (defaults in {@link WHITEBOX_DEFAULTS}). */
export const WhiteboxOptionsSchema = z
  .object({
    ...BPR_TRAINING_SHAPE,
    /** Encoder width d (split over heads); also the item embedding size. [64] */
    width: z.number().int().min(2),
    /** Attention heads (their pooling weights are averaged into the explanation). [2] */
    heads: z.number().int().min(1),
    /** Words read per request; later words are dropped. [12] */
    maxWords: z.number().int().min(1),
    /** Share of each positive's negatives drawn from its request's support (as the towers). [0.5] */
    pairNegatives: z.number().min(0).max(1),
    /** Adam step of the prior's weight in its warm-up pass (it is then frozen). [1e-2] */
    pairLearningRate: z.number().positive(),
    /**
     * s: the encoder's part of the score is s · cos(query, item), so it moves an item by at most ±s against the
     * counts (w_c · log(1 + n), w_c ≈ 1.4 on lfm2k-tagq). Unbounded inner products let the towers memorise the
     * training pairs and drown the counts (BENCHMARKS.md, "Why the towers lose to counting"; here too: selection
     * 0.2054 → 0.0824 after one epoch). Chosen on the selection set. [1]
     */
    towerScale: z.number().positive(),
    /**
     * Whether the start (the warmed-up prior with an untrained encoder) may be selected. "excluded" keeps the best
     * trained epoch, so a trained encoder (and its attention) is part of every score. ["excluded"]
     */
    start: z.enum(["excluded", "candidate"]),
  })
  .strict();
export type WhiteboxOptions = z.output<typeof WhiteboxOptionsSchema>;

/**
 * Defaults. One epoch: on lfm2k-tagq (selection set, seed 42) the start scored 0.2054 and epoch 1 0.1961, each
 * epoch costs ~4 min of the 2 shared cores, and selection never keeps the start (see `start`).
 */
export const WHITEBOX_DEFAULTS: WhiteboxOptions = Object.freeze({
  epochs: 1,
  patience: 1,
  batchSize: 512,
  negatives: 4,
  learningRate: 1e-3,
  weightDecay: 1e-4,
  width: 64,
  heads: 2,
  maxWords: 12,
  pairNegatives: 0.5,
  pairLearningRate: 1e-2,
  towerScale: 1,
  start: "excluded",
});

const PRIOR_FEATURES: PairFeature[] = ["cooccurrence"];

const MetaSchema = z.object({
  format: z.literal("askmusic/whitebox@1"),
  options: WhiteboxOptionsSchema,
  domain: z.string(),
  items: z.number().int(),
  inputDims: z.number().int(),
  itemFeatures: z.array(z.string()),
  itemScales: z.array(z.number()),
  priorFeatures: z.array(z.enum(["history", "cooccurrence", "tagged"])),
});

/** Per request: its words and each word's pooling attention (sums to 1 over the words; empty for no words). */
export type RequestAttention = readonly WordAttribution[];

/** Rows of `x` after the score components: query vectors and attention per request. */
interface Encoded {
  readonly query: Float32Array;
  readonly attention: readonly RequestAttention[];
}

/**
 * score(request, item) = s · cos(enc(request words), W_i · [cf | tagtext]_item) + w_c · log(1 + co-occurrence) + tie(item), where
 * tie is tag-popularity's popularity tie-break (below any count difference; a learned popularity weight took over the
 * ranking, since uniform negatives are almost never popular). Trained with BPR (4 negatives, half from the request's
 * support) after a warm-up pass that fits w_c alone, which then stays fixed.
 * Conversational, not personal: the user's id is ignored; `adapter` (a whitebox adapter) changes that request's
 * attention.
 * @example const m = new WhiteboxRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "sad piano" }, 10)).wordAttributions // [{ word: "sad", weight: 0.7 }, { word: "piano", weight: 0.3 }]
 */
export class WhiteboxRecommender implements Recommender {
  readonly name = "whitebox";
  /** The words, and the listener's adapter when one is attached; user, history, turns and profile are ignored. */
  readonly context: ContextUse = { uses: ["text", "adapter"], needs: ["text"] };
  private options: WhiteboxOptions;
  private domain: Domain | undefined;
  encoder: WhiteboxEncoder | undefined;
  private itemTower: Tower | undefined;
  private itemInputs: tf.Tensor2D | undefined;
  private itemEmbT: tf.Tensor2D | undefined;
  private itemFeatures: string[] = [];
  private itemScales: number[] = [];
  /** Weights of the prior's features. */
  private priorW: tf.Variable<tf.Rank.R1> | undefined;
  private priorFeatures: PairFeature[] = [];
  private tables: PairPrior["tables"] | undefined;
  private tieBreak: Float32Array = new Float32Array(0);

  constructor(options: Partial<WhiteboxOptions> = {}) {
    const parsed = WhiteboxOptionsSchema.safeParse({ ...WHITEBOX_DEFAULTS, ...options });
    if (!parsed.success) throw new InputError(`bad whitebox options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  get maxWords(): number {
    return this.options.maxWords;
  }

  /** The fitted domain (throws before fit/load). */
  get fittedDomain(): Domain {
    this.requireFitted();
    return this.domain!;
  }

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
      this.dispose();
      throw err;
    }
  }

  private inputDims(domain: Domain): number {
    const tagtext = domain.items.features.tagtext;
    if (tagtext === undefined) throw new ModelFitError(`whitebox: domain ${domain.name} has no items.features.tagtext to size the word vectors`);
    return tagtext.cols;
  }

  private build(domain: Domain, seed: number, features: string[], scales: number[] | undefined, priorFeatures: PairFeature[]): void {
    const n = domain.items.ids.length;
    const blocks = features.map((f) => {
      const m = domain.items.features[f];
      if (m === undefined) throw new ModelFitError(`whitebox: domain ${domain.name} has no items.features.${f}; known: ${Object.keys(domain.items.features).join(", ")}`);
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
    const o = this.options;
    this.encoder = new WhiteboxEncoder({ inputDims: this.inputDims(domain), width: o.width, heads: o.heads, outputDims: o.width }, seed + 1);
    this.itemTower = new Tower("whitebox/item", width, [o.width], seed + 2);
    this.priorFeatures = priorFeatures;
    this.tables = pairTables(domain);
    this.priorW = tf.tidy(() => tf.variable(tf.zeros([priorFeatures.length]) as tf.Tensor1D, true));
    this.tieBreak = popularityTieBreak(domain.items.popularity);
  }

  private async train(domain: Domain, fitOptions: FitOptions, t0: number): Promise<FitReport> {
    const o = this.options;
    const features = ["cf", "tagtext"].filter((f) => domain.items.features[f] !== undefined);
    const priorFeatures = pairFeaturesWithData(domain, PRIOR_FEATURES);
    this.build(domain, fitOptions.seed, features, undefined, priorFeatures);
    const nItems = domain.items.ids.length;
    const texts = [...new Set(domain.train.map((q) => q.text))];
    const rowOf = new Map(texts.map((t, i) => [t, i]));
    const positivesOf = texts.map(() => new Set<number>());
    const usable: { row: number; relevant: readonly number[] }[] = [];
    for (const q of domain.train) {
      const r = rowOf.get(q.text)!;
      for (const it of q.relevant) {
        if (!Number.isInteger(it) || it < 0 || it >= nItems) throw new ModelFitError(`whitebox: train query ${q.qid} lists item ${it}, outside 0..${nItems - 1}`);
        positivesOf[r].add(it);
      }
      if (q.relevant.length > 0) usable.push({ row: r, relevant: q.relevant });
    }
    if (usable.length === 0) throw new ModelFitError(`whitebox: domain ${domain.name} has no usable training positives`);
    fitOptions.log?.(`whitebox: encoding the words of ${texts.length} train texts`);
    const packed = await packWords(texts, domain, o.maxWords);
    const pair = pairTraining(this.tables!, priorFeatures, texts.map((text, r) => ({ text, relevant: [...positivesOf[r]] })), o.pairNegatives);
    const rng = mulberry32(fitOptions.seed);
    const towerVars = [...this.encoder!.variables, ...this.itemTower!.variables];
    const decayed = towerVars.filter((v) => v.rank === 2);
    const optimizer = tf.train.adam(o.learningRate);
    const priorOptimizer = tf.train.adam(o.pairLearningRate);
    const sampler = { batchSize: o.batchSize, negatives: o.negatives, nItems };
    const hasVal = domain.val.some((q) => q.relevant.length > 0);
    try {
      // Warm-up: the prior's weights alone, the encoder's output being 0 (out/w starts at 0).
      let warmLoss = 0;
      let warmSteps = 0;
      for (const raw of bprBatches(samplePairs(usable, domain.positivesPerQuery, rng), positivesOf, sampler, rng)) {
        warmLoss += this.step(raw, pair, packed, rng, "prior", optimizer, priorOptimizer);
        warmSteps++;
      }
      fitOptions.log?.(`whitebox warm-up: loss ${(warmLoss / Math.max(1, warmSteps)).toFixed(4)}, weights ${[...this.priorW!.dataSync()].map((v) => v.toFixed(3)).join(", ")}`);
      const variables = [...towerVars];
      const result = await runEpochs(
        {
          name: "whitebox",
          epochs: o.epochs,
          patience: o.patience,
          learningRate: o.learningRate,
          queries: usable,
          positivesPerQuery: domain.positivesPerQuery,
          rng,
          batches: (p) => ({ count: Math.ceil(p.left.length / o.batchSize), batches: bprBatches(p, positivesOf, sampler, rng) }),
          step: (raw) => {
            const loss = this.step(raw, pair, packed, rng, "all", optimizer, priorOptimizer);
            if (o.weightDecay > 0) {
              const keep = 1 - o.learningRate * o.weightDecay;
              tf.tidy(() => decayed.forEach((v) => v.assign(tf.mul(v, keep))));
            }
            return loss;
          },
          afterEpoch: () => this.invalidateItems(),
          select: hasVal ? () => meanNdcgAt10(this, domain.val, domain) : undefined,
          selectStart: o.start === "candidate",
          snapshot: () => variables.map((v) => v.dataSync().slice() as Float32Array),
          restore: (w) => {
            tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(w[i], v.shape))));
            this.invalidateItems();
          },
        },
        fitOptions,
      );
      return fitReport(t0, result);
    } finally {
      optimizer.dispose();
      priorOptimizer.dispose();
    }
  }

  /**
   * One BPR step. The pool grows by one support item per positive and a share of its negatives moves there (as the
   * towers do), and the prior's features are computed for every (positive, pool entry) pair that weighs.
   */
  private step(raw: BprBatch, pair: PairTraining, packed: PackedWords, rng: () => number, phase: "prior" | "all", optimizer: tf.Optimizer, priorOptimizer: tf.Optimizer): number {
    const K = this.options.negatives;
    const { pool, negWeights, posF, poolF } = batchWithSupportNegatives(raw, pair, K, rng);
    const B = raw.pos.length;
    const P = pool.length;
    const W = pair.width;
    // The batch's distinct texts are encoded once; each positive picks its row.
    const distinct = [...new Set(raw.left)];
    const at = new Map(distinct.map((r, i) => [r, i]));
    const T = packed.slots;
    const E = packed.dims;
    const x = new Float32Array(distinct.length * T * E);
    const mask = new Float32Array(distinct.length * T);
    distinct.forEach((r, i) => {
      x.set(packed.x.subarray(r * T * E, (r + 1) * T * E), i * T * E);
      mask.set(packed.mask.subarray(r * T, (r + 1) * T), i * T);
    });
    const pick = Int32Array.from(raw.left, (r) => at.get(r)!);
    const towerVars = [...this.encoder!.variables, ...this.itemTower!.variables];
    const cost = tf.tidy(() => {
      const nw = tf.tensor2d(negWeights, [B, P]);
      const pf = tf.tensor2d(posF, [B, W]);
      const qf = tf.tensor2d(poolF, [B * P, W]);
      const itemIdx = tf.tensor1d(Int32Array.from([...raw.pos, ...pool]), "int32");
      const xs = tf.tensor3d(x, [distinct.length, T, E]);
      const ms = tf.tensor2d(mask, [distinct.length, T]);
      const vars = phase === "prior" ? [this.priorW!] : towerVars;
      const { value, grads } = tf.variableGrads(() => {
        const w = tf.reshape(this.priorW!, [-1, 1]) as tf.Tensor2D;
        const offsets = { pos: tf.reshape(tf.matMul(pf, w), [B]) as tf.Tensor1D, pool: tf.reshape(tf.matMul(qf, w), [B, P]) as tf.Tensor2D };
        if (phase === "prior") return bprLoss(tf.zeros([B, 1]), tf.zeros([B, 1]), tf.zeros([P, 1]), nw, K, offsets);
        const L = tf.mul(unitRows(gatherRows(this.encoder!.apply(xs, ms).query, pick)), this.options.towerScale) as tf.Tensor2D;
        const I = unitRows(this.itemTower!.apply(tf.gather(this.itemInputs!, itemIdx)));
        return bprLoss(L, tf.slice(I, [0, 0], [B, -1]), tf.slice(I, [B, 0], [-1, -1]), nw, K, offsets);
      }, vars);
      if (phase === "all") optimizer.applyGradients(towerVars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      else priorOptimizer.applyGradients([{ name: this.priorW!.name, tensor: grads[this.priorW!.name] }]);
      return value;
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  }

  /**
   * Query vectors and word attention of requests, each with its own adapter (requests sharing one are encoded
   * together). An adapter for another model is ignored.
   */
  async encode(requests: readonly RequestContext[], adapterOverride?: AdapterHandle | null): Promise<Encoded> {
    this.requireFitted();
    const D = this.options.width;
    const query = new Float32Array(requests.length * D);
    const attention: RequestAttention[] = new Array(requests.length);
    const groups = new Map<string, { adapter: AdapterHandle | undefined; rows: number[] }>();
    requests.forEach((r, i) => {
      const a = adapterOverride === null ? undefined : (adapterOverride ?? r.adapter);
      const own = a !== undefined && a.model === this.name ? a : undefined;
      const key = own !== undefined ? `${own.user}\u0000${own.version}` : "";
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { adapter: own, rows: [] }));
      g.rows.push(i);
    });
    for (const { adapter, rows } of groups.values()) {
      for (let start = 0; start < rows.length; start += 512) {
        const chunk = rows.slice(start, start + 512);
        const packed = await packWords(chunk.map((i) => requests[i].text), this.domain!, this.options.maxWords);
        const { q, a } = tf.tidy(() => {
          const lora = adapter !== undefined ? adapterDeltas(adapter, this.options.width) : undefined;
          const out = this.encoder!.apply(tf.tensor3d(packed.x, [packed.rows, packed.slots, packed.dims]), tf.tensor2d(packed.mask, [packed.rows, packed.slots]), lora);
          return { q: tf.mul(unitRows(out.query), this.options.towerScale).dataSync() as Float32Array, a: out.attention.dataSync() as Float32Array };
        });
        chunk.forEach((ri, j) => {
          query.set(q.subarray(j * D, (j + 1) * D), ri * D);
          attention[ri] = packed.words[j].map((word, s) => ({ word, weight: a[j * packed.slots + s] }));
        });
      }
    }
    return { query, attention };
  }

  /** Each request's word attention (the explanation), under its adapter. */
  async attend(requests: readonly RequestContext[]): Promise<RequestAttention[]> {
    return [...(await this.encode(requests)).attention];
  }

  async score(requests: readonly RequestContext[]): Promise<Matrix> {
    const nItems = this.requireFitted();
    if (requests.length === 0) return matrix(0, nItems);
    const { query } = await this.encode(requests);
    const itemsT = this.itemEmbeddingsT();
    const D = this.options.width;
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(query, [requests.length, D]), itemsT));
    const data = new Float32Array(out.dataSync());
    out.dispose();
    const prior = this.prior();
    requests.forEach((r, i) => {
      const row = data.subarray(i * nItems, (i + 1) * nItems);
      for (let it = 0; it < nItems; it++) row[it] += this.tieBreak[it];
      addPrior(prior, r, row);
    });
    return matrix(requests.length, nItems, data);
  }

  /** Parts: the encoder's inner product ("request"), the prior's terms and popularity; the word attention behind "request". */
  async explain(request: RequestContext, item: number): Promise<ScoreComponents> {
    const s = await this.score([request]);
    const terms = priorParts(this.prior(), request, item);
    const popularity = this.tieBreak[item];
    const rest = Object.values(terms).reduce((a, b) => a + b, 0) + popularity;
    const [attention] = await this.attend([request]);
    return { parts: { request: s.data[item] - rest, ...terms, popularity }, wordAttributions: attention };
  }

  /**
   * The serving form (TF.js-free): the encoder's weights, the unit item embeddings, the prior, the tie-break, and
   * the texts word feedback draws from.
   */
  toServing(training: Readonly<Record<string, unknown>> = {}): WhiteboxServing {
    this.requireFitted();
    const domain = this.domain!;
    const weights = Object.fromEntries(ENCODER_PARAMS.map((p) => [p, new Float32Array(this.encoder!.params.get(p)!.dataSync())])) as EncoderWeights;
    // Built (and cached) outside the tidy below, which would otherwise dispose the cached tensor with its scope.
    const itemsT = this.itemEmbeddingsT();
    const items = tf.tidy(() => tf.transpose(itemsT));
    const itemVectors = new Float32Array(items.dataSync());
    items.dispose();
    return new WhiteboxServing({
      itemIds: domain.items.ids,
      encoderId: domain.queryEncoderId,
      shape: this.encoder!.shape,
      maxWords: this.options.maxWords,
      towerScale: this.options.towerScale,
      weights,
      itemVectors,
      tieBreak: Float32Array.from(this.tieBreak),
      ...(this.priorFeatures.length > 0 ? { pair: this.prior() } : {}),
      feedbackTexts: feedbackTextList(domain),
      training,
    });
  }

  private prior(): PairPrior {
    return { features: this.priorFeatures, tables: this.tables!, weights: Float32Array.from(this.priorW!.dataSync()) };
  }

  async save(dir: string): Promise<void> {
    this.requireFitted();
    const arrays: NamedArray[] = [
      ...ENCODER_PARAMS.map((p) => { const v = this.encoder!.params.get(p)!; return { name: `enc/${p}`, shape: v.shape, data: v.dataSync() as Float32Array }; }),
      ...this.itemTower!.variables.map((v, k) => ({ name: this.itemTower!.keys[k], shape: v.shape, data: v.dataSync() as Float32Array })),
      { name: "prior/w", shape: this.priorW!.shape, data: this.priorW!.dataSync() as Float32Array },
    ];
    const meta: z.input<typeof MetaSchema> = {
      format: "askmusic/whitebox@1",
      options: this.options,
      domain: this.domain!.name,
      items: this.domain!.items.ids.length,
      inputDims: this.encoder!.shape.inputDims,
      itemFeatures: this.itemFeatures,
      itemScales: this.itemScales,
      priorFeatures: this.priorFeatures,
    };
    await saveArrays(dir, meta, arrays);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await tfReady();
    const loaded = await loadModelArrays(dir, MetaSchema, "askmusic/whitebox@1");
    const meta = loaded.meta;
    if (meta.items !== domain.items.ids.length) throw new DataError(`${loaded.file} was saved for ${meta.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: loaded.file });
    if (meta.inputDims !== this.inputDims(domain)) throw new DataError(`${loaded.file}: word vectors have ${meta.inputDims} dims, domain ${domain.name} gives ${this.inputDims(domain)}`, { path: loaded.file });
    this.dispose();
    this.options = meta.options;
    this.build(domain, 0, meta.itemFeatures, meta.itemScales, meta.priorFeatures);
    const assign = (v: tf.Variable, name: string) => {
      const data = loaded.need(name, v.shape);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    };
    try {
      for (const p of ENCODER_PARAMS) assign(this.encoder!.params.get(p)!, `enc/${p}`);
      this.itemTower!.variables.forEach((v, k) => assign(v, this.itemTower!.keys[k]));
      assign(this.priorW!, "prior/w");
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  dispose(): void {
    this.encoder?.dispose();
    this.itemTower?.dispose();
    this.itemInputs?.dispose();
    this.priorW?.dispose();
    this.invalidateItems();
    this.encoder = this.itemTower = this.itemInputs = this.priorW = undefined;
  }

  private itemEmbeddingsT(): tf.Tensor2D {
    this.itemEmbT ??= tf.tidy(() => tf.transpose(unitRows(this.itemTower!.apply(this.itemInputs!))));
    return this.itemEmbT;
  }

  private invalidateItems(): void {
    this.itemEmbT?.dispose();
    this.itemEmbT = undefined;
  }

  private requireFitted(): number {
    if (this.encoder === undefined || this.domain === undefined) throw new ModelFitError("whitebox model used before fit() or load()");
    return this.domain.items.ids.length;
  }
}

/** Rows scaled to unit length (zero rows stay zero: a request without words has no encoder part). Inside tf.tidy. */
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x, 2, 1, true), 1e-6)) as tf.Tensor2D;
}

/**
 * The LoRA deltas of an adapter as tensors (call inside tf.tidy): arrays `${target}/a` (d x r) and `${target}/b`
 * (r x d) for the targets it has. A malformed adapter is a DataError (it comes from the state store).
 */
export function adapterDeltas(adapter: AdapterHandle, width: number): LoraDeltas {
  const out: Record<string, { a: tf.Tensor2D; b: tf.Tensor2D }> = {};
  for (const [target, f] of Object.entries(adapterFactors(adapter, width))) {
    const r = f.a.length / width;
    out[target] = { a: tf.tensor2d(f.a, [width, r]), b: tf.tensor2d(f.b, [r, width]) };
  }
  return out as LoraDeltas;
}

/**
 * @file Text2Tracks (Palumbo et al., Spotify): generative retrieval. A GRU decoder conditioned on the request's
 * vector writes an item's identifier token by token; decoding is constrained to the prefix trie of the catalog's
 * identifiers, so it can only name items that exist. One model per ID scheme: text2tracks-semantic | -content |
 * -int | -title.
 */
import path from "node:path";
import { z } from "zod";
import { resolveConfig } from "../../config.js";
import { matrix, meanRowNorm, row, type Matrix } from "../../core/matrix.js";
import { mulberry32, shuffleInPlace } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import { trainCounts } from "../counting.js";
import { checkRankOptions } from "../rank.js";
import type { ContextUse, FitOptions, FitReport, RankedList, RankOptions, Recommender, RequestContext, ScoreComponents } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import { tf, tfReady } from "../tf/backend.js";
import { fitReport, runEpochs, samplePairs, type EpochPairs } from "../tf/training-loop.js";
import { meanNdcgAt10 } from "../validation.js";
import { words } from "../tagmatch/vocabulary.js";
import { requestWords } from "./decoder.js";
import { itemSmoothing, nodeCounts, PRIOR_SMOOTHING, smoothingMass } from "./count-prior.js";
import { cachedIds } from "./ids/cache.js";
import { meanLength, type IdSchemeName } from "./ids/index.js";
import { ID_SCHEMES } from "./ids/schemes.js";
import { Text2TracksServing } from "./serving.js";
import { DecoderTrainer, type PairBatch } from "./training.js";
import { PrefixTrie } from "./trie.js";

/** Options of every Text2Tracks model (defaults keep a fit on lfm2k-tagq to minutes on 2 cores). */
export const Text2TracksOptionsSchema = z
  .object({
    /** Residual k-means levels L of semantic/content ids. [3] */
    levels: z.number().int().min(1).default(3),
    /** Codes C per level. [64] (3 x 64 for 17k artists: ~1 item per full path, few disambiguation tokens) */
    codes: z.number().int().min(2).default(64),
    /** GRU state size. [128] */
    hidden: z.number().int().min(1).default(128),
    /** Token embedding size. [64] */
    embed: z.number().int().min(1).default(64),
    /** Maximum epochs; training stops earlier when selection NDCG@10 stops improving. [8] (~1 min each here) */
    epochs: z.number().int().min(1).default(8),
    /** Epochs without a selection improvement before stopping. [2] */
    patience: z.number().int().min(1).default(2),
    /** (request, item) pairs per step. [256] */
    batchSize: z.number().int().min(1).default(256),
    /** Adam step size. [3e-3] (1e-2 learned no faster per epoch on lfm2k-tagq's selection set) */
    learningRate: z.number().positive().default(3e-3),
    /**
     * Request words with a learned embedding (the most frequent words of the training requests); 0 = the request's
     * vector only. A word embedding lets the decoder tell apart requests whose USE vectors are close. [20000]
     */
    words: z.number().int().min(0).default(20000),
    /**
     * Add the count prior (count-prior.ts) to every step's logits: log(train pairs of the request's text below each
     * node + their smoothing), with a learned weight per position, starting from counting itself (weight 1, the
     * learned logits 0: "epoch 0", a selection candidate). Off, the decoder alone ranks (Text2Tracks as published:
     * the `-plain` models). [true] (lfm2k-tagq: the decoder alone reached 0.1533 selection NDCG@10 in 8 epochs,
     * counting 0.2055)
     */
    countPrior: z.boolean().default(true),
    /**
     * With the count prior: passes over the pairs that fit the prior's weights alone before the decoder moves (the
     * towers' recipe). [0] (lfm2k-tagq selection NDCG@10: counting 0.2051, after one warm-up pass 0.1519: the
     * likelihood of held-out train pairs prefers flattened counts, which rank worse)
     */
    warmupEpochs: z.number().int().min(0).default(0),
    /** With the count prior: the largest smoothing count of an item (count-prior.ts). [1e-3] */
    priorSmoothing: z.number().positive().max(0.5).default(PRIOR_SMOOTHING),
    /** Prefixes kept per decoding step (raised to k when k is larger): wider finds more, costs linearly. [20] */
    beam: z.number().int().min(1).default(20),
    /**
     * Directory of the identifier cache (k-means runs once per input); "none" builds them every fit.
     * [$ASKMUSIC_HOME/cache/text2tracks-ids, read when the model fits]
     */
    idCache: z.string().min(1).optional(),
  })
  .strict();
export type Text2TracksOptions = z.output<typeof Text2TracksOptionsSchema>;

/**
 * score(request, item) = log p(item's identifier | request) under the decoder, each token a softmax over the trie's
 * children of its prefix. Not personal: user, history, turns, profile and adapter are ignored (the words only).
 * Generative: no `score` over every item; `rank` searches (beam search) and prunes `exclude` inside the trie.
 * @example const m = new Text2TracksRecommender("semantic"); await m.fit(domain, { seed: 42 });
 * (await m.rank([{ text: "80s" }], { k: 10 }))[0].items // Int32Array [ ... 10 artists ]
 */
export class Text2TracksRecommender implements Recommender {
  readonly name: string;
  /** The words only. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  private readonly options: Text2TracksOptions;
  private domain: Domain | undefined;
  private serving: Text2TracksServing | undefined;

  /** `variant` names a preset of options in the registry: "plain" (e.g. text2tracks-semantic-plain: no count prior). */
  constructor(
    readonly scheme: IdSchemeName,
    options: Record<string, unknown> = {},
    variant?: "plain",
  ) {
    const parsed = Text2TracksOptionsSchema.safeParse({ ...(variant === "plain" ? { countPrior: false } : {}), ...options });
    if (!parsed.success) throw new InputError(`bad model options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
    this.name = `text2tracks-${scheme}${variant !== undefined ? `-${variant}` : ""}`;
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    await tfReady();
    const t0 = performance.now();
    const o = this.options;
    this.serving = undefined;
    const idParams = { levels: o.levels, codes: o.codes, seed: fitOptions.seed };
    const idCache = o.idCache ?? path.join(resolveConfig(process.env).homeDir, "cache", "text2tracks-ids");
    const built = await cachedIds(ID_SCHEMES[this.scheme], domain, idParams, idCache === "none" ? undefined : idCache);
    const { ids } = built;
    fitOptions.log?.(`${this.name}: ${ids.sequences.length} ids from ${ids.source}, ${ids.tokens.length} tokens, mean length ${meanLength(ids).toFixed(2)} (${built.cached ? "cached" : "built"} in ${built.seconds.toFixed(1)} s)`);
    const trie = PrefixTrie.build(ids.sequences);

    // One request row per distinct training text: the decoder reads the words only.
    const texts = [...new Set(domain.train.map((q) => q.text))];
    const rowOf = new Map(texts.map((t, i) => [t, i]));
    const x = await requestVectors(texts.map((text) => ({ text })), domain);
    const scale = meanRowNorm(x);
    const nItems = domain.items.ids.length;
    // Pairs grouped per text: a (text, item) pair listed by n train queries is trained once per epoch with weight n
    // (the same expected gradient as n copies, at the cost of one; lfm2k-tagq: 62k distinct pairs of 125k).
    const counts = new Map<number, Map<number, number>>();
    for (const q of domain.train) {
      if (q.text.trim() === "") continue;
      const r = rowOf.get(q.text)!;
      const m = counts.get(r) ?? new Map<number, number>();
      for (const it of q.relevant) {
        if (!Number.isInteger(it) || it < 0 || it >= nItems) throw new ModelFitError(`${this.name}: train query ${q.qid} lists item ${it}, outside 0..${nItems - 1} of domain ${domain.name}`);
        m.set(it, (m.get(it) ?? 0) + 1);
      }
      counts.set(r, m);
    }
    const queries = [...counts].flatMap(([r, m]) => (m.size > 0 ? [{ row: r, relevant: [...m.keys()] }] : []));
    if (queries.length === 0) throw new ModelFitError(`${this.name}: domain ${domain.name} has no training pairs with words (train queries: ${domain.train.length})`);

    const vocabulary = requestVocabulary(texts, o.words);
    const depth = ids.sequences.reduce((m, s) => Math.max(m, s.length), 0);
    const dims = { requestDims: x.cols, hidden: o.hidden, embed: o.embed, vocab: ids.tokens.length, words: vocabulary.length, depth };
    const textCounts = o.countPrior ? trainCounts(domain.train) : undefined;
    const smoothing = o.countPrior ? itemSmoothing(domain.items.popularity, o.priorSmoothing) : undefined;
    const prior = textCounts !== undefined ? { rowCounts: texts.map((t) => nodeCounts(trie, textCounts, t)), mass: smoothingMass(trie, smoothing) } : undefined;
    const trainer = new DecoderTrainer(dims, trie, ids.sequences, vocabulary, fitOptions.seed + 1, prior);
    const requestsT = tf.tidy(() => tf.mul(tf.tensor2d(x.data, [x.rows, x.cols]), 1 / scale) as tf.Tensor2D);
    const bags = wordBags(texts, vocabulary);
    const bagsT = tf.tensor2d(bags.data, [bags.rows, bags.cols]);
    const optimizer = tf.train.adam(o.learningRate);
    const rng = mulberry32(fitOptions.seed);
    const bind = (training: Record<string, unknown>) => {
      this.serving = new Text2TracksServing({
        itemIds: domain.items.ids,
        encoderId: domain.queryEncoderId,
        ids,
        weights: trainer.weights(scale),
        beam: o.beam,
        training,
        ...(textCounts !== undefined ? { counts: textCounts, smoothing } : {}),
      });
      this.domain = domain;
    };
    const hasVal = domain.val.some((q) => q.relevant.length > 0 && q.text.trim() !== "");
    const select = hasVal ? () => meanNdcgAt10(this, domain.val, domain) : undefined;
    const batchesOf = (pairs: EpochPairs) => {
      const order = shuffleInPlace(rng, Int32Array.from({ length: pairs.left.length }, (_, i) => i));
      const count = Math.ceil(order.length / o.batchSize);
      const batches = Array.from({ length: count }, (_, b) => {
        const idx = order.subarray(b * o.batchSize, (b + 1) * o.batchSize);
        const left = Int32Array.from(idx, (i) => pairs.left[i]);
        const item = Int32Array.from(idx, (i) => pairs.item[i]);
        return { left, item, weight: Float32Array.from(idx, (_, j) => counts.get(left[j])!.get(item[j])!) };
      });
      return { count, batches };
    };
    try {
      // With the prior, the start is counting (weight 1): kept as a candidate, so the warm-up and training can
      // only improve on it as measured on the selection set.
      let counting: { val: number; weights: Float32Array[] } | undefined;
      if (prior !== undefined && select !== undefined && o.warmupEpochs > 0) {
        bind({});
        counting = { val: await select(), weights: trainer.snapshot() };
        fitOptions.log?.(`${this.name} counting (prior weight 1): selection ndcg@10 ${counting.val.toFixed(4)}`);
      }
      if (prior !== undefined && o.warmupEpochs > 0) {
        await warmUpPrior(trainer, o.warmupEpochs, () => batchesOf(samplePairs(queries, domain.positivesPerQuery, rng)), (batch, opt) => trainer.step(batch, requestsT, bagsT, opt, "prior"), this.name, fitOptions);
      }
      bind({});
      const result = await runEpochs<PairBatch>(
        {
          name: this.name,
          epochs: o.epochs,
          patience: o.patience,
          learningRate: o.learningRate,
          queries,
          positivesPerQuery: domain.positivesPerQuery,
          rng,
          batches: batchesOf,
          step: (batch) => trainer.step(batch, requestsT, bagsT, optimizer),
          afterEpoch: () => bind({}),
          select,
          selectStart: prior !== undefined,
          snapshot: () => trainer.snapshot(),
          restore: (w) => trainer.assign(w),
        },
        fitOptions,
      );
      // Without a warm-up the loop's epoch 0 is counting itself.
      const keepCounting = counting !== undefined ? result.bestVal !== undefined && counting.val >= result.bestVal : prior !== undefined && select !== undefined && result.bestEpoch === 0;
      if (keepCounting && counting !== undefined) trainer.assign(counting.weights);
      const report = fitReport(t0, keepCounting && counting !== undefined ? { ...result, bestVal: counting.val } : result);
      const notes = {
        ...report.notes,
        idSource: ids.source,
        idTokens: ids.tokens.length,
        meanIdLength: meanLength(ids),
        idSeconds: built.seconds,
        idCached: built.cached ? "yes" : "no",
        ...(prior !== undefined ? { priorWeights: Array.from(trainer.weights(scale).pw, (w) => w.toFixed(3)).join(" "), start: keepCounting ? "counting kept (best on selection)" : result.bestEpoch === 0 ? "warmed-up prior kept (best on selection)" : `trained from counting (epoch ${result.bestEpoch} best on selection)` } : {}),
      };
      bind({ ...notes, trainSeconds: report.trainSeconds });
      return { trainSeconds: report.trainSeconds, notes };
    } catch (err) {
      this.serving = undefined;
      throw err;
    } finally {
      optimizer.dispose();
      requestsT.dispose();
      bagsT.dispose();
      trainer.dispose();
    }
  }

  async rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    checkRankOptions(options, requests.length);
    const serving = this.requireFitted();
    if (requests.length === 0) return [];
    const x = await requestVectors(requests, this.domain!);
    // The decoder reads the vector and the words only: identical unrestricted requests (the same tag asked by many users) decode once.
    const memo = new Map<string, RankedList>();
    return requests.map((_, i) => {
      const v = row(x, i);
      const exclude = options.exclude?.[i];
      const key = exclude === undefined || exclude.size === 0 ? `${requests[i].text}\u0000${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")}` : undefined;
      const known = key !== undefined ? memo.get(key) : undefined;
      if (known !== undefined) return known;
      const r = serving.top(v, requests[i].text, { k: options.k, exclude });
      const list = { items: r.items, scores: r.scores };
      if (key !== undefined) memo.set(key, list);
      return list;
    });
  }

  /** Parts: the log-probability of each token of the item's identifier (they sum to its score). */
  async explain(request: RequestContext, item: number): Promise<ScoreComponents> {
    const serving = this.requireFitted();
    const x = await requestVectors([request], this.domain!);
    return { parts: serving.explain(serving.root(row(x, 0), request.text), item) };
  }

  /** The fitted model's serving form (the same object rank() decodes with). */
  toServing(): Text2TracksServing {
    return this.requireFitted();
  }

  async save(dir: string): Promise<void> {
    await this.requireFitted().save(dir);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const loaded = await Text2TracksServing.load(dir);
    const file = path.join(dir, "model.json");
    if (loaded.data.ids.scheme !== this.scheme) throw new DataError(`${file} holds a text2tracks-${loaded.data.ids.scheme} model, not ${this.name}`, { path: file, expected: this.name });
    const ids = loaded.data.itemIds;
    if (ids.length !== domain.items.ids.length || ids.some((id, i) => id !== domain.items.ids[i])) {
      throw new DataError(`${file} was saved for ${ids.length} items of another catalog, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    // The beam is a search setting, not a weight: this model's own applies (so a saved model can be searched wider).
    this.serving = loaded.data.beam === this.options.beam ? loaded : new Text2TracksServing({ ...loaded.data, beam: this.options.beam });
    this.domain = domain;
  }

  dispose(): void {
    this.serving = undefined;
  }

  private requireFitted(): Text2TracksServing {
    if (this.serving === undefined || this.domain === undefined) throw new ModelFitError(`${this.name} model used before fit() or load()`);
    return this.serving;
  }
}

/**
 * The words of the training requests, most frequent first (ties alphabetical), at most `max`.
 * @example requestVocabulary(["rock", "hard rock", "jazz"], 10) // ["rock", "hard", "jazz"]
 */
export function requestVocabulary(texts: readonly string[], max: number): string[] {
  const freq = new Map<string, number>();
  for (const t of texts) for (const w of new Set(words(t))) freq.set(w, (freq.get(w) ?? 0) + 1);
  return [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : a > b ? 1 : 0)).slice(0, max);
}

/** rows = texts, cols = vocabulary + 1 (the last, "no word", stays 0): 1/n on each of a text's n known words. */
function wordBags(texts: readonly string[], vocabulary: readonly string[]): Matrix {
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const out = matrix(texts.length, vocabulary.length + 1);
  texts.forEach((t, r) => {
    const known = requestWords(t, index);
    for (const i of known) out.data[r * out.cols + i] = 1 / known.length;
  });
  return out;
}

/**
 * The count prior's warm-up: `passes` passes over the pairs moving only the prior's per-position weights (the
 * decoder's logits are still 0), with their own Adam (1e-2), so the decoder then starts from the best-scaled counts.
 */
async function warmUpPrior(
  trainer: DecoderTrainer,
  passes: number,
  batches: () => { count: number; batches: Iterable<PairBatch> },
  step: (batch: PairBatch, optimizer: tf.Optimizer) => number,
  name: string,
  fit: FitOptions,
): Promise<void> {
  const optimizer = tf.train.adam(1e-2);
  try {
    for (let pass = 1; pass <= passes; pass++) {
      const { count, batches: list } = batches();
      let lossSum = 0;
      let steps = 0;
      for (const batch of list) {
        const loss = step(batch, optimizer);
        if (!Number.isFinite(loss)) throw new ModelFitError(`${name}: loss is ${loss} in the prior warm-up, step ${steps + 1}`);
        lossSum += loss;
        steps++;
        fit.onProgress?.(`${name} prior warm-up ${pass}/${passes} steps`, steps, count);
      }
      fit.log?.(`${name} prior warm-up ${pass}/${passes}: loss ${(lossSum / Math.max(steps, 1)).toFixed(4)}, weights ${Array.from(trainer.variables.pw.dataSync(), (w) => w.toFixed(3)).join(" ")}`);
    }
  } finally {
    optimizer.dispose();
  }
}

/**
 * @file The `feedback` benchmark (White-boxing's Table 6.4 with simulated listeners): for each request of 2+ content
 * words, strengthen its least-attended content word (one retraining) and, separately, weaken its most-attended one
 * (another), each from an empty adapter; count how often the word's attention moved in the asked direction, over
 * all words and among words that were not already extreme, with the retraining time and the request's NDCG@10 before
 * and after. Also the faithfulness check: how far the top item falls when the top-attended word is removed vs a
 * random other word.
 */
import path from "node:path";
import type { Config } from "../config.js";
import { ndcgAtK } from "../core/metrics.js";
import { mulberry32, shuffleInPlace } from "../core/random.js";
import type { Progress } from "../datasets/types.js";
import type { LabeledQuery } from "../domains/types.js";
import { InputError } from "../errors.js";
import type { RequestContext } from "../models/recommender.js";
import { trainAdapter, type AdapterOptions } from "../models/whitebox/adapter.js";
import { WhiteboxRecommender, type RequestAttention } from "../models/whitebox/index.js";
import { requestWords } from "../models/whitebox/tokens.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { getBenchmark } from "./benchmarks/index.js";
import { overlapOf } from "./benchmarks/identity.js";

/** Function words that never count as a request's content words (the rule "2+ content words" reads them out). */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  "a an and are as at be but by for from in into is it of on or so the to with without no not n s".split(" "),
);

/** The (strengthen, weaken) thresholds: a strengthened word counts below t_s, a weakened one above t_w. */
export const THRESHOLDS: readonly (readonly [number, number])[] = [[0.5, 0.5], [0.6, 0.4], [0.7, 0.3], [0.8, 0.2], [0.9, 0.1]];

/** Options of {@link runFeedbackBenchmark}. */
export interface FeedbackBenchmarkOptions {
  /** A query file of lfm2k-tagq (default: its val.jsonl). */
  readonly splitFile?: string;
  readonly features?: string;
  readonly seed: number;
  /** Requests sampled (seeded) from those with 2+ content words. [200] */
  readonly requests?: number;
  readonly encoder: TextEncoder;
  /** A saved whitebox model of this domain to use instead of fitting one. */
  readonly loadDir?: string;
  /** Where to save the fitted model (to reuse with `loadDir`). */
  readonly saveDir?: string;
  readonly adapter?: Partial<AdapterOptions>;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
}

/** The report, in the eval contract's shape. */
export interface FeedbackReport {
  readonly benchmark: "feedback";
  readonly split: string;
  readonly results: readonly {
    readonly model: "whitebox";
    readonly metrics: Readonly<Record<string, number>>;
    readonly by_threshold: Readonly<Record<string, { strengthen: number; weaken: number; strengthen_words: number; weaken_words: number }>>;
    readonly train_seconds: number;
    readonly queries: number;
  }[];
  readonly protocol: string;
}

/** The content words of a request as the encoder reads it (distinct, in order). */
export function contentWords(text: string, maxWords: number): string[] {
  return [...new Set(requestWords(text, maxWords).filter((w) => !FUNCTION_WORDS.has(w)))];
}

function weightOf(att: RequestAttention, word: string): number {
  return att.filter((a) => a.word === word).reduce((s, a) => s + a.weight, 0);
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** 1-based rank of `item` in a score row (ties counted against it). */
function rankOf(scores: Float32Array, item: number): number {
  const s = scores[item];
  let r = 1;
  for (let i = 0; i < scores.length; i++) if (scores[i] > s) r++;
  return r;
}

/**
 * Runs the benchmark on lfm2k-tagq (training on its train split, selecting on a set carved from train when the
 * evaluated file is the default selection set, as `eval` does).
 */
export async function runFeedbackBenchmark(config: Config, o: FeedbackBenchmarkOptions): Promise<FeedbackReport> {
  const log = o.log ?? (() => {});
  const spec = getBenchmark("lfm2k-tagq");
  const splitFile = path.resolve(o.splitFile ?? path.join(config.benchmarksDir, "lfm2k-tagq", "val.jsonl"));
  const split = await spec.readSplit(config, splitFile);
  const overlap = overlapOf(split.identities, await spec.selectionIdentities(config));
  const domain = await spec.buildDomain(config, { features: o.features ?? "own", encoder: o.encoder, seed: o.seed, progress: o.progress, selection: overlap.queries > 0 ? "carve" : "default", split });
  const model = new WhiteboxRecommender();
  let trainSeconds = 0;
  if (o.loadDir !== undefined) await model.load(o.loadDir, domain);
  else {
    const fit = await model.fit(domain, { seed: o.seed, log, ...(o.progress !== undefined ? { onProgress: o.progress } : {}) });
    trainSeconds = fit.trainSeconds;
    if (o.saveDir !== undefined) await model.save(o.saveDir);
  }
  try {
    const evalSet = split.bind(domain);
    const eligible = (evalSet.requests as readonly LabeledQuery[]).filter((q) => q.relevant.length > 0 && contentWords(q.text, model.maxWords).length >= 2);
    const wanted = o.requests ?? 200;
    if (eligible.length === 0) throw new InputError(`${splitFile}: no request has 2 or more content words`);
    const chosen = shuffleInPlace(mulberry32(o.seed), [...eligible]).slice(0, wanted);
    log(`feedback: ${chosen.length} of ${eligible.length} requests with 2+ content words (of ${evalSet.requests.length})`);
    const rng = mulberry32(o.seed + 1);
    const strengthen: { before: number; ok: boolean }[] = [];
    const weaken: { before: number; ok: boolean }[] = [];
    const seconds: number[] = [];
    const ndcgBefore: number[] = [];
    const ndcgAfter: number[] = [];
    const dropTop: number[] = [];
    const dropRandom: number[] = [];
    const ndcgOf = async (request: RequestContext, relevant: readonly number[]) => {
      const [ranked] = await model.rank([request], { k: 10 });
      return ndcgAtK(Array.from(ranked.items), new Set(relevant), 10);
    };
    for (let qi = 0; qi < chosen.length; qi++) {
      const q = chosen[qi];
      const request: RequestContext = { text: q.text };
      const [att] = await model.attend([request]);
      const content = contentWords(q.text, model.maxWords).sort((a, b) => weightOf(att, a) - weightOf(att, b) || (a < b ? -1 : 1));
      const before = await ndcgOf(request, q.relevant);
      for (const [kind, word] of [["strengthen", content[0]], ["weaken", content[content.length - 1]]] as const) {
        const r = await trainAdapter(model, { text: q.text, strengthen: kind === "strengthen" ? [word] : [], weaken: kind === "weaken" ? [word] : [] }, { ...o.adapter, seed: o.seed + qi });
        const b = weightOf(r.before, word);
        const a = weightOf(r.after, word);
        (kind === "strengthen" ? strengthen : weaken).push({ before: b, ok: kind === "strengthen" ? a > b : a < b });
        seconds.push(r.seconds);
        ndcgBefore.push(before);
        ndcgAfter.push(await ndcgOf({ text: q.text, adapter: { user: "eval", model: "whitebox", version: 1, arrays: r.arrays } }, q.relevant));
      }
      // Faithfulness: the full request's top item, and its rank once a word is removed.
      const words = requestWords(q.text, model.maxWords);
      const full = await model.score([request]);
      let top = 0;
      for (let i = 1; i < full.cols; i++) if (full.data[i] > full.data[top]) top = i;
      const topWord = att.reduce((best, w) => (w.weight > best.weight ? w : best)).word;
      const others = words.filter((w) => w !== topWord);
      const randomWord = others[Math.floor(rng() * others.length)];
      const dropped = (w: string) => words.filter((x, i) => !(x === w && i === words.indexOf(w))).join(" ");
      const s = await model.score([{ text: dropped(topWord) }, { text: dropped(randomWord) }]);
      dropTop.push(rankOf(s.data.subarray(0, s.cols), top) - 1);
      dropRandom.push(rankOf(s.data.subarray(s.cols, 2 * s.cols), top) - 1);
      o.progress?.("feedback requests", qi + 1, chosen.length);
    }
    const rate = (xs: { ok: boolean }[]) => (xs.length === 0 ? Number.NaN : xs.filter((x) => x.ok).length / xs.length);
    const byThreshold: Record<string, { strengthen: number; weaken: number; strengthen_words: number; weaken_words: number }> = {};
    for (const [ts, tw] of THRESHOLDS) {
      const s = strengthen.filter((x) => x.before < ts);
      const w = weaken.filter((x) => x.before > tw);
      byThreshold[`${ts},${tw}`] = { strengthen: rate(s), weaken: rate(w), strengthen_words: s.length, weaken_words: w.length };
    }
    return {
      benchmark: "feedback",
      split: splitFile,
      protocol:
        "lfm2k-tagq requests with 2+ content words (function words excluded), sampled with the seed; per request two retrainings from an empty adapter: strengthen the least-attended content word, weaken the most-attended; success = that word's attention moved in the asked direction; by_threshold t_s,t_w counts strengthened words whose attention was below t_s and weakened words above t_w before retraining; ndcg10 before/after: the request's NDCG@10 without / with the adapter (mean over both retrainings); faithfulness: rank positions the full request's top item falls when its top-attended word vs a random other word is removed",
      results: [
        {
          model: "whitebox",
          metrics: {
            requests: chosen.length,
            strengthen_success: rate(strengthen),
            weaken_success: rate(weaken),
            retrain_seconds_median: median(seconds),
            retrain_seconds_p90: quantile(seconds, 0.9),
            ndcg10_before: mean(ndcgBefore),
            ndcg10_after: mean(ndcgAfter),
            faithfulness_rank_drop_top_word: mean(dropTop),
            faithfulness_rank_drop_random_word: mean(dropRandom),
          },
          by_threshold: byThreshold,
          train_seconds: trainSeconds,
          queries: chosen.length,
        },
      ],
    };
  } finally {
    model.dispose();
  }
}

/** The report as Markdown (one table of metrics, one of thresholds). */
export function feedbackToMarkdown(r: FeedbackReport): string {
  const res = r.results[0];
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  const lines = [`feedback on ${r.split}`, "", "| metric | value |", "|---|---|", ...Object.entries(res.metrics).map(([k, v]) => `| ${k} | ${fmt(v)} |`), "", "| thresholds (strengthen, weaken) | strengthen | weaken | words (s / w) |", "|---|---|---|---|"];
  for (const [k, v] of Object.entries(res.by_threshold)) lines.push(`| ${k} | ${fmt(v.strengthen)} | ${fmt(v.weaken)} | ${v.strengthen_words} / ${v.weaken_words} |`);
  return lines.join("\n");
}

/**
 * @file `askmusic eval` as a library call: check that every model can rank the benchmark's requests, read the split,
 * decide where models select (never on anything overlapping the split), build the domain, then fit, rank and score
 * each model by the benchmark's own protocol.
 */
import os from "node:os";
import path from "node:path";
import type { Config } from "../config.js";
import type { Progress } from "../datasets/types.js";
import { InputError } from "../errors.js";
import { checkCanRank } from "../models/rank.js";
import type { Recommender } from "../models/recommender.js";
import { RankFusionRecommender } from "../models/convretrieval/fusion.js";
import { createRecommender } from "../models/registry.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { checkFeatures, getBenchmark, type BenchmarkSpec, type EvalSet } from "./benchmarks/index.js";
import { HALVES, halfOf, type Half } from "./benchmarks/halves.js";
import { overlapOf } from "./benchmarks/identity.js";
import { catalogGroups } from "../ranking/albums.js";
import { modelDir, trainedModels } from "../ranking/catalog-models.js";
import { DEFAULT_TRAINED_MODEL, SERVING_FORMS } from "../ranking/serving-forms.js";
import { SERVED_BENCHMARKS, ServedRecommender } from "./served.js";
import { STATE_MODEL, stateRecommender } from "./state.js";
import { encodeQueryVectors, evaluateModel, type ModelResult } from "./runner.js";
import type { EvalReport } from "./report.js";

/** What to run. */
export interface RunBenchmarkOptions {
  readonly benchmark: string;
  /** The split file to evaluate (a held-out file of the same form works unchanged). */
  readonly splitFile: string;
  readonly models: readonly string[];
  /** Feature set; default: the benchmark's first. */
  readonly features?: string;
  /** [seed=42] */
  readonly seed?: number;
  readonly encoder: TextEncoder;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
  /** Evaluate one hash half of the split only (see benchmarks/halves.ts); absent: all of it. */
  readonly half?: Half;
  /** Also report each model on each hash half (rows "model [dev]", "model [holdout]") from the same rankings. */
  readonly bothHalves?: boolean;
  /** Options per model name (e.g. `{ convretrieval: { trainDialogs: "d.jsonl" } }`), passed to its factory. */
  readonly modelOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Overrides model construction (tests). */
  readonly createModel?: (name: string) => Recommender;
  /** Overrides the benchmark looked up by `benchmark` (tests). */
  readonly spec?: BenchmarkSpec;
  /**
   * Receives each model's official prediction lines, for benchmarks that have a prediction format (cpcd); asking
   * for them on another benchmark is an InputError before anything runs.
   */
  readonly onPredictions?: (model: string, lines: readonly string[]) => Promise<void>;
}

/** A one-line description of this machine, recorded with every report. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** Runs every model and returns the report (models are validated before any expensive work starts). */
export async function runBenchmark(config: Config, options: RunBenchmarkOptions): Promise<EvalReport> {
  const spec = options.spec ?? getBenchmark(options.benchmark);
  const features = checkFeatures(spec, options.features);
  const seed = options.seed ?? 42;
  const single = (name: string): Recommender =>
    name === "served" || name === "served-diverse"
      ? servedFor(config, spec.name, name === "served-diverse")
      : name === STATE_MODEL
        ? stateRecommender(config, options.encoder, options.log)
        : createRecommender(name, options.modelOptions?.[name]);
  // "a+b" fuses the rankings of a and b (reciprocal-rank fusion, nothing tuned), e.g. state+convretrieval.
  const create = options.createModel ?? ((name: string) => (name.includes("+") ? new RankFusionRecommender(name.split("+").map(single)) : single(name)));
  if (options.models.some((m) => m === "served" || m === "served-diverse") && !SERVED_BENCHMARKS.includes(spec.name)) {
    throw new InputError(`served and served-diverse rank the way ask does over a catalog's tagged items: they are measured on ${SERVED_BENCHMARKS.join(" and ")}, not ${spec.name}`, { field: "models" });
  }
  if (options.models.length === 0) throw new InputError("no models to evaluate: pass --models a,b,...", { field: "models" });
  // Fail fast on an unknown model or one that cannot rank this benchmark's requests, before minutes of features.
  for (const name of options.models) {
    const model = create(name);
    try {
      checkCanRank(name, model.context, spec.carries, spec.name);
    } finally {
      model.dispose();
    }
  }

  const log = options.log ?? (() => {});
  const split = await spec.readSplit(config, options.splitFile);
  const overlap = overlapOf(split.identities, await spec.selectionIdentities(config));
  const selectionMode = overlap.queries > 0 ? "carve" : "default";
  if (overlap.queries > 0) {
    log(`${spec.name}: ${overlap.queries} of ${split.identities.length} evaluated queries are in the default selection set (${overlap.byQid} by qid, ${overlap.byContent} by content): selecting on a set carved from train instead`);
  }
  const domain = await spec.buildDomain(config, { features, encoder: options.encoder, seed, progress: options.progress, selection: selectionMode, split });
  const evalSet = withHalf(split.bind(domain), options.half, spec.name);
  if (options.bothHalves === true && (options.half !== undefined || evalSet.subset === undefined)) {
    throw new InputError(options.half !== undefined ? "--half both and one half at once: choose one" : `${spec.name} scores requests together (dialogues): --half is not available for it`, { field: "half" });
  }
  if (options.onPredictions !== undefined && evalSet.predictions === undefined) {
    throw new InputError(`${spec.name} has no official prediction format: --predictions-out is for cpcd`, { field: "predictions-out" });
  }
  const selection = domain.selectionNote ?? `${domain.name} val (${domain.val.length} queries)`;
  log(`${spec.name}: ${evalSet.requests.length} requests, ${domain.items.ids.length} items, ${domain.train.length} train; selection on ${selection}`);
  const vectors = await encodeQueryVectors(domain, evalSet.requests);

  const results: ModelResult[] = [];
  for (const name of options.models) {
    const model = create(name);
    try {
      log(`fitting ${name}`);
      const fit = await model.fit(domain, { seed, onProgress: options.progress, log });
      const { summary, rankings, seconds } = await evaluateModel(model, evalSet, vectors, { progress: options.progress });
      if (options.onPredictions !== undefined) await options.onPredictions(name, evalSet.predictions!(rankings));
      const measured = evalSet.measure !== undefined ? await evalSet.measure(model) : undefined;
      const notes = { ...(fit.notes ?? {}), ...(measured?.notes ?? {}) };
      results.push({
        model: name,
        metrics: { ...summary.metrics, ...(measured?.metrics ?? {}) },
        stderr: { ...summary.stderr, ...(measured?.stderr ?? {}) },
        train_seconds: fit.trainSeconds,
        rank_seconds: seconds,
        queries: summary.queries,
        skipped_empty: summary.skippedEmpty,
        ...(Object.keys(notes).length > 0 ? { notes } : {}),
      });
      if (options.bothHalves === true) {
        // The same rankings, summarized over each hash half: one fit, three rows.
        for (const half of HALVES) {
          const keep = evalSet.requests.map((q) => halfOf(q.qid) === half);
          const part = evalSet.subset!((qid) => halfOf(qid) === half).summarize(rankings.filter((_, i) => keep[i]));
          results.push({ model: `${name} [${half}]`, metrics: part.metrics, stderr: part.stderr, train_seconds: fit.trainSeconds, rank_seconds: seconds, queries: part.queries, skipped_empty: part.skippedEmpty });
        }
      }
      const first = spec.columns[0];
      log(`${name}: ${first} ${summary.metrics[first]?.toFixed(4)} (${fit.trainSeconds.toFixed(1)} s to train)`);
    } finally {
      model.dispose();
    }
  }
  return {
    benchmark: spec.name,
    split: path.basename(options.splitFile) + (options.half !== undefined ? ` (${options.half} half)` : ""),
    features,
    seed,
    selection,
    columns: [...spec.columns],
    machine: machineDescription(),
    results,
  };
}

/** The evaluated requests: all of them, or one hash half (an InputError where the protocol cannot be split). */
function withHalf(set: EvalSet, half: Half | undefined, benchmark: string): EvalSet {
  if (half === undefined) return set;
  if (set.subset === undefined) throw new InputError(`${benchmark} scores requests together (dialogues): --half is not available for it`, { field: "half" });
  return set.subset((qid) => halfOf(qid) === half);
}

/**
 * `served` for a benchmark: on jamendo-captions the Jamendo catalog's trained default model is reused when it exists
 * (its training domain is this benchmark's domain); on lfm2k-tagq never (the lastfm-2k catalog's model is trained on
 * every tag assignment, the benchmark's answers included), so it is trained on the benchmark's train split.
 */
function servedFor(config: Config, benchmark: string, diverse: boolean): ServedRecommender {
  const diversity = diverse ? { diverse: { groups: () => catalogGroups(config, benchmark === "jamendo-captions" ? "jamendo" : benchmark) } } : {};
  if (benchmark !== "jamendo-captions") return new ServedRecommender(diversity);
  return new ServedRecommender({
    ...diversity,
    trained: async () => {
      const dir = modelDir(config, "jamendo", DEFAULT_TRAINED_MODEL);
      if (!(await trainedModels(config, "jamendo")).includes(DEFAULT_TRAINED_MODEL)) return undefined;
      return { model: await SERVING_FORMS[DEFAULT_TRAINED_MODEL].load(dir), dir };
    },
  });
}

/**
 * @file `askmusic eval` as a library call: build the benchmark's domain, read the split, fit and evaluate each model.
 */
import os from "node:os";
import path from "node:path";
import type { Config } from "../config.js";
import type { Progress } from "../datasets/types.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { Recommender } from "../models/recommender.js";
import { createRecommender } from "../models/registry.js";
import { checkFeatures, getBenchmark } from "./benchmarks.js";
import { encodeQueryVectors, evaluateModel, sameFile, type ModelResult } from "./runner.js";
import { withCarvedSelection } from "./selection.js";
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
  /** Overrides model construction (tests). */
  readonly createModel?: (name: string) => Recommender;
}

/** A one-line description of this machine, recorded with every report. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** Runs every model and returns the report (models are validated before any expensive work starts). */
export async function runBenchmark(config: Config, options: RunBenchmarkOptions): Promise<EvalReport> {
  const spec = getBenchmark(options.benchmark);
  const features = checkFeatures(spec, options.features);
  const seed = options.seed ?? 42;
  const create = options.createModel ?? ((name: string) => createRecommender(name));
  // Fail fast on an unknown model name, before building features for minutes.
  options.models.forEach((name) => create(name).dispose());

  const log = options.log ?? (() => {});
  const toLabeled = await spec.readSplit(options.splitFile);
  const built = await spec.buildDomain(config, { features, encoder: options.encoder, seed, progress: options.progress });
  const queries = toLabeled(built);
  const evaluatingSelectionSplit = sameFile(options.splitFile, spec.selectionFile(config));
  const domain = evaluatingSelectionSplit ? withCarvedSelection(built) : built;
  const selection = evaluatingSelectionSplit
    ? `latest 10% of each user's train queries (${domain.val.length}); the evaluated split is never used for selection`
    : `${domain.name} val (${domain.val.length} queries)`;
  log(`${spec.name}: ${queries.length} queries, ${domain.items.ids.length} items, ${domain.train.length} train; selection on ${selection}`);
  const vectors = await encodeQueryVectors(domain, queries);

  const results: ModelResult[] = [];
  for (const name of options.models) {
    const model = create(name);
    try {
      log(`fitting ${name}`);
      const fit = await model.fit(domain, { seed, onProgress: options.progress, log });
      const summary = await evaluateModel(model, queries, vectors, { progress: options.progress });
      results.push({
        model: name,
        metrics: summary.metrics,
        stderr: summary.stderr,
        train_seconds: fit.trainSeconds,
        queries: summary.queries,
        skipped_empty: summary.skippedEmpty,
        ...(fit.notes ? { notes: fit.notes } : {}),
      });
      log(`${name}: ndcg@10 ${summary.metrics["ndcg@10"].toFixed(4)} (${fit.trainSeconds.toFixed(1)} s to train)`);
    } finally {
      model.dispose();
    }
  }
  return {
    benchmark: spec.name,
    split: path.basename(options.splitFile),
    features,
    seed,
    selection,
    machine: machineDescription(),
    results,
  };
}

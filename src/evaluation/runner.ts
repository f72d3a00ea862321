/**
 * @file Runs models on a benchmark split: fit on the domain (train + selection set), rank every candidate for each
 * query of the split, and average the metrics. Writes nothing; the CLI owns files.
 */
import { realpathSync } from "node:fs";
import type { Domain, LabeledQuery } from "../domains/types.js";
import type { Progress } from "../datasets/types.js";
import type { Recommender, RequestContext } from "../models/recommender.js";
import { MetricAccumulator, type MetricSummary } from "./aggregate.js";

/** One model's row of the report (the JSON contract of DESIGN.md, plus stderr and notes). */
export interface ModelResult {
  readonly model: string;
  readonly metrics: Record<string, number>;
  readonly stderr: Record<string, number>;
  readonly train_seconds: number;
  readonly queries: number;
  readonly skipped_empty: number;
  readonly notes?: Readonly<Record<string, number | string>>;
}

/** Scores queries in batches and feeds each ranking into the accumulator. */
export async function evaluateModel(
  model: Recommender,
  queries: readonly LabeledQuery[],
  vectors: Float32Array[] | undefined,
  options: { cutoff?: number; batchSize?: number; progress?: Progress } = {},
): Promise<MetricSummary> {
  const cutoff = options.cutoff ?? 100;
  const batchSize = options.batchSize ?? 128;
  const acc = new MetricAccumulator();
  for (let start = 0; start < queries.length; start += batchSize) {
    const batch = queries.slice(start, start + batchSize);
    const requests: RequestContext[] = batch.map((q, j) => ({ ...q, vector: vectors?.[start + j] }));
    const lists = await model.rank(requests, { k: cutoff, exclude: batch.map((q) => (q.exclude ? new Set(q.exclude) : undefined)) });
    batch.forEach((q, j) => acc.add(Array.from(lists[j].items), new Set(q.relevant)));
    options.progress?.(`evaluate ${model.name}`, Math.min(start + batchSize, queries.length), queries.length);
  }
  return acc.summary();
}

/** True when two paths name the same file (after resolving links). */
export function sameFile(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Encodes the query texts once, shared by every model of a run. */
export async function encodeQueryVectors(domain: Domain, queries: readonly LabeledQuery[]): Promise<Float32Array[]> {
  const m = await domain.encodeQueries(queries.map((q) => q.text));
  return Array.from({ length: m.rows }, (_, i) => m.data.slice(i * m.cols, (i + 1) * m.cols));
}

/**
 * @file Runs one fitted model over a benchmark's bound split: rank every request to the protocol's depth (masking
 * what the protocol masks), then let the benchmark turn the rankings into its metrics. Writes nothing.
 */
import type { Progress } from "../datasets/types.js";
import { requestOnly } from "../domains/requests.js";
import type { Domain, LabeledQuery } from "../domains/types.js";
import type { RankedList, Recommender, RequestContext } from "../models/recommender.js";
import type { MetricSummary } from "./aggregate.js";
import type { EvalSet } from "./benchmarks/spec.js";

/** One model's row of the report (the JSON contract of DESIGN.md, plus stderr and notes). */
export interface ModelResult {
  readonly model: string;
  readonly metrics: Record<string, number>;
  readonly stderr: Record<string, number>;
  readonly train_seconds: number;
  /** Wall time of ranking every request of the split. */
  readonly rank_seconds: number;
  readonly queries: number;
  readonly skipped_empty: number;
  readonly notes?: Readonly<Record<string, number | string>>;
}

/**
 * Ranks `requests` to `depth` in batches, each request with its own mask (`exclude`) and, where given, its
 * precomputed request vector.
 */
export async function rankRequests(
  model: Recommender,
  requests: readonly LabeledQuery[],
  vectors: readonly (Float32Array | undefined)[] | undefined,
  depth: number,
  options: { batchSize?: number; progress?: Progress } = {},
): Promise<RankedList[]> {
  const batchSize = options.batchSize ?? 128;
  const out: RankedList[] = [];
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    // Models see the request only: never a query's relevant items, its mask list or its qid.
    const contexts: RequestContext[] = batch.map((q, j) => requestOnly(q, vectors?.[start + j]));
    const exclude = batch.map((q) => (q.exclude !== undefined && q.exclude.length > 0 ? new Set(q.exclude) : undefined));
    out.push(...(await model.rank(contexts, { k: depth, exclude })));
    options.progress?.(`evaluate ${model.name}`, Math.min(start + batchSize, requests.length), requests.length);
  }
  return out;
}

/** Ranks the split's requests with a fitted model and summarizes them by the benchmark's protocol. */
export async function evaluateModel(
  model: Recommender,
  evalSet: EvalSet,
  vectors: readonly (Float32Array | undefined)[] | undefined,
  options: { batchSize?: number; progress?: Progress } = {},
): Promise<{ summary: MetricSummary; rankings: RankedList[]; seconds: number }> {
  const t0 = performance.now();
  const rankings = await rankRequests(model, evalSet.requests, vectors, evalSet.depth, options);
  const seconds = (performance.now() - t0) / 1000;
  return { summary: evalSet.summarize(rankings), rankings, seconds };
}

/** Encodes the requests' texts once, shared by every model of a run (undefined for requests without words). */
export async function encodeQueryVectors(domain: Domain, queries: readonly RequestContext[]): Promise<(Float32Array | undefined)[]> {
  const withText = queries.flatMap((q, i) => (q.text.trim() !== "" ? [i] : []));
  const out: (Float32Array | undefined)[] = new Array(queries.length).fill(undefined);
  if (withText.length === 0) return out;
  const m = await domain.encodeQueries(withText.map((i) => queries[i].text));
  withText.forEach((qi, r) => (out[qi] = m.data.slice(r * m.cols, (r + 1) * m.cols)));
  return out;
}

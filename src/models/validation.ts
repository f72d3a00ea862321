/**
 * @file Model selection shared by every learned model: mean NDCG@10 over labeled queries, scored in batches.
 */
import { row } from "../core/matrix.js";
import { ndcgAtK } from "../core/metrics.js";
import { requestOnly } from "../domains/requests.js";
import type { Domain, LabeledQuery } from "../domains/types.js";
import type { Recommender, RequestContext } from "./recommender.js";
import { requestVectors } from "./request-vectors.js";

/** Options of {@link meanNdcgAt10}. */
export interface ValidationOptions {
  /** [batchSize=256] Requests ranked per `model.rank` call (memory: batchSize x items floats for scoring models). */
  readonly batchSize?: number;
}

/**
 * Mean NDCG@10 (binary, IDCG over min(10, |R|); see src/core/metrics.ts) of `model` over `queries`, ranking all
 * items but each query's `exclude`, as the benchmarks do. Request vectors are encoded once per domain and text (cached),
 * so calling this every epoch costs only scoring. Queries without relevant items are skipped; with none left,
 * returns NaN (callers then skip model selection).
 * @example await meanNdcgAt10(model, domain.val, domain) // 0.41
 */
export async function meanNdcgAt10(
  model: Recommender,
  queries: readonly LabeledQuery[],
  domain: Domain,
  options: ValidationOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 256;
  const usable = queries.filter((q) => q.relevant.length > 0);
  if (usable.length === 0) return Number.NaN;
  const vectors = await requestVectors(usable, domain);
  let sum = 0;
  for (let start = 0; start < usable.length; start += batchSize) {
    const batch = usable.slice(start, start + batchSize);
    // The model sees the request only, never the query's relevant items or qid.
    const requests: RequestContext[] = batch.map((q, j) => requestOnly(q, row(vectors, start + j)));
    const ranked = await model.rank(requests, { k: 10, exclude: batch.map((q) => (q.exclude !== undefined ? new Set(q.exclude) : undefined)) });
    batch.forEach((q, j) => {
      sum += ndcgAtK(Array.from(ranked[j].items), new Set(q.relevant), 10);
    });
  }
  return sum / usable.length;
}

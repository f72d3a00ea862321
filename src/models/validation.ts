/**
 * @file Model selection shared by every learned model: mean NDCG@k over labeled queries, ranked in batches.
 */
import { row } from "../core/matrix.js";
import { ndcgAtK } from "../core/metrics.js";
import { requestOnly } from "../domains/requests.js";
import type { Domain, LabeledQuery } from "../domains/types.js";
import type { Recommender, RequestContext } from "./recommender.js";
import { requestVectors } from "./request-vectors.js";

/** Options of {@link meanNdcgAtK}. */
export interface ValidationOptions {
  /** [batchSize=256] Requests ranked per `model.rank` call (memory: batchSize x items floats for scoring models). */
  readonly batchSize?: number;
}

/**
 * Mean NDCG@k (binary, IDCG over min(k, |R|); see src/core/metrics.ts) of `model` over `queries`, ranking all items
 * but each query's `exclude`, as the benchmarks do. For models that read the words, request vectors are encoded once
 * per domain and text (cached), so calling this every epoch costs only scoring; requests without words get none.
 * Queries without relevant items are skipped; with none left, returns NaN (callers then skip model selection).
 * @example await meanNdcgAtK(ease, domain.val, domain, 100) // 0.39 (EASE's λ selection on lfm2k-cf)
 */
export async function meanNdcgAtK(
  model: Recommender,
  queries: readonly LabeledQuery[],
  domain: Domain,
  k: number,
  options: ValidationOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 256;
  const usable = queries.filter((q) => q.relevant.length > 0);
  if (usable.length === 0) return Number.NaN;
  const worded = model.context.uses.includes("text") ? usable.flatMap((q, i) => (q.text.trim() !== "" ? [i] : [])) : [];
  const encoded = worded.length > 0 ? await requestVectors(worded.map((i) => usable[i]), domain) : undefined;
  const vectorOf = new Map(worded.map((qi, r) => [qi, row(encoded!, r)]));
  let sum = 0;
  for (let start = 0; start < usable.length; start += batchSize) {
    const batch = usable.slice(start, start + batchSize);
    // The model sees the request only, never the query's relevant items or qid.
    const requests: RequestContext[] = batch.map((q, j) => requestOnly(q, vectorOf.get(start + j)));
    const ranked = await model.rank(requests, { k, exclude: batch.map((q) => (q.exclude !== undefined ? new Set(q.exclude) : undefined)) });
    batch.forEach((q, j) => {
      sum += ndcgAtK(Array.from(ranked[j].items), new Set(q.relevant), k);
    });
  }
  return sum / usable.length;
}

/**
 * {@link meanNdcgAtK} at k = 10: the selection metric of the text -> items models.
 * @example await meanNdcgAt10(model, domain.val, domain) // 0.41
 */
export function meanNdcgAt10(model: Recommender, queries: readonly LabeledQuery[], domain: Domain, options: ValidationOptions = {}): Promise<number> {
  return meanNdcgAtK(model, queries, domain, 10, options);
}

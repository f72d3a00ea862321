/**
 * @file The protocol most benchmarks share: each request has a set of relevant items; its ranking (minus its mask)
 * is scored by per-request metrics averaged over requests with at least one relevant item.
 */
import type { LabeledQuery } from "../../domains/types.js";
import type { RankedList } from "../../models/recommender.js";
import { MetricAccumulator, RETRIEVAL_METRICS, type MetricDefinitions } from "../aggregate.js";
import type { EvalSet } from "./spec.js";

/** The columns of the text -> items benchmarks (lfm2k-tagq, jamendo-captions), in report order. */
export const RETRIEVAL_COLUMNS = ["ndcg@10", "ndcg@100", "recall@10", "recall@100", "hit@10", "mrr@10"] as const;

/**
 * An EvalSet that scores each ranking against its request's relevant set with `metrics` (default: the retrieval
 * metrics). `depth` is how many items each request is ranked to (the deepest cutoff).
 * @example retrievalEvalSet(requests).summarize(rankings).metrics["ndcg@10"]
 */
export function retrievalEvalSet(requests: readonly LabeledQuery[], metrics: MetricDefinitions = RETRIEVAL_METRICS, depth = 100): EvalSet {
  return {
    requests,
    depth,
    subset: (keep) => retrievalEvalSet(requests.filter((q) => keep(q.qid)), metrics, depth),
    summarize(rankings: readonly RankedList[]) {
      if (rankings.length !== requests.length) throw new RangeError(`${rankings.length} rankings for ${requests.length} requests`);
      const acc = new MetricAccumulator(metrics);
      rankings.forEach((r, i) => acc.add(Array.from(r.items), new Set(requests[i].relevant)));
      return acc.summary();
    },
  };
}

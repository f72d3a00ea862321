/**
 * @file Ranking metrics with exact, written-down definitions. Pure functions of one ranked list and one relevant
 * set; aggregation over queries lives in src/evaluation. Kept in core because model selection inside `fit`
 * (which may not import the evaluation layer) needs the same definitions.
 *
 * Conventions (binary relevance, ranks are 1-based):
 * - DCG@k  = Σ_{r ≤ k, item_r ∈ R} 1 / log2(r + 1)
 * - IDCG@k = Σ_{r ≤ min(k, |R|)} 1 / log2(r + 1)
 * - NDCG@k = DCG@k / IDCG@k
 * - Recall@k (JAM)    = hits@k / |R|
 * - Recall@k (VAE-CF) = hits@k / min(k, |R|)
 * - HitRate@k = 1 if hits@k > 0 else 0
 * - MRR@k = 1 / rank of the first hit if that rank ≤ k, else 0
 * - Precision@k = hits@k / k
 * A ranked list shorter than k counts missing positions as misses. Duplicate ids in a ranked list count once
 * (at their first position). Every metric is undefined for an empty R: callers must skip and count such queries.
 */

/** Thrown when a metric is asked about a query with no relevant items (the caller should skip and count it). */
export class EmptyRelevanceError extends RangeError {
  constructor() {
    super("metric undefined: the query has no relevant items (skip and count it instead of averaging it in)");
    this.name = "EmptyRelevanceError";
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`The cutoff k must be an integer >= 1, got ${k}`);
}

/**
 * 1-based ranks (ascending) within the top k at which relevant items appear; duplicates count once.
 * @example hitRanks([5, 3, 9], new Set([3, 9]), 10) // [2, 3]
 */
export function hitRanks<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number[] {
  checkK(k);
  const seen = new Set<T>();
  const ranks: number[] = [];
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    const id = ranked[i];
    if (seen.has(id)) continue;
    seen.add(id);
    if (relevant.has(id)) ranks.push(i + 1);
  }
  return ranks;
}

function requireRelevant(relevant: ReadonlySet<unknown>): void {
  if (relevant.size === 0) throw new EmptyRelevanceError();
}

/** Ideal DCG over min(k, n) hits. */
export function idcg(k: number, n: number): number {
  let s = 0;
  for (let r = 1; r <= Math.min(k, n); r++) s += 1 / Math.log2(r + 1);
  return s;
}

/** NDCG@k, binary relevance, IDCG over min(k, |R|) ideal hits. */
export function ndcgAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  const dcg = hitRanks(ranked, relevant, k).reduce((s, r) => s + 1 / Math.log2(r + 1), 0);
  return dcg / idcg(k, relevant.size);
}

/** Recall@k in the JAM form: hits@k / |R|. */
export function recallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  return hitRanks(ranked, relevant, k).length / relevant.size;
}

/** Recall@k in the VAE-CF form: hits@k / min(k, |R|) (reaches 1 when the top k is all relevant). */
export function cappedRecallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  return hitRanks(ranked, relevant, k).length / Math.min(k, relevant.size);
}

/** HitRate@k: 1 if any relevant item is in the top k. */
export function hitRateAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  return hitRanks(ranked, relevant, k).length > 0 ? 1 : 0;
}

/** MRR@k: 1 / rank of the first relevant item within the top k, else 0. */
export function mrrAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  const ranks = hitRanks(ranked, relevant, k);
  return ranks.length > 0 ? 1 / ranks[0] : 0;
}

/** Precision@k: hits@k / k (positions past the end of a short list are misses). */
export function precisionAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  requireRelevant(relevant);
  return hitRanks(ranked, relevant, k).length / k;
}

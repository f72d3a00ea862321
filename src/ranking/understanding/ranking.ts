/**
 * @file How what was understood enters a ranking, written once for `ask`/`serve` (the catalog ranker) and for
 * `eval --models served`: the candidates are the model's best rows plus the rows carrying the most wanted tags, and
 * each gets an `understood` component = weight x spread of the model's scores over the candidates x tag score.
 */
import type { PreparedRequest } from "../serving-model.js";
import type { TagScorer } from "./tag-scores.js";
import type { Understood } from "./understand.js";

/**
 * [UNDERSTOOD_WEIGHT=3] Standard deviations of the model's scores that one wanted tag (weight 1) is worth: a track
 * carrying one more tag the request names outranks one the model prefers by up to three spreads. Literal tag
 * matching alone reaches NDCG@10 0.37 on jamendo-captions val where the trained rankers reach 0.09, so the words
 * lead and the model orders tracks that match them equally.
 */
export const UNDERSTOOD_WEIGHT = 3;

/** Candidates a ranker needs for `k` results when something besides the model reorders them. */
export function candidatePool(k: number): number {
  return Math.max(100, 5 * k);
}

/**
 * The candidate rows of one request: the model's best `pool` accepted rows (its exact scores), then the accepted rows
 * with the highest tag scores not already among them.
 */
export function understoodCandidates(
  prepared: PreparedRequest,
  tags: Pick<TagScorer, "top">,
  understood: Understood,
  pool: number,
  accept?: (row: number) => boolean,
): number[] {
  const rows = new Set(prepared.candidates({ k: pool, use: "reranked", ...(accept ? { accept } : {}) }).rows);
  for (const r of tags.top(understood, pool, accept)) rows.add(r);
  return [...rows];
}

/**
 * The `understood` component of each candidate: weight x spread x tag score, where spread is the population standard
 * deviation of `modelScores` (the candidates' scores before this component; at least 1e-6).
 * @example understoodComponents([2, 0], [1, 3], 3) // [3 * 1 * 2, 0]
 */
export function understoodComponents(tagScores: readonly number[], modelScores: readonly number[], weight = UNDERSTOOD_WEIGHT, spread = stdev(modelScores)): number[] {
  const s = Math.max(spread, 1e-6);
  return tagScores.map((t) => weight * s * t);
}

/** Population standard deviation (0 for fewer than two values). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return Math.sqrt(v / xs.length);
}

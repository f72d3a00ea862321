/**
 * @file The pair prior's side of training, shared by JAM and the towers: leave-one-out feature rows of (training
 * request, item) pairs, and informative negatives from each request's support.
 */
import { featureColumns } from "./pair-prior.js";
import { pairFeatureRows, pairSupport, PAIR_FEATURES, type PairFeature, type PairTables } from "./pair-features.js";
import type { RequestContext } from "./recommender.js";

/** A training request as the prior sees it: its context and the positives training pairs it with. */
export type PriorTrainingRequest = RequestContext & { readonly relevant: readonly number[] };

/** Feature rows and negatives for training batches; built once per fit by {@link pairTraining}. */
export interface PairTraining {
  /** Features per pair: the prior's columns. */
  readonly width: number;
  /**
   * rows = pairs x width: the features of (request `requestOf[p]`, item `itemOf[p]`), leave-one-out: a request's own
   * positives never count themselves (see pairFeatureRows), as no evaluated request's do.
   */
  features(requestOf: ArrayLike<number>, itemOf: ArrayLike<number>): Float32Array;
  /** Items of the request's support that are not its positives (ascending; empty when it has none). */
  support(request: number): Int32Array;
  /**
   * How many of a positive's K negatives come from its support: `share` x K, stochastically rounded so the
   * expected share is exact for any K; 0 when the support is empty.
   */
  informativeCount(request: number, K: number, rng: () => number): number;
}

/**
 * Uniform negatives almost never carry a count, so without negatives from the support a prior's weights only learn
 * "counted beats uncounted", never how counts trade off against each other and against the embeddings.
 * @example const t = pairTraining(tables, ["history"], requests, 0.5); t.features([0], [17]) // Float32Array [log(1 + plays)]
 */
export function pairTraining(tables: PairTables, features: readonly PairFeature[], requests: readonly PriorTrainingRequest[], share: number): PairTraining {
  const cols = featureColumns(features);
  const F = PAIR_FEATURES.length;
  const cache = new Map<number, Int32Array>();
  const support = (r: number) => {
    let s = cache.get(r);
    if (s === undefined) {
      const own = new Set(requests[r].relevant);
      cache.set(r, (s = pairSupport(tables, requests[r]).filter((it) => !own.has(it))));
    }
    return s;
  };
  return {
    width: cols.length,
    features(requestOf, itemOf) {
      const all = pairFeatureRows(tables, requests, requestOf, itemOf, { countsThemselves: true });
      const out = new Float32Array(requestOf.length * cols.length);
      for (let p = 0; p < requestOf.length; p++) for (let c = 0; c < cols.length; c++) out[p * cols.length + c] = all[p * F + cols[c]];
      return out;
    },
    support,
    informativeCount(r, K, rng) {
      if (share <= 0 || support(r).length === 0) return 0;
      return Math.min(K, Math.floor(share * K + rng()));
    },
  };
}

/**
 * @file The pair prior's side of training, shared by JAM and the towers: leave-one-out feature rows of (training
 * request, item) pairs, and informative negatives from each request's support.
 */
import { featureColumns } from "./pair-prior.js";
import { pairFeatureRows, pairSupport, PAIR_FEATURES, type PairFeature, type PairTables } from "./pair-features.js";
import type { RequestContext } from "./recommender.js";
import type { BprBatch } from "./tf/bpr.js";

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

/** A BPR batch with the pair prior's part: feature rows of the positives [B x F] and of every (positive, pool entry) [B*P x F]. */
export interface PriorBatch {
  readonly left: Int32Array;
  readonly pos: Int32Array;
  readonly pool: Int32Array;
  readonly negWeights: Float32Array;
  readonly posF: Float32Array;
  readonly poolF: Float32Array;
}

/**
 * Adds the prior's part to a batch (towers and whitebox): the pool grows by one support item per positive (the item tower embeds 3B rows
 * instead of 2B), a share of each positive's K negatives moves to it, and the features of every pair with a
 * non-zero negative weight are computed (the others weigh nothing in the loss).
 */
export function batchWithSupportNegatives(batch: BprBatch, pair: PairTraining, K: number, rng: () => number): PriorBatch {
  const B = batch.pos.length;
  const P0 = batch.pool.length;
  const P = P0 + B;
  const pool = new Int32Array(P);
  pool.set(batch.pool);
  const negWeights = new Float32Array(B * P);
  for (let b = 0; b < B; b++) {
    negWeights.set(batch.negWeights.subarray(b * P0, (b + 1) * P0), b * P);
    const s = pair.support(batch.left[b]);
    pool[P0 + b] = s.length > 0 ? s[Math.floor(rng() * s.length)] : batch.pool[0];
    let moved = pair.informativeCount(batch.left[b], K, rng);
    for (let p = 0; p < P0 && moved > 0; p++) {
      while (negWeights[b * P + p] > 0 && moved > 0) {
        negWeights[b * P + p]--;
        negWeights[b * P + P0 + b]++;
        moved--;
      }
    }
  }
  const F = pair.width;
  const posF = pair.features(batch.left, batch.pos);
  const at: number[] = [];
  const rows: number[] = [];
  const items: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      if (negWeights[b * P + p] === 0) continue;
      at.push(b * P + p);
      rows.push(batch.left[b]);
      items.push(pool[p]);
    }
  }
  const some = pair.features(rows, items);
  const poolF = new Float32Array(B * P * F);
  at.forEach((cell, i) => poolF.set(some.subarray(i * F, (i + 1) * F), cell * F));
  return { left: batch.left, pos: batch.pos, pool, negWeights, posF, poolF };
}

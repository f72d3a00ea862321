/**
 * @file Controllability Delta@k (APRON, arXiv 2508.00194): how much zeroing one of a listener's strongest profile
 * prototypes takes that prototype's tag out of their recommendations.
 *
 * Definition. For each evaluated user u with held-out items R(u), and each of the `top` (5) prototypes p with the
 * largest weight in u's profile (ties: lower prototype index): let R_p(u) = the items of R(u) carrying p's tag. When
 * R_p(u) is empty the pair is skipped (and counted): NDCG over no relevant item is undefined. Otherwise
 *   before = NDCG@k of u's ranking against R_p(u),
 *   after  = NDCG@k of the ranking for u's profile with p's weight set to 0 (the rest renormalised) against R_p(u),
 *   drop   = before − after.
 * Delta@k = the mean drop over the pairs; Delta@k_rel = Σ drop / Σ before (the drop as a fraction of the restricted
 * NDCG it started from: the paper's "33.8% change" is 0.338). Rankings mask each user's fold-in items as the
 * benchmark does, and come from the model's own `rank` (the path the served answers take), the edit passed as a
 * profile edit of the request.
 */
import { ndcgAtK } from "../core/metrics.js";
import { requestOnly } from "../domains/requests.js";
import type { LabeledQuery } from "../domains/types.js";
import type { Recommender, RequestContext } from "../models/recommender.js";

/** Options of {@link controllabilityDelta}. */
export interface DeltaOptions {
  /** [k=20] The ranking depth and NDCG cutoff. */
  readonly k?: number;
  /** [top=5] Prototypes zeroed per user, strongest first. */
  readonly top?: number;
  /** [batchSize=128] Requests ranked per `rank` call. */
  readonly batchSize?: number;
}

/** What {@link controllabilityDelta} measured. */
export interface DeltaResult {
  /** Mean drop of the restricted NDCG@k over the measured pairs. */
  readonly delta: number;
  /** Standard error of `delta` over the pairs. */
  readonly deltaStderr: number;
  /** Σ drop / Σ before. */
  readonly deltaRel: number;
  /** Mean restricted NDCG@k before any edit. */
  readonly before: number;
  /** (user, prototype) pairs measured. */
  readonly pairs: number;
  /** Pairs skipped because none of the user's held-out items carries the prototype's tag. */
  readonly skipped: number;
}

/**
 * The drop of one (user, prototype) pair: NDCG@k of `before` minus NDCG@k of `after`, both against `relevant` (the
 * user's held-out items carrying the zeroed prototype's tag; non-empty).
 * @example pairDrop([7, 3], [3, 7], new Set([7]), 2) // 1 − 1/log2(3) ≈ 0.3691
 */
export function pairDrop(before: readonly number[], after: readonly number[], relevant: ReadonlySet<number>, k: number): { before: number; drop: number } {
  const b = ndcgAtK(before, relevant, k);
  return { before: b, drop: b - ndcgAtK(after, relevant, k) };
}

/**
 * Delta@k of a profile model over labeled requests (see the file's definition). `carries(item, tag)` says whether an
 * item carries a tag (from training data only). Returns undefined when the model has no editable profile (it has no
 * `profiles`): the caller reports 0 with that reason.
 * @example await controllabilityDelta(apron, evalSet.requests, (i, t) => tagsOf[i].has(t)) // { delta: 0.07, deltaRel: 0.31, ... }
 */
export async function controllabilityDelta(
  model: Recommender,
  queries: readonly LabeledQuery[],
  carries: (item: number, tag: string) => boolean,
  options: DeltaOptions = {},
): Promise<DeltaResult | undefined> {
  if (model.profiles === undefined) return undefined;
  const k = options.k ?? 20;
  const top = options.top ?? 5;
  const batchSize = options.batchSize ?? 128;
  const usable = queries.filter((q) => q.relevant.length > 0);

  // Each pair: which query, which tag, its restricted relevant set; the edited request ranked beside the unedited one.
  const pairs: { q: number; relevant: Set<number> }[] = [];
  const edited: RequestContext[] = [];
  let skipped = 0;
  for (let start = 0; start < usable.length; start += batchSize) {
    const batch = usable.slice(start, start + batchSize);
    const { tags, weights } = await model.profiles(batch.map((q) => requestOnly(q)));
    batch.forEach((q, j) => {
      const w = weights.data.subarray(j * weights.cols, (j + 1) * weights.cols);
      const strongest = Array.from(w.keys())
        .sort((a, b) => w[b] - w[a] || a - b)
        .slice(0, top);
      for (const p of strongest) {
        const relevant = new Set(q.relevant.filter((i) => carries(i, tags[p])));
        if (relevant.size === 0) {
          skipped++;
          continue;
        }
        pairs.push({ q: start + j, relevant });
        const request = requestOnly(q);
        edited.push({ ...request, profile: { prototypeWeights: { ...(request.profile?.prototypeWeights ?? {}), [tags[p]]: 0 } } });
      }
    });
  }
  const rankAll = async (requests: readonly RequestContext[], masks: readonly (readonly number[] | undefined)[]) => {
    const out: number[][] = [];
    for (let s = 0; s < requests.length; s += batchSize) {
      const exclude = masks.slice(s, s + batchSize).map((m) => (m !== undefined && m.length > 0 ? new Set(m) : undefined));
      const ranked = await model.rank(requests.slice(s, s + batchSize), { k, exclude });
      out.push(...ranked.map((r) => Array.from(r.items)));
    }
    return out;
  };
  const base = await rankAll(usable.map((q) => requestOnly(q)), usable.map((q) => q.exclude));
  const after = await rankAll(edited, pairs.map((p) => usable[p.q].exclude));

  let sumDrop = 0;
  let sumSquares = 0;
  let sumBefore = 0;
  pairs.forEach((p, i) => {
    const { before, drop } = pairDrop(base[p.q], after[i], p.relevant, k);
    sumDrop += drop;
    sumSquares += drop * drop;
    sumBefore += before;
  });
  const n = pairs.length;
  const mean = n > 0 ? sumDrop / n : 0;
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { delta: mean, deltaStderr: n > 0 ? Math.sqrt(variance / n) : 0, deltaRel: sumBefore > 0 ? sumDrop / sumBefore : 0, before: n > 0 ? sumBefore / n : 0, pairs: n, skipped };
}

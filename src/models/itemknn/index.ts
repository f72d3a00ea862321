/**
 * @file The ItemKNN baseline: item-item cosine over the users x items interaction matrix, scored from the listener's
 * history (Sarwar et al. 2001; tuned as in Dacrema et al. 2019: neighbourhood size and shrink on the selection set).
 */
import { z } from "zod";
import type { CsrMatrix } from "../../core/sparse.js";
import { topK } from "../../core/topk.js";
import type { Domain } from "../../domains/types.js";
import { CountingRecommender, parseParams, historyOf, popularityTieBreak, requireInteractions } from "../counting.js";
import type { ContextUse, FitOptions, RequestContext } from "../recommender.js";
import { meanNdcgAt10 } from "../validation.js";

const Params = z
  .object({
    /** Neighbours kept per item (the most similar ones). */
    neighbours: z.number().int().min(1),
    /** Shrink term of the cosine: co-occurrence / (‖a‖‖b‖ + shrink), damping similarities built on few users. */
    shrink: z.number().min(0),
  })
  .strict();
type ItemKnnParams = z.output<typeof Params>;

/** Neighbourhood sizes tried on the selection set (shrink 10 throughout). */
export const NEIGHBOUR_GRID: readonly number[] = [20, 50, 100, 200, 500];

/** Each item's neighbours (CSR: row = item, entries = its most similar items with their similarity). */
interface Neighbours {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly sims: Float32Array;
}

/**
 * Builds the top-`k` cosine neighbours of every item over binarised interactions, itself included (cosine 1 before
 * shrink: an item is its own nearest neighbour, so a listener's own items score highest, as the history would have
 * them; benchmarks that must not return seen items mask them). Work is
 * Σ_users |items of user|², not items², because co-occurrences are accumulated user by user through each item's
 * listeners.
 */
export function itemNeighbours(interactions: CsrMatrix, k: number, shrink: number): Neighbours {
  const { rows: nUsers, cols: n, indptr, indices } = interactions;
  // Column view: the users of each item.
  const colCount = new Int32Array(n + 1);
  for (let e = 0; e < indices.length; e++) colCount[indices[e] + 1]++;
  for (let i = 0; i < n; i++) colCount[i + 1] += colCount[i];
  const colUsers = new Int32Array(indices.length);
  const fill = colCount.slice(0, n);
  for (let u = 0; u < nUsers; u++) for (let e = indptr[u]; e < indptr[u + 1]; e++) colUsers[fill[indices[e]]++] = u;
  const norm = Float64Array.from({ length: n }, (_, i) => Math.sqrt(colCount[i + 1] - colCount[i]));

  const co = new Float32Array(n);
  const touched: number[] = [];
  const outPtr = new Int32Array(n + 1);
  const outIdx: number[] = [];
  const outSim: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let c = colCount[i]; c < colCount[i + 1]; c++) {
      const u = colUsers[c];
      for (let e = indptr[u]; e < indptr[u + 1]; e++) {
        const j = indices[e];
        if (co[j] === 0) touched.push(j);
        co[j] += 1;
      }
    }
    const cand = touched.map((j) => co[j] / (norm[i] * norm[j] + shrink));
    const best = topK(cand, Math.min(k, Math.max(1, cand.length)));
    if (cand.length > 0) {
      for (const b of best) {
        outIdx.push(touched[b]);
        outSim.push(cand[b]);
      }
    }
    outPtr[i + 1] = outIdx.length;
    for (const j of touched) co[j] = 0;
    touched.length = 0;
  }
  return { indptr: outPtr, indices: Int32Array.from(outIdx), sims: Float32Array.from(outSim) };
}

/**
 * score(request, item) = Σ_{j in history} log(1 + plays_j) · sim(j, item), over each history item's top
 * `neighbours` cosine neighbours (binarised interactions, shrink 10), plus a popularity tie-break. The neighbourhood
 * size is chosen from {@link NEIGHBOUR_GRID} by NDCG@10 on the domain's selection set.
 * @example const m = new ItemKnnRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "", user: 3 }, 10)).parts // { neighbours: 0.8, prior: 0.00001 }
 */
export class ItemKnnRecommender extends CountingRecommender<ItemKnnParams> {
  readonly name = "itemknn";
  /** The listener's history (given, or their user's); the words, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["user", "history"], needs: [] };
  private interactions: CsrMatrix | undefined;
  private neighbours: Neighbours | undefined;
  private prior: Float32Array = new Float32Array(0);

  /** True when the caller fixed the neighbourhood size: then nothing is selected. */
  private readonly fixed: boolean;

  /** @param options [neighbours: chosen on the selection set; 100 when there is none] [shrink=10] */
  constructor(options: Partial<ItemKnnParams> = {}) {
    super(parseParams("itemknn", Params, { neighbours: 100, shrink: 10, ...options }), Params);
    this.fixed = options.neighbours !== undefined;
  }

  protected bind(domain: Domain): void {
    this.interactions = requireInteractions(this.name, domain);
    this.neighbours = itemNeighbours(this.interactions, this.params.neighbours, this.params.shrink);
    this.prior = popularityTieBreak(domain.items.popularity);
  }

  protected override async select(domain: Domain, options: FitOptions): Promise<Record<string, number | string>> {
    if (this.fixed) return { selection: "none (neighbours given)" };
    if (!domain.val.some((q) => q.relevant.length > 0)) return { selection: "none (no selection queries): default neighbours" };
    // One build with the largest neighbourhood; smaller ones are its prefixes (each row is sorted best first).
    const full = itemNeighbours(this.interactions!, Math.max(...NEIGHBOUR_GRID), this.params.shrink);
    let best = { neighbours: this.params.neighbours, ndcg: -1 };
    for (const k of NEIGHBOUR_GRID) {
      this.neighbours = truncate(full, k);
      const ndcg = await meanNdcgAt10(this, domain.val, domain);
      options.log?.(`itemknn: ${k} neighbours -> selection NDCG@10 ${ndcg.toFixed(4)}`);
      if (ndcg > best.ndcg) best = { neighbours: k, ndcg };
    }
    this.params = { ...this.params, neighbours: best.neighbours };
    this.neighbours = truncate(full, best.neighbours);
    return { selectionNdcg10: best.ndcg };
  }

  protected scoreInto(request: RequestContext, out: Float32Array): void {
    out.set(this.prior);
    const nb = this.neighbours!;
    const h = historyOf(request, this.interactions);
    for (let k = 0; k < h.items.length; k++) {
      const j = h.items[k];
      const w = Math.log1p(Math.max(0, h.weights[k]));
      for (let e = nb.indptr[j]; e < nb.indptr[j + 1]; e++) out[nb.indices[e]] += w * nb.sims[e];
    }
  }

  protected partsOf(request: RequestContext, item: number): Record<string, number> {
    const nb = this.neighbours!;
    const h = historyOf(request, this.interactions);
    let s = 0;
    for (let k = 0; k < h.items.length; k++) {
      const j = h.items[k];
      for (let e = nb.indptr[j]; e < nb.indptr[j + 1]; e++) if (nb.indices[e] === item) s += Math.log1p(Math.max(0, h.weights[k])) * nb.sims[e];
    }
    return { neighbours: s, prior: this.prior[item] };
  }
}

/** The first `k` neighbours of every row (rows are sorted best first). */
function truncate(nb: Neighbours, k: number): Neighbours {
  const n = nb.indptr.length - 1;
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i] + Math.min(k, nb.indptr[i + 1] - nb.indptr[i]);
  const indices = new Int32Array(indptr[n]);
  const sims = new Float32Array(indptr[n]);
  for (let i = 0; i < n; i++) {
    const len = indptr[i + 1] - indptr[i];
    indices.set(nb.indices.subarray(nb.indptr[i], nb.indptr[i] + len), indptr[i]);
    sims.set(nb.sims.subarray(nb.indptr[i], nb.indptr[i] + len), indptr[i]);
  }
  return { indptr, indices, sims };
}

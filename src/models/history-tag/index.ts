/**
 * @file The history-tag baseline: user-history and tag-popularity summed, their balance chosen on the selection set.
 */
import { z } from "zod";
import type { CsrMatrix } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { CountingRecommender, parseParams, historyOf, popularityTieBreak, requireInteractions, textKey, trainCounts } from "../counting.js";
import type { ContextUse, FitOptions, RequestContext } from "../recommender.js";
import { meanNdcgAt10 } from "../validation.js";

const Params = z.object({ tagWeight: z.number().min(0).max(1) }).strict();
type HistoryTagParams = z.output<typeof Params>;

/** The balances tried on the selection set: tagWeight from 0 (history only) to 1 (tag counts only) in steps of 0.05. */
export const TAG_WEIGHT_GRID: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);

/**
 * score(request, item) = (1 − a)·log(1 + plays of the item in the listener's history) + a·log(1 + train requests
 * with the same text that list the item) + a popularity tie-break. `a` (tagWeight) is the one parameter: chosen
 * from {@link TAG_WEIGHT_GRID} by NDCG@10 on the domain's selection set, never on the evaluated split.
 * @example const m = new HistoryTagRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "80s", user: 3 }, 10)).parts // { history: 1.1, tag: 1.6, prior: 0.00002 }
 */
export class HistoryTagRecommender extends CountingRecommender<HistoryTagParams> {
  readonly name = "history-tag";
  /** The words and the listener's history (given, or their user's); turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["text", "user", "history"], needs: ["text"] };
  private interactions: CsrMatrix | undefined;
  private counts = new Map<string, Map<number, number>>();
  private prior: Float32Array = new Float32Array(0);

  /** True when the caller fixed tagWeight: then nothing is selected. */
  private readonly fixed: boolean;

  /** @param options [tagWeight: chosen on the selection set; 0.75 when there is none] */
  constructor(options: Partial<HistoryTagParams> = {}) {
    super(parseParams("history-tag", Params, { tagWeight: 0.75, ...options }), Params);
    this.fixed = options.tagWeight !== undefined;
  }

  protected bind(domain: Domain): void {
    this.interactions = requireInteractions(this.name, domain);
    this.counts = trainCounts(domain.train);
    this.prior = popularityTieBreak(domain.items.popularity);
  }

  protected override async select(domain: Domain, options: FitOptions): Promise<Record<string, number | string>> {
    if (this.fixed) return { selection: "none (tagWeight given)" };
    if (!domain.val.some((q) => q.relevant.length > 0)) return { selection: "none (no selection queries): default tagWeight" };
    let best = { tagWeight: this.params.tagWeight, ndcg: -1 };
    for (const tagWeight of TAG_WEIGHT_GRID) {
      this.params = { tagWeight };
      const ndcg = await meanNdcgAt10(this, domain.val, domain);
      options.log?.(`history-tag: tagWeight ${tagWeight.toFixed(2)} -> selection NDCG@10 ${ndcg.toFixed(4)}`);
      if (ndcg > best.ndcg) best = { tagWeight, ndcg };
    }
    this.params = { tagWeight: best.tagWeight };
    return { selectionNdcg10: best.ndcg };
  }

  protected scoreInto(request: RequestContext, out: Float32Array): void {
    const a = this.params.tagWeight;
    out.set(this.prior);
    const h = historyOf(request, this.interactions);
    for (let k = 0; k < h.items.length; k++) out[h.items[k]] += (1 - a) * Math.log1p(Math.max(0, h.weights[k]));
    for (const [item, n] of this.counts.get(textKey(request.text)) ?? []) out[item] += a * Math.log1p(n);
  }

  protected partsOf(request: RequestContext, item: number): Record<string, number> {
    const a = this.params.tagWeight;
    const h = historyOf(request, this.interactions);
    let plays = 0;
    for (let k = 0; k < h.items.length; k++) if (h.items[k] === item) plays += Math.log1p(Math.max(0, h.weights[k]));
    return { history: (1 - a) * plays, tag: a * Math.log1p(this.counts.get(textKey(request.text))?.get(item) ?? 0), prior: this.prior[item] };
  }
}

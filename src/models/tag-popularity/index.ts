/**
 * @file The tag-popularity baseline: items by how often train requests with the same words list them.
 */
import { z } from "zod";
import type { Domain } from "../../domains/types.js";
import { CountingRecommender, popularityTieBreak, textKey, trainCounts } from "../counting.js";
import type { ContextUse, RequestContext } from "../recommender.js";

const Params = z.object({}).strict();

/**
 * score(request, item) = log(1 + number of train requests with the same (normalised) text that list the item), plus
 * a popularity tie-break below any count difference: the best a non-personal model can do by counting the pairs it
 * is trained on. A text never seen in train ranks by popularity alone.
 * @example const m = new TagPopularityRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "80s" }, 10)).parts // { tag: 2.3, prior: 0.00008 }
 */
export class TagPopularityRecommender extends CountingRecommender<z.output<typeof Params>> {
  readonly name = "tag-popularity";
  /** The words only; user, history, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  private counts = new Map<string, Map<number, number>>();
  private prior: Float32Array = new Float32Array(0);

  constructor() {
    super({}, Params);
  }

  protected bind(domain: Domain): void {
    this.counts = trainCounts(domain.train);
    this.prior = popularityTieBreak(domain.items.popularity);
  }

  protected scoreInto(request: RequestContext, out: Float32Array): void {
    out.set(this.prior);
    for (const [item, n] of this.counts.get(textKey(request.text)) ?? []) out[item] += Math.log1p(n);
  }

  protected partsOf(request: RequestContext, item: number): Record<string, number> {
    return { tag: Math.log1p(this.counts.get(textKey(request.text))?.get(item) ?? 0), prior: this.prior[item] };
  }
}

/**
 * @file The user-history baseline: the listener's own artists by log plays, the request ignored.
 */
import { z } from "zod";
import type { CsrMatrix } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { CountingRecommender, historyOf, popularityTieBreak, requireInteractions } from "../counting.js";
import type { ContextUse, RequestContext } from "../recommender.js";

const Params = z.object({}).strict();

/**
 * score(request, item) = log(1 + plays of the item in the request's history) (+ a popularity tie-break below any
 * play difference). The history is the request's own (`history`) or its user's row of `domain.interactions`.
 * @example const m = new UserHistoryRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "", user: 3 }, 10)).parts // { history: 4.2, prior: 0.00003 }
 */
export class UserHistoryRecommender extends CountingRecommender<z.output<typeof Params>> {
  readonly name = "user-history";
  /** The listener's history (given, or their user's); the words, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["user", "history"], needs: [] };
  private interactions: CsrMatrix | undefined;
  private prior: Float32Array = new Float32Array(0);

  constructor() {
    super({}, Params);
  }

  protected bind(domain: Domain): void {
    this.interactions = requireInteractions(this.name, domain);
    this.prior = popularityTieBreak(domain.items.popularity);
  }

  protected scoreInto(request: RequestContext, out: Float32Array): void {
    out.set(this.prior);
    const h = historyOf(request, this.interactions);
    for (let k = 0; k < h.items.length; k++) out[h.items[k]] += Math.log1p(Math.max(0, h.weights[k]));
  }

  protected partsOf(request: RequestContext, item: number): Record<string, number> {
    const h = historyOf(request, this.interactions);
    let history = 0;
    for (let k = 0; k < h.items.length; k++) if (h.items[k] === item) history += Math.log1p(Math.max(0, h.weights[k]));
    return { history, prior: this.prior[item] };
  }
}

/**
 * @file Rank fusion of two models ("state+convretrieval" in `eval`): reciprocal-rank fusion of their rankings, so
 * two models whose scores live on different scales combine without a weight tuned on anything.
 */
import type { Domain } from "../../domains/types.js";
import { InputError } from "../../errors.js";
import { checkRankOptions } from "../rank.js";
import type { ContextPart, ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext } from "../recommender.js";

/** RRF's constant from Cormack et al. (SIGIR 2009), used as published: nothing here is tuned. */
const RRF_K = 60;

/**
 * score(item) = Σ_models 1 / (60 + rank_model(item)), over each model's top `depth` (an item a model does not rank
 * adds nothing). Ties keep the first model's order.
 * @example
 * const m = new RankFusionRecommender([stateModel, convModel]);
 * await m.fit(domain, { seed: 42 }); (await m.rank(requests, { k: 10 }))[0].items;
 */
export class RankFusionRecommender implements Recommender {
  readonly name: string;
  readonly context: ContextUse;

  /** @param depth [depth=300] how deep each model's ranking is read (at least the requested k). */
  constructor(
    private readonly models: readonly Recommender[],
    private readonly depth = 300,
  ) {
    if (models.length < 2) throw new InputError("rank fusion needs at least two models, e.g. state+convretrieval", { field: "models" });
    this.name = models.map((m) => m.name).join("+");
    const union = (parts: readonly ContextPart[][]) => [...new Set(parts.flat())];
    this.context = { uses: union(models.map((m) => [...m.context.uses])), needs: union(models.map((m) => [...m.context.needs])) };
  }

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const notes: Record<string, number | string> = {};
    for (const m of this.models) {
      const r = await m.fit(domain, options);
      for (const [k, v] of Object.entries(r.notes ?? {})) notes[`${m.name}.${k}`] = v;
    }
    return { trainSeconds: (performance.now() - t0) / 1000, notes };
  }

  async rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    checkRankOptions(options, requests.length);
    const deep = { ...options, k: Math.max(options.k, this.depth) };
    const lists: RankedList[][] = [];
    for (const m of this.models) lists.push(await m.rank(requests, deep));
    return requests.map((_, r) => {
      const fused = new Map<number, number>();
      for (const ranking of lists) {
        ranking[r].items.forEach((item, pos) => fused.set(item, (fused.get(item) ?? 0) + 1 / (RRF_K + pos + 1)));
      }
      // Map iteration is first-insertion order, so a stable sort keeps the first model's order among ties.
      const top = [...fused].sort((a, b) => b[1] - a[1]).slice(0, options.k);
      return { items: Int32Array.from(top, ([i]) => i), scores: Float32Array.from(top, ([, s]) => s) };
    });
  }

  async save(): Promise<void> {
    throw new InputError(`${this.name} is a fusion made at evaluation time: save its models one by one`, { field: "models" });
  }

  async load(): Promise<void> {
    throw new InputError(`${this.name} is a fusion made at evaluation time: load its models one by one`, { field: "models" });
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
  }
}

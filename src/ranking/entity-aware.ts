/**
 * @file A model made entity-aware: a request that names an item ("songs like Coldplay") gets that item first, then
 * its neighbourhood on a feature (CF by default). For benchmarks of entity awareness on a domain
 * (scripts/bench-jam.ts); the catalog ranker has its own artist-level matching (catalog-entities.ts).
 */
import { normalizeRows, type Matrix } from "../core/matrix.js";
import type { Domain } from "../domains/types.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest, ScoringRecommender } from "../models/recommender.js";
import { rankByScoring } from "../models/rank.js";
import { EntityIndex, type EntityOptions } from "./entities.js";

/** Options of {@link EntityAwareRecommender}. */
export interface EntityAwareOptions extends EntityOptions {
  /** [100] Added to a named item's score x similarity: large enough to put it first. */
  readonly nameBoost?: number;
  /** [5] Added to every item x its cosine with the named item on `neighbourFeature` (its neighbourhood). */
  readonly neighbourBoost?: number;
  /** ["cf"] items.features key whose cosine defines the neighbourhood (skipped when the domain lacks it). */
  readonly neighbourFeature?: string;
}

/**
 * Wraps a recommender: score = base score + nameBoost·similarity for each named item + neighbourBoost·cos(item,
 * named item) on the neighbourhood feature (best match only). explain adds an `entity` part (the sum of both
 * boosts for that item), so the parts still add up to the score.
 * @example const m = new EntityAwareRecommender(jam); await m.fit(domain, { seed: 42 });
 * await m.score([{ text: "songs like coldplay" }]) // Coldplay first, then its CF neighbours
 */
export class EntityAwareRecommender implements Recommender {
  readonly name: string;
  private index: EntityIndex | undefined;
  private unit: Matrix | undefined;
  private readonly options: EntityAwareOptions;

  readonly context: ContextUse;

  constructor(readonly base: ScoringRecommender, options: EntityAwareOptions = {}) {
    this.name = `${base.name}+entities`;
    this.context = base.context;
    this.options = options;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  private bind(domain: Domain): void {
    this.index = new EntityIndex(domain.items.names, this.options);
    const f = domain.items.features[this.options.neighbourFeature ?? "cf"];
    if (f === undefined) {
      this.unit = undefined;
      return;
    }
    this.unit = normalizeRows(f);
  }

  /** Binds the name index to `domain` for a base model that is already fitted or loaded. */
  async attach(domain: Domain): Promise<void> {
    this.bind(domain);
  }

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const report = await this.base.fit(domain, options);
    this.bind(domain);
    return report;
  }

  /** The additive entity boost for every item (length = items), or undefined when the request names nothing. */
  entityBoost(text: string, nItems: number): Float32Array | undefined {
    const matches = this.index!.find(text);
    if (matches.length === 0) return undefined;
    const boost = new Float32Array(nItems);
    const nameBoost = this.options.nameBoost ?? 100;
    for (const m of matches) boost[m.item] += nameBoost * m.similarity;
    const u = this.unit;
    if (u !== undefined) {
      const top = matches[0];
      const nb = (this.options.neighbourBoost ?? 5) * top.similarity;
      for (let i = 0; i < u.rows; i++) {
        let c = 0;
        for (let j = 0; j < u.cols; j++) c += u.data[i * u.cols + j] * u.data[top.item * u.cols + j];
        boost[i] += nb * c;
      }
    }
    return boost;
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const s = await this.base.score(requests);
    requests.forEach((r, i) => {
      const b = this.entityBoost(r.text, s.cols);
      if (b === undefined) return;
      for (let j = 0; j < s.cols; j++) s.data[i * s.cols + j] += b[j];
    });
    return s;
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const base = this.base.explain !== undefined ? (await this.base.explain(request, item)).parts : { [this.base.name]: (await this.base.score([request])).data[item] };
    const s = await this.score([request]);
    const b = this.entityBoost(request.text, s.cols);
    return { parts: { ...base, entity: b?.[item] ?? 0 } };
  }

  save(dir: string): Promise<void> {
    return this.base.save(dir);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await this.base.load(dir, domain);
    this.bind(domain);
  }

  dispose(): void {
    this.base.dispose();
  }
}

/**
 * @file The popularity baseline: every request gets the same ranking, by train-split interaction count.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { matrix, type Matrix } from "../../core/matrix.js";
import { writeFileAtomic } from "../../core/fs.js";
import type { Domain } from "../../domains/types.js";
import { DataError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";

const FORMAT = "askmusic/popularity@1";

/**
 * Scores = `domain.items.popularity` (train-split frequency), ignoring the request: the floor every model must beat.
 * @example const m = new PopularityRecommender(); await m.fit(domain, { seed: 42 }); (await m.score([{ text: "x" }])).cols // items
 */
export class PopularityRecommender implements Recommender {

  /** Ignores every part of the request by design: the same ranking for all. */
  readonly context: ContextUse = { uses: [], needs: [] };
  readonly name = "popularity";
  private popularity: Float32Array | undefined;
  private domainName = "";

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, _options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    this.bind(domain);
    return { trainSeconds: (performance.now() - t0) / 1000 };
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const pop = this.require();
    const out = matrix(requests.length, pop.length);
    for (let r = 0; r < requests.length; r++) out.data.set(pop, r * pop.length);
    return out;
  }

  async explain(_request: ScoreRequest, item: number): Promise<ScoreComponents> {
    return { parts: { popularity: this.require()[item] } };
  }

  async save(dir: string): Promise<void> {
    this.require();
    await writeFileAtomic(path.join(dir, "model.json"), JSON.stringify({ format: FORMAT, domain: this.domainName }));
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const file = path.join(dir, "model.json");
    const meta = JSON.parse(await fs.readFile(file, "utf8").catch((cause) => {
      throw new DataError(`cannot read ${file}: save the popularity model there first`, { path: file, cause });
    })) as { format?: string };
    if (meta.format !== FORMAT) throw new DataError(`${file} is not a popularity model (format ${meta.format})`, { path: file, expected: FORMAT, actual: String(meta.format) });
    this.bind(domain);
  }

  dispose(): void {
    this.popularity = undefined;
  }

  private bind(domain: Domain): void {
    const pop = domain.items.popularity;
    if (pop.length !== domain.items.ids.length) {
      throw new ModelFitError(`popularity has ${pop.length} values but domain ${domain.name} has ${domain.items.ids.length} items`);
    }
    this.popularity = pop;
    this.domainName = domain.name;
  }

  private require(): Float32Array {
    if (this.popularity === undefined) throw new ModelFitError("popularity model used before fit() or load()");
    return this.popularity;
  }
}

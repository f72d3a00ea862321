/**
 * @file JAM's TwoTower baseline: a user MLP against an item MLP, trained with BPR; the request text is ignored.
 */
import { matrix, row, type Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, RequestContext, ScoreRequest } from "../recommender.js";
import type { PairFeature } from "../pair-features.js";
import { TOWER_TRAINING_DEFAULTS, TowerRecommender, type TowerOptions } from "../tf/tower-recommender.js";

/**
 * Defaults: 2-layer towers to 64-d (JAM's official code uses 512-128-64 MLPs; the user input here is 64-d cf), and
 * the pair prior's listening history and earlier choices of the user: the signal a user-only model is for, which the
 * towers over cf factors alone do not learn (BENCHMARKS.md, "Why the towers lose to counting").
 */
export const TWOTOWER_DEFAULTS: TowerOptions = Object.freeze({
  ...TOWER_TRAINING_DEFAULTS,
  leftLayers: [128, 64],
  itemLayers: [128, 64],
  itemFeatures: undefined,
  pairFeatures: ["history", "tagged"] as PairFeature[],
  pairNegatives: 0.5,
  pairLearningRate: 1e-2,
  pairWarmupEpochs: 1,
});

/**
 * score(user, item) = <MLP_u(users.features.cf[user]), MLP_i([items cf | tagtext])>. Personal, not conversational:
 * the same user gets the same ranking whatever they ask. A request without a user scores as the mean user.
 * @example const m = new TwoTowerRecommender({ epochs: 5 }); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "jazz", user: 3 }, 10)).parts // { user: 1.7 }
 */
export class TwoTowerRecommender extends TowerRecommender {
  readonly name = "twotower";
  /**
   * The user only (a user-only baseline) and, once fit with the pair prior's `history` feature, a listening history
   * the request carries; the words and everything else are ignored.
   */
  get context(): ContextUse {
    return { uses: this.priorFeatures.includes("history") ? ["user", "history"] : ["user"], needs: ["user"] };
  }
  protected readonly partName = "user";
  private meanUser: Float32Array | undefined;

  constructor(options: Partial<TowerOptions> = {}) {
    super(TWOTOWER_DEFAULTS, options);
  }

  protected leftDims(domain: Domain): number {
    const cf = domain.users.features.cf;
    if (domain.users.ids.length === 0) throw new ModelFitError(`twotower needs users; domain ${domain.name} has none`);
    if (cf === undefined) throw new ModelFitError(`twotower needs users.features.cf; domain ${domain.name} has: ${Object.keys(domain.users.features).join(", ") || "none"}`);
    if (cf.rows !== domain.users.ids.length) throw new ModelFitError(`twotower: users.features.cf has ${cf.rows} rows, expected ${domain.users.ids.length}`);
    const mean = new Float32Array(cf.cols);
    for (let u = 0; u < cf.rows; u++) for (let j = 0; j < cf.cols; j++) mean[j] += cf.data[u * cf.cols + j] / cf.rows;
    this.meanUser = mean;
    return cf.cols;
  }

  protected async trainingLeft(domain: Domain): Promise<{ inputs: Matrix; rowOfQuery: Int32Array; rowRequests: RequestContext[] }> {
    const nUsers = domain.users.ids.length;
    const rowOfQuery = Int32Array.from(domain.train, (q) => (q.user !== undefined && q.user >= 0 && q.user < nUsers ? q.user : -1));
    // The words play no part in a user-only model: each row is its user.
    return { inputs: domain.users.features.cf, rowOfQuery, rowRequests: Array.from({ length: nUsers }, (_, user) => ({ text: "", user })) };
  }

  protected async requestLeft(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const cf = this.domain!.users.features.cf;
    const out = matrix(requests.length, cf.cols);
    requests.forEach((r, i) => {
      if (r.user === undefined) {
        out.data.set(this.meanUser!, i * cf.cols);
        return;
      }
      if (!Number.isInteger(r.user) || r.user < 0 || r.user >= cf.rows) {
        throw new InputError(`twotower: request ${i} has user index ${r.user}, domain ${this.domain!.name} has users 0..${cf.rows - 1}`, { field: "user" });
      }
      out.data.set(row(cf, r.user), i * cf.cols);
    });
    return out;
  }
}

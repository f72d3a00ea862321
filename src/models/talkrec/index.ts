/**
 * @file The TalkRec baseline: the request vector projected against the item projected, trained with BPR; no user.
 */
import type { Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { ModelFitError } from "../../errors.js";
import type { ContextUse, RequestContext, ScoreRequest } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import type { PairFeature } from "../pair-features.js";
import { TOWER_TRAINING_DEFAULTS, TowerRecommender, type TowerOptions } from "../tf/tower-recommender.js";
import { TalkRecServing } from "./serving.js";

/**
 * Defaults: one linear projection per side to d = 128, and the pair prior's train co-occurrence of the request's
 * words with the item: what a words-only model could learn by counting its training pairs, which the towers alone
 * do not learn (BENCHMARKS.md, "Why the towers lose to counting").
 */
export const TALKREC_DEFAULTS: TowerOptions = Object.freeze({
  ...TOWER_TRAINING_DEFAULTS,
  leftLayers: [128],
  itemLayers: [128],
  itemFeatures: undefined,
  pairFeatures: ["cooccurrence"] as PairFeature[],
  pairNegatives: 0.5,
  pairLearningRate: 1e-2,
  pairWarmupEpochs: 1,
});

/**
 * score(request, item) = <W_q · enc(request) + b_q, W_i · [items cf | tagtext] + b_i>. Conversational, not
 * personal: `request.user` is ignored. Training texts are encoded once per distinct text.
 * @example const m = new TalkRecRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "smooth jazz" }, 10)).parts // { request: 2.3 }
 */
export class TalkRecRecommender extends TowerRecommender {
  readonly name = "talkrec";
  /** The words only: user, history, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  protected readonly partName = "request";
  private requestDims = -1;

  constructor(options: Partial<TowerOptions> = {}) {
    super(TALKREC_DEFAULTS, options);
  }

  protected leftDims(domain: Domain): number {
    if (this.requestDims < 0 || this.domain !== domain) {
      // The request size is a property of the domain's encoder; tagtext lives in the same space when present.
      const tagtext = domain.items.features.tagtext;
      if (tagtext === undefined) throw new ModelFitError(`talkrec: domain ${domain.name} has no items.features.tagtext to size the request vector`);
      this.requestDims = tagtext.cols;
    }
    return this.requestDims;
  }

  protected async trainingLeft(domain: Domain): Promise<{ inputs: Matrix; rowOfQuery: Int32Array; rowRequests: RequestContext[] }> {
    const texts = [...new Set(domain.train.map((q) => q.text))];
    const index = new Map(texts.map((t, i) => [t, i]));
    const rowRequests = texts.map((text) => ({ text }));
    const inputs = await requestVectors(rowRequests, domain);
    return { inputs, rowOfQuery: Int32Array.from(domain.train, (q) => index.get(q.text)!), rowRequests };
  }

  protected requestLeft(requests: readonly ScoreRequest[]): Promise<Matrix> {
    return requestVectors(requests, this.domain!);
  }

  /**
   * The fitted model in serving form (plain arrays, no TF.js; see serving.ts): the request tower and every item's
   * embedding. `training` is stored with it for display.
   */
  toServing(training: Readonly<Record<string, unknown>> = {}): TalkRecServing {
    const t = this.towerArrays();
    const prior = this.pairPrior();
    const domain = this.domain!;
    return new TalkRecServing({
      itemIds: domain.items.ids,
      dims: t.dims,
      itemVectors: t.itemVectors,
      encoderId: domain.queryEncoderId,
      requestDims: t.leftDims,
      requestScale: t.leftScale,
      layers: t.layers,
      training,
      ...(prior !== undefined ? { pair: prior } : {}),
    });
  }
}

/**
 * @file TalkRec behind the serving port: the request tower's output against every item's embedding, searched exactly
 * in memory (models/talkrec/serving.ts). It reads the words only.
 */
import type { ContextUse } from "../../models/recommender.js";
import { TalkRecServing } from "../../models/talkrec/serving.js";
import { fitForServing, usedParts, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/**
 * A trained TalkRec as a {@link ServingModel}: parts `request` (the towers' inner product) and, when trained with the
 * pair prior, `cooccurrence` (how often train requests with these words listed the item, weighted).
 */
export class TalkRecServingModel implements ServingModel {
  readonly name = "talkrec";
  /** The words only: no user tower, no history, turns, profile or adapter. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  readonly itemIds: readonly string[];
  readonly encoderId: string;
  readonly training: Readonly<Record<string, unknown>>;

  constructor(readonly form: TalkRecServing) {
    ({ itemIds: this.itemIds, encoderId: this.encoderId, training: this.training } = form.data);
  }

  warm(): void {
    this.form.lists();
  }

  prepare(request: ServingRequest): PreparedRequest {
    const query = this.form.query(request.vector, request.text);
    return {
      used: usedParts(this.context, request),
      // One exact search serves both uses: it costs about the same for 10 rows as for 100.
      candidates: ({ k, accept }) => this.form.top(query, k, accept),
      score: (rows) => this.form.score(query, rows),
      explain: (row) => ({ parts: this.form.explain(query, row) }),
    };
  }

  save(dir: string): Promise<void> {
    return this.form.save(dir);
  }
}

/** TalkRec as a serving form: trained by `TalkRecRecommender` (TF.js, loaded only to train). */
export const talkrecForm: ServingForm = {
  async train(domain, options) {
    const { TalkRecRecommender } = await import("../../models/talkrec/index.js");
    // Its constructor validates the options (zod) and rejects unknown ones.
    return fitForServing(new TalkRecRecommender(options.options as never), domain, options, (model, training) => new TalkRecServingModel(model.toServing(training)));
  },
  async load(dir) {
    return new TalkRecServingModel(await TalkRecServing.load(dir));
  },
};

/**
 * @file TalkRec behind the serving port: the request tower's output against every item's embedding, searched exactly
 * in memory (models/talkrec/serving.ts). It reads the words only.
 */
import type { ContextUse } from "../../models/recommender.js";
import { TalkRecServing } from "../../models/talkrec/serving.js";
import { trainingRecord, usedParts, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/** A trained TalkRec as a {@link ServingModel}: one part, `request` (the whole score). */
export class TalkRecServingModel implements ServingModel {
  readonly name = "talkrec";
  /** The words only: no user tower, no history, turns, profile or adapter. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };

  constructor(readonly form: TalkRecServing) {}

  get itemIds(): readonly string[] {
    return this.form.data.itemIds;
  }

  get encoderId(): string {
    return this.form.data.encoderId;
  }

  get training(): Readonly<Record<string, unknown>> {
    return this.form.data.training;
  }

  warm(): void {
    this.form.lists();
  }

  prepare(request: ServingRequest): PreparedRequest {
    const query = this.form.query(request.vector);
    return {
      used: usedParts(this.context, request),
      // One exact search serves both uses: it costs about the same for 10 rows as for 100.
      candidates: ({ k, accept }) => this.form.top(query, k, accept),
      score: (rows) => this.form.score(query, rows),
      explain: (row) => ({ parts: { request: this.form.score(query, [row])[0] } }),
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
    const model = new TalkRecRecommender(options.options as never); // its constructor validates the options (zod)
    try {
      const report = await model.fit(domain, { seed: options.seed, log: options.log, onProgress: options.onProgress });
      return new TalkRecServingModel(model.toServing(trainingRecord(report, options.seed)));
    } finally {
      model.dispose();
    }
  },
  async load(dir) {
    return new TalkRecServingModel(await TalkRecServing.load(dir));
  },
};

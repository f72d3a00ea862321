/**
 * @file The whitebox ranker behind the serving port: the request's words, each as its own vector, through the
 * white-box encoder (plain JS, models/whitebox/serving.ts) with the listener's adapter merged in, against every
 * item's embedding, plus the pair prior and a popularity tie-break. Its word attention is part of every explanation.
 */
import { InputError } from "../../errors.js";
import type { ContextUse, ScoreComponents } from "../../models/recommender.js";
import { WhiteboxServing } from "../../models/whitebox/serving.js";
import { fitForServing, usedParts, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/**
 * A trained whitebox model as a {@link ServingModel}. Parts: `request` (s · cosine of the encoded words and the
 * item), the prior's `cooccurrence` and `popularity`; every explanation carries the request's word attention, under
 * the listener's adapter when the request has one of this model.
 */
export class WhiteboxServingModel implements ServingModel {
  readonly name = "whitebox";
  /** The words, and the listener's adapter; user, history, turns and profile are not read. */
  readonly context: ContextUse = { uses: ["text", "adapter"], needs: ["text"] };
  readonly itemIds: readonly string[];
  readonly encoderId: string;
  readonly training: Readonly<Record<string, unknown>>;

  constructor(readonly form: WhiteboxServing) {
    ({ itemIds: this.itemIds, encoderId: this.encoderId, training: this.training } = form.data);
  }

  /** Nothing to build: items are scanned exactly. */
  warm(): void {}

  words(text: string): readonly string[] {
    return this.form.words(text);
  }

  prepare(request: ServingRequest): PreparedRequest {
    const dims = this.form.data.shape.inputDims;
    if (request.vector.length !== dims) throw new InputError(`whitebox: request vector has ${request.vector.length} values, the model expects ${dims}`, { field: "vector" });
    const words = this.form.words(request.text);
    if (words.length > 0 && request.wordVectors === undefined) {
      throw new InputError(`whitebox reads the request word by word: encode model.words(text) (${words.join(", ")}) into wordVectors`, { field: "wordVectors" });
    }
    const adapter = request.adapter?.model === this.name ? request.adapter : undefined;
    const query = this.form.query(words, request.wordVectors ?? new Float32Array(0), request.text, adapter);
    return {
      used: usedParts(this.context, request, adapter === undefined ? ["adapter"] : []),
      candidates: ({ k, accept }) => this.form.top(query, k, accept),
      score: (rows) => this.form.score(query, rows),
      explain: (row): ScoreComponents => ({ parts: this.form.explain(query, row), wordAttributions: query.attention }),
    };
  }

  save(dir: string): Promise<void> {
    return this.form.save(dir);
  }
}

/** whitebox as a serving form: trained by `WhiteboxRecommender` (TF.js, loaded only to train). */
export const whiteboxForm: ServingForm = {
  async train(domain, options) {
    const { WhiteboxRecommender } = await import("../../models/whitebox/index.js");
    // Its constructor validates the options (zod) and rejects unknown ones.
    return fitForServing(new WhiteboxRecommender(options.options as never), domain, options, (model, training) => new WhiteboxServingModel(model.toServing(training)));
  },
  async load(dir) {
    return new WhiteboxServingModel(await WhiteboxServing.load(dir));
  },
};

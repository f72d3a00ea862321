/**
 * @file Text2Tracks behind the serving port: the request's vector decoded by constrained beam search over the
 * catalog's item identifiers (models/text2tracks/serving.ts). It reads the words only; a caller's `accept` is
 * applied while decoding, so k allowed items come out.
 */
import type { ContextUse } from "../../models/recommender.js";
import type { IdSchemeName } from "../../models/text2tracks/ids/index.js";
import { Text2TracksServing } from "../../models/text2tracks/serving.js";
import { fitForServing, usedParts, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/**
 * A trained Text2Tracks model as a {@link ServingModel}. Parts of an explanation: the log-probability of each token
 * of the item's identifier (e.g. "1 1:17", "2 2:40", "3 3:5"), summing to its score.
 */
export class Text2TracksServingModel implements ServingModel {
  readonly name: string;
  /** The words only: no user, history, turns, profile or adapter. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  readonly itemIds: readonly string[];
  readonly encoderId: string;
  readonly training: Readonly<Record<string, unknown>>;

  constructor(readonly form: Text2TracksServing) {
    ({ itemIds: this.itemIds, encoderId: this.encoderId, training: this.training } = form.data);
    this.name = `text2tracks-${form.data.ids.scheme}`;
  }

  /** Nothing to build: the trie is built on load. */
  warm(): void {}

  prepare(request: ServingRequest): PreparedRequest {
    // The decoder's state is computed once (a wrong-size vector fails here, as on the other models).
    const root = this.form.root(request.vector, request.text);
    return {
      used: usedParts(this.context, request),
      candidates: ({ k, accept }) => {
        const r = this.form.search(root, { k, accept });
        return { rows: Array.from(r.items), scores: Array.from(r.scores) };
      },
      score: (rows) => this.form.score(root, rows),
      explain: (row) => ({ parts: this.form.explain(root, row) }),
    };
  }

  save(dir: string): Promise<void> {
    return this.form.save(dir);
  }
}

/** Text2Tracks with one ID scheme as a serving form: trained by `Text2TracksRecommender` (TF.js, loaded only to train). */
export function text2tracksForm(scheme: IdSchemeName): ServingForm {
  return {
    async train(domain, options) {
      const { Text2TracksRecommender } = await import("../../models/text2tracks/index.js");
      // Its constructor validates the options (zod) and rejects unknown ones.
      return fitForServing(new Text2TracksRecommender(scheme, options.options ?? {}), domain, options, (model, training) => {
        const s = model.toServing();
        return new Text2TracksServingModel(new Text2TracksServing({ ...s.data, training }));
      });
    },
    async load(dir) {
      return new Text2TracksServingModel(await Text2TracksServing.load(dir));
    },
  };
}

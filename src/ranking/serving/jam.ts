/**
 * @file JAM behind the serving port: the TF.js-free serving form (models/jam/serving.ts) answers requests with its
 * shortlist (per-modality inner-product lists plus the item prior, every listed item scored exactly), sized here
 * by how the caller uses the list.
 */
import { DataError } from "../../errors.js";
import type { Mixing } from "../../models/jam/options.js";
import { JamServing, type JamQuery } from "../../models/jam/serving.js";
import type { ContextUse, ScoreComponents } from "../../models/recommender.js";
import { fitForServing, usedParts, type CandidateUse, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/**
 * Rows read from each of JAM's shortlist lists (per modality, and by prior) for `k` wanted rows: when the caller
 * re-ranks (taste or a named artist) it asks for a pool (100) and gets one list of that size each; when the model's
 * order is final, 4k per list and at least 64 (40 lost 1.4% of the top 10 on Jamendo). scripts/bench-ask.ts
 * measures both against scoring every item.
 * @example jamShortlist(10, "final") // 64
 */
export function jamShortlist(k: number, use: CandidateUse): number {
  return use === "reranked" ? k : Math.max(64, 4 * k);
}

/**
 * A trained JAM model as a {@link ServingModel}. It reads the words, a user it knows when it was trained with users
 * (lastfm-2k) and, with a pair prior over listening history, the listener's history (their plays, or an askmusic
 * user's likes); everything else a request carries is reported unused. Parts: `request`, `user` (a known user),
 * `prior` (the item bias) and the pair prior's `history`, `cooccurrence`, `tagged` terms, with the modality
 * weights of each (request, item) pair.
 */
export class JamServingModel implements ServingModel {
  readonly name: string;
  readonly context: ContextUse;
  readonly itemIds: readonly string[];
  readonly encoderId: string;
  readonly training: Readonly<Record<string, unknown>>;

  constructor(readonly form: JamServing) {
    ({ model: this.name, itemIds: this.itemIds, encoderId: this.encoderId, training: this.training } = form.data);
    const history = form.data.pair?.features.includes("history") === true;
    this.context = { uses: [...(["text"] as const), ...(form.data.userIds !== undefined ? (["user"] as const) : []), ...(history ? (["history"] as const) : [])], needs: ["text"] };
  }

  warm(): void {
    this.form.lists();
  }

  prepare(request: ServingRequest): PreparedRequest {
    const form = this.form;
    // A user the model was not trained with is not an error here: the ranker personalizes them another way.
    const known = request.user !== undefined && form.hasUser(request.user);
    const user = known ? request.user : undefined;
    const query: JamQuery = form.query(request.vector, user, { text: request.text, ...(request.history !== undefined ? { history: request.history } : {}) });
    return {
      used: usedParts(this.context, request, known ? [] : ["user"]),
      candidates: ({ k, accept, use }) => {
        const top = form.shortlist(query, k, jamShortlist(k, use), accept);
        return { rows: top.rows, scores: top.scores };
      },
      score: (rows) => form.score(query, rows),
      explain: (row): ScoreComponents => {
        const e = form.explain(query, row);
        return { parts: { request: e.request, ...(user !== undefined ? { user: e.user } : {}), prior: e.bias, ...e.prior }, modalityWeights: e.modalityWeights };
      },
    };
  }

  save(dir: string): Promise<void> {
    return this.form.save(dir);
  }
}

/**
 * JAM with one fusion as a serving form: trained by `JamRecommender` (TF.js, loaded only to train), served as
 * {@link JamServingModel}.
 */
export function jamForm(mixing: Mixing): ServingForm {
  const name = `jam-${mixing}`;
  return {
    async train(domain, options) {
      const { JamRecommender } = await import("../../models/jam/index.js");
      return fitForServing(new JamRecommender(mixing, options.options), domain, options, (jam, training) => new JamServingModel(jam.toServing(training)));
    },
    async load(dir) {
      const form = await JamServing.load(dir);
      if (form.model !== name) throw new DataError(`${dir}/model.json holds model ${form.model}, not ${name}`, { path: `${dir}/model.json`, expected: name });
      return new JamServingModel(form);
    },
  };
}

/**
 * @file APRON behind the serving port: a listener's history (an askmusic user's likes) read as a profile of tag
 * prototypes, their stored edits applied, every item the profile model knows scored by its head. It reads the
 * history and the profile edits, never the words: `ask` combines it with the text request through the catalog
 * ranker (the understood tags, named artists and hard constraints of the request). It knows only the items its
 * training listeners played enough (`partial`), so the ranker places the others at its lowest candidate score.
 */
import path from "node:path";
import { topK } from "../../core/topk.js";
import type { Domain } from "../../domains/types.js";
import { InputError } from "../../errors.js";
import type { ApronOptions } from "../../models/apron/index.js";
import type { ContextUse } from "../../models/recommender.js";
import { domainItems, loadProfileModel, saveProfileModel, type ProfileModel } from "../profiles.js";
import { usedParts, type PreparedRequest, type ServingForm, type ServingModel, type ServingRequest } from "../serving-model.js";

/** A trained profile model as a {@link ServingModel}: one part, `profile` (the head's score), and the profile's prototype weights. */
export class ApronServingModel implements ServingModel {
  readonly name = "apron";
  readonly context: ContextUse = { uses: ["history", "profile"], needs: ["history"] };
  /** It never reads the request's vector, so any encoder will do. */
  readonly encoderId = "none";
  readonly partial = true;
  readonly itemIds: readonly string[];
  readonly training: Readonly<Record<string, unknown>>;

  constructor(readonly profileModel: ProfileModel) {
    this.itemIds = profileModel.ids;
    this.training = profileModel.training ?? {};
  }

  warm(): void {}

  prepare(request: ServingRequest): PreparedRequest {
    if ((request.history?.items.length ?? 0) === 0) {
      throw new InputError(
        `model apron ranks from a listener's profile, read from their likes: ask as an askmusic user with likes among the ${this.itemIds.length} items its profile model knows (--user), or choose another --model`,
        { field: "user" },
      );
    }
    const { scores, weights, history } = this.profileModel.model.scoreOne({ text: "", history: request.history, ...(request.profile !== undefined ? { profile: request.profile } : {}) });
    const tags = this.profileModel.model.prototypes.map((p) => p.tag);
    const prototypeWeights = Object.fromEntries(tags.map((t, k) => [t, weights[k]]));
    return {
      used: usedParts(this.context, request),
      // What the listener already likes is what the profile was read from, not a recommendation (as in `profile show`);
      // the ranker's understood tags may still bring a liked item back when the request asks for its tags.
      candidates: ({ k, accept }) => {
        const rows = topK(scores, k, { exclude: (m) => history.has(m) || (accept !== undefined && !accept(m)) });
        return { rows, scores: rows.map((m) => scores[m]) };
      },
      score: (rows) => Float32Array.from(rows, (m) => scores[m]),
      explain: (row) => ({ parts: { profile: scores[row] }, prototypeWeights }),
    };
  }

  save(dir: string): Promise<void> {
    return saveProfileModel(dir, this.profileModel);
  }
}

/**
 * APRON as a serving form. It trains on a profile domain (listening histories over the catalog's items: see
 * profiles.ts), not on the catalog's text queries; `askmusic train <catalog> --model apron` and `askmusic profile
 * train` write the same model into the same directory.
 */
export const apronForm: ServingForm = {
  async train(domain: Domain, options) {
    const { fitProfileModel } = await import("../profiles.js");
    const { model, report } = await fitProfileModel(domain, { seed: options.seed, options: options.options as ApronOptions, ...(options.log !== undefined ? { log: options.log } : {}), ...(options.onProgress !== undefined ? { progress: options.onProgress } : {}) });
    const training = { ...report.notes, trainSeconds: report.trainSeconds, seed: options.seed, trainedAt: new Date().toISOString() };
    return new ApronServingModel({ catalog: domain.name, model, ...domainItems(domain), training });
  },
  async trainingDomain(config, catalog, progress) {
    const { profileDomain } = await import("../profiles.js");
    return profileDomain(config, catalog, progress);
  },
  async load(dir) {
    // dir is <home>/models/<catalog>/apron: the catalog names the command that trains it.
    return new ApronServingModel(await loadProfileModel(dir, path.basename(path.dirname(dir))));
  },
};

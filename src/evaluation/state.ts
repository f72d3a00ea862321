/**
 * @file `state` for `eval`: conversational retrieval from the dialogue state (src/conversation/retrieval), with
 * dialogue understanding trained on cpcd-intent without the evaluated dialogues, and Last.fm-2k's artist tags.
 */
import type { Config } from "../config.js";
import { StateRecommender } from "../conversation/retrieval/state-model.js";
import { trainedDialogueUnderstanding } from "../conversation/understanding/trained.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { catalogDescriptions } from "../ranking/albums.js";

/** The model name `eval --models` knows it by. */
export const STATE_MODEL = "state";

/**
 * @example const m = stateRecommender(config, encoder); await m.fit(cpcdDomain, { seed: 42 });
 */
export function stateRecommender(config: Config, encoder: TextEncoder, log?: (line: string) => void): StateRecommender {
  return new StateRecommender({
    // The dialogues being evaluated are dropped from the classifier's training data (cpcd-intent holds 4 of the 5
    // sample dialogues).
    labeler: (domain) => trainedDialogueUnderstanding(config, encoder, domain.evaluatedDialogIds ?? [], { log }),
    describe: () => catalogDescriptions(config, "cpcd"),
  });
}

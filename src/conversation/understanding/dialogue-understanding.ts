/**
 * @file Dialogue understanding: the user intents (several per turn) and the musical attributes of an utterance, in
 * cpcd-intent's label sets, by two one-vs-rest logistic regressions over the utterance's sentence vector and sparse
 * word/context features. Trained on cpcd-intent's train part, its L2 penalty and per-label thresholds chosen on the
 * selection part; the held-out part ({@link intentSplitOf}) is only ever scored.
 */
import type { CpcdIntentRow } from "../../datasets/types.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import { ATTRIBUTES, USER_INTENTS, type Attribute, type UserIntent, type UtteranceLabels } from "../types.js";
import { multiLabelF1 } from "./f1.js";
import { FeatureVocabulary, userUtterances, type UtteranceInContext } from "./features.js";
import { MultiLabelLogistic, tuneThresholds, type Example, type LogisticJson } from "./logistic.js";
import { intentSplitOf } from "./split.js";

/** Options of {@link DialogueUnderstanding.train}. */
export interface DialogueTrainingOptions {
  /** Dialogues never to learn from (e.g. the CPCD dialogues being evaluated: `domain.evaluatedDialogIds`). */
  readonly exclude?: readonly string[];
  /** [l2s=[1e-4, 1e-3, 1e-2]] L2 penalties tried; the best mean selection micro F1 (intents, attributes) wins. */
  readonly l2s?: readonly number[];
  /** [epochs=30] */
  readonly epochs?: number;
  /** [seed=42] */
  readonly seed?: number;
  readonly progress?: (message: string) => void;
}

/** The saved form of a trained {@link DialogueUnderstanding}. */
export interface DialogueUnderstandingJson {
  readonly version: 1;
  readonly encoderId: string;
  readonly vocabulary: readonly string[];
  readonly intents: LogisticJson;
  readonly attributes: LogisticJson;
  /** What was chosen on the selection part, and how it scored there. */
  readonly selection: { readonly l2: number; readonly intentMicroF1: number; readonly attributeMicroF1: number };
  readonly excluded: readonly string[];
}

/** The context an utterance is labelled in. */
export interface UtteranceContext {
  /** The system turn it answers ("" or absent for the first turn). */
  readonly previousSystem?: string;
  /** 0-based index of the user turn in the conversation. */
  readonly position: number;
}

/**
 * Labels user utterances with intents and attributes.
 * @example
 * const du = await DialogueUnderstanding.train(rows, encoder);
 * (await du.label([{ text: "hi! some 80s synth pop please", position: 0 }]))[0];
 * // { intents: ["initial_query", "greeting", "add_filter"], attributes: ["genre", "year"] }
 */
export class DialogueUnderstanding {
  private constructor(
    private readonly encoder: TextEncoder,
    private readonly vocabulary: FeatureVocabulary,
    private readonly intents: MultiLabelLogistic,
    private readonly attributes: MultiLabelLogistic,
    readonly selection: DialogueUnderstandingJson["selection"],
    readonly excluded: readonly string[],
  ) {}

  /** Trains on cpcd-intent `rows` (all of them: the split is applied here, by dialogue id). */
  static async train(rows: readonly CpcdIntentRow[], encoder: TextEncoder, options: DialogueTrainingOptions = {}): Promise<DialogueUnderstanding> {
    const { exclude = [], l2s = [1e-4, 1e-3, 1e-2], epochs = 30, seed = 42, progress } = options;
    const drop = new Set(exclude);
    const all = userUtterances(rows).filter((u) => !drop.has(u.dialogId));
    const train = all.filter((u) => intentSplitOf(u.dialogId) === "train");
    const selection = all.filter((u) => intentSplitOf(u.dialogId) === "selection");
    if (train.length === 0 || selection.length === 0) throw new Error(`dialogue understanding needs train and selection utterances (got ${train.length} and ${selection.length})`);
    const vocabulary = FeatureVocabulary.build(train);
    progress?.(`encoding ${train.length + selection.length} utterances`);
    const [trainX, selX] = [await examples(encoder, vocabulary, train), await examples(encoder, vocabulary, selection)];
    let best: { l2: number; score: number; intents: MultiLabelLogistic; attributes: MultiLabelLogistic; i: number; a: number } | undefined;
    for (const l2 of l2s) {
      const fitted = (labels: readonly string[], gold: (u: UtteranceInContext) => readonly string[], atLeastOne: boolean) => {
        const c = MultiLabelLogistic.fit(labels, encoder.dims, vocabulary.size, trainX, train.map(gold), { l2, epochs, seed });
        const probs = selX.map((x) => c.probabilities(x));
        c.setThresholds(tuneThresholds(labels, probs, selection.map(gold)));
        return { c, f1: multiLabelF1(selection.map(gold), probs.map((p) => c.decide(p, atLeastOne))).microF1 };
      };
      const i = fitted(USER_INTENTS, (u) => u.intents ?? [], true);
      const a = fitted(ATTRIBUTES, (u) => u.attributes ?? [], false);
      const score = (i.f1 + a.f1) / 2;
      progress?.(`l2 ${l2}: selection micro F1 intents ${i.f1.toFixed(4)}, attributes ${a.f1.toFixed(4)}`);
      if (best === undefined || score > best.score) best = { l2, score, intents: i.c, attributes: a.c, i: i.f1, a: a.f1 };
    }
    const b = best!;
    return new DialogueUnderstanding(encoder, vocabulary, b.intents, b.attributes, { l2: b.l2, intentMicroF1: b.i, attributeMicroF1: b.a }, [...drop].sort());
  }

  static fromJSON(j: DialogueUnderstandingJson, encoder: TextEncoder): DialogueUnderstanding {
    if (j.version !== 1) throw new Error(`saved dialogue understanding has version ${String(j.version)}, expected 1`);
    if (j.encoderId !== encoder.id) throw new Error(`saved dialogue understanding was trained with encoder ${j.encoderId}, not ${encoder.id}`);
    return new DialogueUnderstanding(
      encoder,
      FeatureVocabulary.fromJSON(j.vocabulary),
      MultiLabelLogistic.fromJSON(j.intents),
      MultiLabelLogistic.fromJSON(j.attributes),
      j.selection,
      j.excluded,
    );
  }

  toJSON(): DialogueUnderstandingJson {
    return {
      version: 1,
      encoderId: this.encoder.id,
      vocabulary: this.vocabulary.toJSON(),
      intents: this.intents.toJSON(),
      attributes: this.attributes.toJSON(),
      selection: this.selection,
      excluded: this.excluded,
    };
  }

  /** Intents (never empty) and attributes of each utterance. */
  async label(utterances: readonly (UtteranceContext & { readonly text: string })[]): Promise<UtteranceLabels[]> {
    const ctx = utterances.map((u) => ({ dialogId: "", text: u.text, previousSystem: u.previousSystem ?? "", position: u.position }));
    const xs = await examples(this.encoder, this.vocabulary, ctx);
    return xs.map((x) => ({
      intents: this.intents.predict(x, true) as UserIntent[],
      attributes: this.attributes.predict(x) as Attribute[],
    }));
  }
}

/** Encodes utterances (their text, unit-normalised by the encoder) and looks up their sparse features. */
async function examples(encoder: TextEncoder, vocabulary: FeatureVocabulary, us: readonly UtteranceInContext[]): Promise<Example[]> {
  if (us.length === 0) return [];
  const m = await encoder.encode(us.map((u) => (u.text.trim() === "" ? "-" : u.text)));
  return us.map((u, i) => ({ dense: m.data.slice(i * m.cols, (i + 1) * m.cols), sparse: vocabulary.sparse(u) }));
}

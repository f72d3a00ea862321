/**
 * @file What the intent and attribute classifiers see of a user utterance: its sentence vector (dense), and sparse
 * binary features: its words and word pairs, the words of the system turn it answers (a "yes" after "Would that be
 * Tubular Bells?" is not a "yes" after "Here are a few songs"), its position in the dialogue, and the cues request
 * understanding reads (a negation, a "like X" reference, a decade).
 */
import type { CpcdIntentRow } from "../../datasets/types.js";
import { words } from "../../models/tagmatch/vocabulary.js";

/** A user utterance in its context, with its gold labels when known. */
export interface UtteranceInContext {
  readonly dialogId: string;
  readonly text: string;
  /** The system turn just before it ("" for the first turn). */
  readonly previousSystem: string;
  /** 0-based index of the user turn in its dialogue. */
  readonly position: number;
  readonly intents?: readonly string[];
  readonly attributes?: readonly string[];
}

/**
 * The user rows of cpcd-intent in file order, each with the system turn before it; attribute "none" becomes [].
 * @example userUtterances(rows)[1] // { dialogId: "b8e3…", text: "yes, please", previousSystem: "Super! Would that be Tubluar Bell?", position: 1, intents: ["others"], attributes: [] }
 */
export function userUtterances(rows: readonly CpcdIntentRow[]): UtteranceInContext[] {
  const out: UtteranceInContext[] = [];
  let dialog = "";
  let previousSystem = "";
  let position = 0;
  for (const r of rows) {
    if (r.dialogId !== dialog) [dialog, previousSystem, position] = [r.dialogId, "", 0];
    if (r.role === "system") {
      previousSystem = r.content.replace(/^\[MUSIC\]/, "");
      continue;
    }
    out.push({
      dialogId: r.dialogId,
      text: r.content,
      previousSystem,
      position: position++,
      intents: r.intents,
      attributes: r.musicAttributes.filter((a) => a !== "none"),
    });
  }
  return out;
}

const NEGATION = /\b(?:no|not|don'?t|dont|without|except|never|less|stop|remove|skip|instead|rather|nothing)\b/i;
const REFERENCE = /\b(?:like|similar|reminds?|style of|sounds?)\b/i;
const DECADE = /\b(?:(?:19|20)?\d0'?s|(?:19|20)\d\d)\b/;

/** The feature names of an utterance (before vocabulary lookup). */
export function featureNames(u: UtteranceInContext): string[] {
  const ws = words(u.text);
  const names = new Set<string>();
  for (const w of ws) names.add(`w:${w}`);
  for (let i = 0; i + 1 < ws.length; i++) names.add(`b:${ws[i]}_${ws[i + 1]}`);
  for (const w of words(u.previousSystem)) names.add(`s:${w}`);
  if (u.previousSystem.includes("?")) names.add("s:?");
  names.add(u.position === 0 ? "pos:first" : u.position === 1 ? "pos:second" : "pos:later");
  if (u.text.includes("?")) names.add("q");
  names.add(`len:${Math.min(4, Math.floor(Math.log2(1 + ws.length)))}`);
  if (NEGATION.test(u.text)) names.add("cue:negation");
  if (REFERENCE.test(u.text)) names.add("cue:reference");
  if (DECADE.test(u.text)) names.add("cue:decade");
  // Capitalised words after the first are mostly names (artists, tracks) in these chats.
  if (/\s[A-Z][\p{L}]+/u.test(u.text.slice(1))) names.add("cue:capitalised");
  return [...names];
}

/** Feature name → sparse id, built from the training utterances. */
export class FeatureVocabulary {
  private constructor(private readonly ids: ReadonlyMap<string, number>) {}

  /** Names seen in at least `minCount` training utterances (rarer ones would only be memorised). */
  static build(utterances: readonly UtteranceInContext[], minCount = 2): FeatureVocabulary {
    const counts = new Map<string, number>();
    for (const u of utterances) for (const n of featureNames(u)) counts.set(n, (counts.get(n) ?? 0) + 1);
    const kept = [...counts].filter(([, c]) => c >= minCount).map(([n]) => n).sort();
    return new FeatureVocabulary(new Map(kept.map((n, i) => [n, i])));
  }

  static fromJSON(names: readonly string[]): FeatureVocabulary {
    return new FeatureVocabulary(new Map(names.map((n, i) => [n, i])));
  }

  get size(): number {
    return this.ids.size;
  }

  /** The sparse ids of an utterance's known features. */
  sparse(u: UtteranceInContext): number[] {
    return featureNames(u).flatMap((n) => {
      const id = this.ids.get(n);
      return id === undefined ? [] : [id];
    });
  }

  toJSON(): string[] {
    const names: string[] = [];
    for (const [n, i] of this.ids) names[i] = n;
    return names;
  }
}

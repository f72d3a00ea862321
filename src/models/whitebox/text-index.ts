/**
 * @file The texts word feedback draws triplets from, indexed by word (TF.js-free: the serving form uses it too).
 */
import { requestWords } from "./tokens.js";

/** Texts indexed by the words they hold (rows of `texts` per word). */
export interface TextIndex {
  readonly texts: readonly string[];
  readonly byWord: ReadonlyMap<string, readonly number[]>;
}

/** Indexes texts by their words (as `requestWords` splits them). */
export function indexTexts(texts: readonly string[], maxWords: number): TextIndex {
  const byWord = new Map<string, number[]>();
  texts.forEach((t, i) => {
    for (const w of new Set(requestWords(t, maxWords))) {
      const list = byWord.get(w) ?? [];
      list.push(i);
      byWord.set(w, list);
    }
  });
  return { texts, byWord };
}


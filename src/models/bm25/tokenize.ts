/**
 * @file The lexical tokenizer shared by BM25 indexing and querying: lowercase unicode letters/digits runs.
 */

/**
 * Splits text into lowercase runs of unicode letters/digits. A `---` prefix (Jamendo's `genre---rock`,
 * `mood/theme---happy`) is stripped first, so the category name never becomes a term.
 * @example tokenize("genre---Hip-Hop, Röyksopp 80s") // ["hip", "hop", "röyksopp", "80s"]
 */
export function tokenize(text: string): string[] {
  const stripped = text.toLowerCase().replace(/[^\s,;|]*---/gu, " ");
  return stripped.match(/[\p{L}\p{N}]+/gu) ?? [];
}

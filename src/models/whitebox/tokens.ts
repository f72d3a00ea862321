/**
 * @file The white-box encoder's input: a request's words (tagmatch's `words()`), each as a frozen pretrained vector
 * (the domain's request encoder, USE-lite, applied to the word alone), packed into padded [requests, slots, dims]
 * arrays with a mask.
 */
import type { Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { requestVectors } from "../request-vectors.js";
import { words } from "../tagmatch/vocabulary.js";

/**
 * The words the encoder reads from a text, at most `maxWords` (the rest are dropped, and get no attention).
 * @example requestWords("Post-Rock for a rainy day", 12) // ["post", "rock", "for", "a", "rainy", "day"]
 */
export function requestWords(text: string, maxWords: number): string[] {
  return words(text).slice(0, maxWords);
}

/** A packed batch: x is rows x slots x dims (row-major), mask rows x slots. */
export interface PackedWords {
  readonly rows: number;
  readonly slots: number;
  readonly dims: number;
  readonly x: Float32Array;
  readonly mask: Float32Array;
  /** Per row, its words (slot order). */
  readonly words: readonly (readonly string[])[];
}

/**
 * Packs texts' words with their vectors (encoded once per domain and word; the default encoder caches on disk).
 * Slots = the longest row's word count (at least 1, so a batch of empty texts still has a shape).
 */
export async function packWords(texts: readonly string[], domain: Domain, maxWords: number): Promise<PackedWords> {
  return packWordsWith(texts, maxWords, (distinct) => requestVectors(distinct.map((w) => ({ text: w })), domain));
}

/**
 * {@link packWords} with any source of word vectors: `vectorsOf(words)` gives one row per word, in order (a served
 * model has no domain: the server's encoder encodes the words).
 */
export async function packWordsWith(texts: readonly string[], maxWords: number, vectorsOf: (words: string[]) => Promise<Matrix>): Promise<PackedWords> {
  const rowsWords = texts.map((t) => requestWords(t, maxWords));
  const distinct = [...new Set(rowsWords.flat())];
  const vectors = await vectorsOf(distinct);
  if (vectors.rows !== distinct.length) throw new RangeError(`word vectors: ${vectors.rows} rows for ${distinct.length} words`);
  const at = new Map(distinct.map((w, i) => [w, i]));
  const slots = Math.max(1, ...rowsWords.map((w) => w.length));
  const dims = vectors.cols;
  const x = new Float32Array(texts.length * slots * dims);
  const mask = new Float32Array(texts.length * slots);
  rowsWords.forEach((ws, r) => {
    ws.forEach((w, s) => {
      const i = at.get(w)!;
      x.set(vectors.data.subarray(i * dims, (i + 1) * dims), (r * slots + s) * dims);
      mask[r * slots + s] = 1;
    });
  });
  return { rows: texts.length, slots, dims, x, mask, words: rowsWords };
}

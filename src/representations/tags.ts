/**
 * @file Tag vectors of items: multi-hot item x tag matrices, and "co-tag" embeddings (SVD of the IDF-weighted
 * item x tag matrix) that give each item a dense CF-like vector from the tags it shares with other items.
 */
import { matrix, type Matrix } from "../core/matrix.js";
import { cfEmbeddings, type SparseEntry } from "./cf.js";

/** A vocabulary of tags: `tags[j]` is column j; `index` maps a tag back to j. */
export interface TagVocabulary {
  readonly tags: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

/**
 * The distinct tags of all items, sorted by code unit (deterministic column order).
 * @example tagVocabulary([["rock", "pop"], ["rock"]]).tags // ["pop", "rock"]
 */
export function tagVocabulary(itemTags: readonly (readonly string[])[]): TagVocabulary {
  const tags = [...new Set(itemTags.flat())].sort();
  return { tags, index: new Map(tags.map((t, j) => [t, j])) };
}

/**
 * Multi-hot matrix: rows = items, cols = vocabulary tags, 1 where the item carries the tag. Tags outside the
 * vocabulary are ignored (e.g. when the vocabulary comes from training data only).
 * @example multiHot([["rock"], ["pop", "rock"]]).matrix.data // Float32Array [0, 1, 1, 1]
 */
export function multiHot(itemTags: readonly (readonly string[])[], vocabulary = tagVocabulary(itemTags)): { vocabulary: TagVocabulary; matrix: Matrix } {
  const width = vocabulary.tags.length;
  const out = matrix(itemTags.length, width);
  itemTags.forEach((tags, i) => {
    for (const t of tags) {
      const j = vocabulary.index.get(t);
      if (j !== undefined) out.data[i * width + j] = 1;
    }
  });
  return { vocabulary, matrix: out };
}

/** Options for {@link cotagEmbeddings}. */
export interface CotagOptions {
  /** [k=32] embedding width (capped at the number of distinct tags and items). */
  readonly k?: number;
  /** SVD seed: the same seed and input give the same vectors. */
  readonly seed: number;
}

/**
 * Co-tag embeddings: the item x tag matrix with value log1p(count) · idf(tag), idf = ln(nItems / df), then a
 * truncated SVD (cf.ts); item vectors are U·sqrt(S), tag vectors V·sqrt(S). A tag listed several times for an
 * item counts several times (e.g. how many training queries used it). Items without tags get zero rows.
 * IDF keeps tags carried by almost every item from dominating the first components.
 * @example
 * const { items } = cotagEmbeddings(tracks.map(t => [...t.tags.genre, ...t.tags.mood]), { seed: 0 });
 * // items: rows = tracks, cols = 32
 */
export function cotagEmbeddings(
  itemTags: readonly (readonly string[])[],
  options: CotagOptions,
): { items: Matrix; tags: Matrix; vocabulary: TagVocabulary; singularValues: Float64Array } {
  const vocabulary = tagVocabulary(itemTags);
  const nItems = itemTags.length;
  const nTags = vocabulary.tags.length;
  const df = new Float64Array(nTags);
  const counts = itemTags.map((tags) => {
    const c = new Map<number, number>();
    for (const t of tags) c.set(vocabulary.index.get(t)!, (c.get(vocabulary.index.get(t)!) ?? 0) + 1);
    for (const j of c.keys()) df[j]++;
    return c;
  });
  const entries: SparseEntry[] = [];
  counts.forEach((c, i) => {
    for (const [j, n] of c) {
      const idf = Math.log(nItems / df[j]);
      // A tag on every item has idf 0: it separates nothing, so it is left out rather than stored as zeros.
      if (idf > 0) entries.push({ row: i, col: j, value: Math.log1p(n) * idf });
    }
  });
  const k = Math.min(options.k ?? 32, nItems, nTags);
  if (k < 1 || entries.length === 0) {
    return { items: matrix(nItems, 0), tags: matrix(nTags, 0), vocabulary, singularValues: new Float64Array(0) };
  }
  const { rows, cols, singularValues } = cfEmbeddings(entries, nItems, nTags, k, { seed: options.seed });
  return { items: rows, tags: cols, vocabulary, singularValues };
}

/**
 * Each item's top `k` tag ids by count: count descending, ties by tag id ascending (the order lfm2k's tag texts
 * use). Items without counts get [].
 * @example topTagsByCount([new Map([[7, 1], [3, 2], [5, 1]]), new Map()], 2) // [[3, 5], []]
 */
export function topTagsByCount(counts: readonly ReadonlyMap<number, number>[], k: number): number[][] {
  return counts.map((m) =>
    [...m]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([tag]) => tag),
  );
}

/**
 * @file The count prior of the decoder: for a request whose text train pairs list items, each trie node's count is
 * how many of those pairs name an item below it; entering a node adds w_depth · log(count + s(node)) to its logit,
 * s(node) the smoothing mass of the items below it (each item's s_i in (0, α], larger for more popular items). The
 * siblings' terms sum to their parent's, so with w = 1 the product of the per-step softmaxes telescopes to
 * (count(item) + s_i) / (count(request) + Σ s): counting, with popularity breaking its ties (tag-popularity's order,
 * since s_i < 1 never outweighs a count). The decoder learns the weights and everything the counts miss.
 */
import { textKey } from "../counting.js";
import type { PrefixTrie } from "./trie.js";

/**
 * α: the largest smoothing count of an item. Small, so that a subtree of uncounted items (hundreds of artists under a
 * first token) still weighs less than one counted pair and beam search reaches the counted items first. [1e-3]
 */
export const PRIOR_SMOOTHING = 1e-3;

/**
 * The prior's feature of a node: log(count + its smoothing mass).
 * @example priorFeature(3, 0.1) // log(3.1)
 */
export function priorFeature(count: number, mass: number): number {
  return Math.log(Math.max(0, count) + mass);
}

/**
 * Per item its smoothing count s_i = α · (1 + pop_i) / (1 + max pop): in (0, α], proportional to popularity (plus
 * one), so uncounted items (and every item of a text never seen in train) rank by popularity, and a subtree's mass is
 * led by its most popular items, which beam search then reaches first (a log-compressed s_i lets large subtrees of
 * obscure items win the search instead: lfm2k-tagq selection 0.2034 against 0.2055 for exact counting).
 * @example itemSmoothing(Float32Array.of(0, 9), 1)[0] // 0.1
 */
export function itemSmoothing(popularity: Float32Array, alpha = PRIOR_SMOOTHING): Float32Array {
  let max = 0;
  for (const p of popularity) max = Math.max(max, p);
  return Float32Array.from(popularity, (p) => (alpha * (1 + Math.max(0, p))) / (1 + max));
}

/**
 * Per trie node the smoothing mass below it (the sum of its items' s_i); uniform α per item when `smoothing` is
 * absent (models saved before popularity smoothing).
 */
export function smoothingMass(trie: PrefixTrie, smoothing?: Float32Array): Float64Array {
  const mass = new Float64Array(trie.parent.length);
  for (let item = 0; item < trie.items; item++) {
    const s = smoothing?.[item] ?? PRIOR_SMOOTHING;
    for (let node = trie.nodeOfItem[item]; node >= 0; node = trie.parent[node]) mass[node] += s;
  }
  return mass;
}

/** Per normalised request text, how many train pairs list each item (counting.ts's trainCounts). */
export type TextCounts = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * The per-node counts of one request's text: every counted item adds its count to each node on its path (root
 * included). Undefined when train never had the text.
 * @example nodeCounts(trie, counts, "80s")?.get(trie.nodeOfItem[5]) // 3
 */
export function nodeCounts(trie: PrefixTrie, counts: TextCounts, text: string): Map<number, number> | undefined {
  const items = counts.get(textKey(text));
  if (items === undefined) return undefined;
  const out = new Map<number, number>();
  for (const [item, n] of items) {
    if (item < 0 || item >= trie.items) continue;
    for (let node = trie.nodeOfItem[item]; node >= 0; node = trie.parent[node]) out.set(node, (out.get(node) ?? 0) + n);
  }
  return out;
}

/** Flattens counts for saving: texts in order, and per text its (item, count) pairs. */
export function countsToArrays(counts: TextCounts): { texts: string[]; offsets: Float32Array; items: Float32Array; values: Float32Array } {
  const texts = [...counts.keys()];
  const offsets = new Float32Array(texts.length + 1);
  const items: number[] = [];
  const values: number[] = [];
  texts.forEach((t, i) => {
    for (const [item, n] of counts.get(t)!) {
      items.push(item);
      values.push(n);
    }
    offsets[i + 1] = items.length;
  });
  return { texts, offsets, items: Float32Array.from(items), values: Float32Array.from(values) };
}

/** The inverse of {@link countsToArrays}. */
export function countsFromArrays(texts: readonly string[], offsets: Float32Array, items: Float32Array, values: Float32Array): TextCounts {
  return new Map(texts.map((t, i) => [t, new Map(Array.from({ length: offsets[i + 1] - offsets[i] }, (_, j) => [items[offsets[i] + j], values[offsets[i] + j]] as [number, number]))]));
}

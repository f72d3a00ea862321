/**
 * @file The count prior of the decoder: for a request whose text train pairs list items, each trie node's count is
 * how many of those pairs name an item below it; entering a node adds w_depth · log(count + α · items below it) to
 * its logit. The siblings' terms sum to their parent's, so with w = 1 the product of the per-step softmaxes
 * telescopes to (count(item) + α) / (count(request) + α · items): counting, smoothed. The decoder learns the weights
 * and everything the counts miss (unseen texts, ties among uncounted items, similar requests).
 */
import { textKey } from "../counting.js";
import type { PrefixTrie } from "./trie.js";

/** α: the smoothing count of each item (0.01 x 17,632 artists = 176 pairs' worth spread over the catalog). */
export const PRIOR_SMOOTHING = 0.01;

/**
 * The prior's feature of a node: log(count + α · items below it).
 * @example priorFeature(3, 10) // log(3.1)
 */
export function priorFeature(count: number, leaves: number): number {
  return Math.log(Math.max(0, count) + PRIOR_SMOOTHING * leaves);
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

/**
 * @file Item identifiers as token sequences, the one interface every ID scheme implements (semantic, content, int,
 * title: one module each), and what they share: disambiguation of items whose tokens collide, and the digest of a
 * scheme's inputs that keys its disk cache (cache.ts).
 */
import { createHash } from "node:crypto";
import type { Matrix } from "../../../core/matrix.js";
import type { Domain } from "../../../domains/types.js";

/** The ID schemes, as in the model names text2tracks-<scheme>. */
export const ID_SCHEME_NAMES = ["semantic", "content", "int", "title"] as const;
export type IdSchemeName = (typeof ID_SCHEME_NAMES)[number];

/** Parameters of the quantised schemes (the others ignore them). */
export interface IdParams {
  /** Residual k-means levels L. */
  readonly levels: number;
  /** Codes C per level. */
  readonly codes: number;
  readonly seed: number;
}

/**
 * Every item's identifier: item -> tokens is `sequences[item]`; tokens -> item is the prefix trie built from them
 * (trie.ts). No sequence is a prefix of another, so decoding a complete sequence names exactly one item.
 */
export interface ItemIds {
  readonly scheme: IdSchemeName;
  /** What the ids were built from, for reports, e.g. "items.features.cf (64-d), residual k-means 3 x 64". */
  readonly source: string;
  /** Token labels, index = token id (vocabulary size = tokens.length), e.g. "1:17", "#2", "britney". */
  readonly tokens: readonly string[];
  /** Per item (dense index) its token ids. */
  readonly sequences: readonly Int32Array[];
}

/** One way of naming items with tokens. */
export interface IdScheme {
  readonly name: IdSchemeName;
  /** A digest of exactly what {@link IdScheme.build} reads (domain inputs and params): the key of its disk cache. */
  key(domain: Domain, params: IdParams): string;
  /** Builds every item's identifier. Throws ModelFitError when the domain cannot support the scheme, saying why. */
  build(domain: Domain, params: IdParams): ItemIds;
}

/**
 * Makes the identifiers unique: items sharing a sequence each get one more token, `#0`, `#1`, ... (appended after
 * the shared tokens), and items with a sequence of their own keep it as it is. Within a group the order is by
 * `priority` descending (then item index): with train popularity, `#0` means "the group's most played item" in
 * every group, which a decoder can learn once instead of per group. Returns the token vocabulary grown by the
 * disambiguation tokens needed (as many as the largest group).
 * @example disambiguate([[0, 1], [0, 1], [1, 0]], ["a", "b"]) // { sequences: [[0, 1, 2], [0, 1, 3], [1, 0]], tokens: ["a", "b", "#0", "#1"] }
 */
export function disambiguate(raw: readonly (readonly number[])[], tokens: readonly string[], priority?: ArrayLike<number>): { sequences: Int32Array[]; tokens: string[] } {
  const groups = new Map<string, number[]>();
  raw.forEach((s, i) => {
    const key = s.join(",");
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [i]);
    else g.push(i);
  });
  let largest = 1;
  for (const g of groups.values()) largest = Math.max(largest, g.length);
  const base = tokens.length;
  const sequences = raw.map((s) => Int32Array.from(s));
  for (const g of groups.values()) {
    if (g.length === 1) continue;
    if (priority !== undefined) g.sort((a, b) => priority[b] - priority[a] || a - b);
    g.forEach((item, d) => (sequences[item] = Int32Array.from([...raw[item], base + d])));
  }
  const extra = largest > 1 ? Array.from({ length: largest }, (_, d) => `#${d}`) : [];
  return { sequences, tokens: [...tokens, ...extra] };
}

/** A sha256 digest (hex, first 24 chars) of strings and matrices, in order. */
export function digest(parts: readonly (string | Matrix)[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    if (typeof p === "string") h.update(`s${p.length}:`).update(p);
    else h.update(`m${p.rows}x${p.cols}:`).update(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  }
  return h.digest("hex").slice(0, 24);
}

/**
 * The mean number of tokens per item: the decoding steps needed to name one.
 * @example meanLength({ sequences: [Int32Array.of(1, 2), Int32Array.of(3)] } as ItemIds) // 1.5
 */
export function meanLength(ids: Pick<ItemIds, "sequences">): number {
  return ids.sequences.reduce((n, s) => n + s.length, 0) / Math.max(1, ids.sequences.length);
}

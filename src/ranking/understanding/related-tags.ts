/**
 * @file Tags that go together, learned from the catalog's own items: for each tag, the tags most often carried by
 * the same items, by how much more often than chance (lift), as a strength in (0, 1]. Understanding adds them to a
 * request with a weak weight, so "lofi" also leans towards what lofi tracks are also tagged.
 */

/** Related tags of each tag key. */
export interface RelatedTags {
  /** The related keys of `key` with their strengths, strongest first (none for an unknown key). */
  of(key: string): readonly (readonly [string, number])[];
}

/** Options of {@link relatedTags}. */
export interface RelatedOptions {
  /** [perTag=3] related tags kept per tag. */
  readonly perTag?: number;
  /** [minCount=5] items that must carry both tags. */
  readonly minCount?: number;
  /** [minShare=0.2] share of the tag's items that must also carry the related one. */
  readonly minShare?: number;
}

/**
 * For each tag a, the tags b with count(a, b) >= minCount and P(b | a) >= minShare, ranked by lift
 * P(b | a) / P(b), keeping `perTag`; the strength is P(b | a).
 * @example relatedTags([["lofi", "chillout"], ["lofi", "chillout"], ["rock"]], { minCount: 1 }).of("lofi") // [["chillout", 1]]
 */
export function relatedTags(items: readonly (readonly string[])[], options: RelatedOptions = {}): RelatedTags {
  const perTag = options.perTag ?? 3;
  const minCount = options.minCount ?? 5;
  const minShare = options.minShare ?? 0.2;
  const count = new Map<string, number>();
  const pair = new Map<string, Map<string, number>>();
  for (const tags of items) {
    const own = [...new Set(tags.filter((t) => t !== ""))];
    for (const a of own) {
      count.set(a, (count.get(a) ?? 0) + 1);
      let m = pair.get(a);
      if (m === undefined) pair.set(a, (m = new Map()));
      for (const b of own) if (b !== a) m.set(b, (m.get(b) ?? 0) + 1);
    }
  }
  const n = Math.max(items.length, 1);
  const table = new Map<string, [string, number][]>();
  for (const [a, m] of pair) {
    const na = count.get(a)!;
    const scored = [...m]
      .filter(([, c]) => c >= minCount && c / na >= minShare)
      .map(([b, c]) => ({ b, share: c / na, lift: c / na / (count.get(b)! / n) }))
      .filter((x) => x.lift > 1)
      .sort((x, y) => y.lift - x.lift || x.b.localeCompare(y.b))
      .slice(0, perTag);
    table.set(a, scored.map((x) => [x.b, x.share]));
  }
  return { of: (key) => table.get(key) ?? [] };
}

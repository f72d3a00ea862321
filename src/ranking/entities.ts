/**
 * @file Names in requests: "songs like Coldplay", "more radiohed" are matched exactly and fuzzily against a list of
 * names (a catalog's artists, a domain's items), because a sentence encoder alone does not know who "Coldplay" is.
 * The catalog ranker uses it through catalog-entities.ts; entity-aware.ts wraps a model with it for benchmarks.
 */
import type { Domain } from "../domains/types.js";

/** One catalog item named in a request. */
export interface EntityMatch {
  readonly item: number;
  /** 1 for an exact (normalised) name match, else the fuzzy similarity in [minSimilarity, 1). */
  readonly similarity: number;
  /** The request words that matched (normalised). */
  readonly span: string;
}

/** Options of {@link EntityIndex}. */
export interface EntityOptions {
  /** [0.85] Minimum similarity (1 − Levenshtein / longer length) of a fuzzy match. */
  readonly minSimilarity?: number;
  /** [4] Names (normalised) shorter than this match only exactly, never fuzzily. */
  readonly minFuzzyLength?: number;
  /** [6] Longest word n-gram of the request compared with names. */
  readonly maxWords?: number;
}

/** Words that never count as an artist name on their own (request filler). */
const STOP = new Set(
  "a an and any artist artists by for from i if in is it like me more music my of on play please similar some something song songs sound sounds that the this to tracks with".split(" "),
);

/**
 * Normalises a name or request: Unicode NFKD without diacritics, lower case, "&" → "and", punctuation → space,
 * single spaces. @example normalizeName("Röyksopp & The Knife!") // "royksopp and the knife"
 */
export function normalizeName(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The words of a name or request, normalised ({@link normalizeName}); none for a text without letters or digits.
 * @example nameWords("Songs like Röyksopp!") // ["songs", "like", "royksopp"]
 */
export function nameWords(s: string): string[] {
  return normalizeName(s).split(" ").filter((w) => w !== "");
}

/**
 * True when every word is request filler ("songs", "like", "more", ...): such a span or name is never an entity.
 * @example isFiller(["songs", "like"]) // true
 */
export function isFiller(words: readonly string[]): boolean {
  return words.every((w) => STOP.has(w));
}

/** Levenshtein distance with an early exit once it exceeds `max` (returns max + 1 then). */
export function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

function trigrams(s: string): string[] {
  const p = ` ${s} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= p.length; i++) out.push(p.slice(i, i + 3));
  return out;
}

/**
 * Exact + fuzzy name lookup over `names` (e.g. `domain.items.names`). Exact: every word n-gram of the request
 * equal to a normalised name. Fuzzy: n-grams of >= minFuzzyLength characters against names sharing a trigram,
 * kept at similarity >= minSimilarity. Spans made only of filler words ("songs like") never match.
 * @example new EntityIndex(["Coldplay", "Radiohead"]).find("songs like radiohed")
 * // [{ item: 1, similarity: 0.889, span: "radiohed" }]
 */
export class EntityIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly byTrigram = new Map<string, number[]>();
  private readonly normalized: string[];
  private readonly minSimilarity: number;
  private readonly minFuzzyLength: number;
  private readonly maxWords: number;

  constructor(names: readonly string[], options: EntityOptions = {}) {
    this.minSimilarity = options.minSimilarity ?? 0.85;
    this.minFuzzyLength = options.minFuzzyLength ?? 4;
    this.maxWords = options.maxWords ?? 6;
    this.normalized = names.map(normalizeName);
    this.normalized.forEach((n, i) => {
      if (n === "" || isFiller(n.split(" "))) return;
      const list = this.exact.get(n) ?? [];
      list.push(i);
      this.exact.set(n, list);
      if (n.length < this.minFuzzyLength) return;
      for (const g of new Set(trigrams(n))) {
        const l = this.byTrigram.get(g) ?? [];
        l.push(i);
        this.byTrigram.set(g, l);
      }
    });
  }

  /**
   * Items named in `text`, best first (similarity descending, then item index); one entry per item. `fuzzy` may
   * veto fuzzy matching of a span (exact matches are always looked up): the costly part of a lookup.
   */
  find(text: string, fuzzy: (span: string) => boolean = () => true): EntityMatch[] {
    const words = nameWords(text);
    const best = new Map<number, EntityMatch>();
    const offer = (m: EntityMatch) => {
      const old = best.get(m.item);
      if (old === undefined || m.similarity > old.similarity) best.set(m.item, m);
    };
    for (let n = Math.min(this.maxWords, words.length); n >= 1; n--) {
      for (let s = 0; s + n <= words.length; s++) {
        const spanWords = words.slice(s, s + n);
        if (isFiller(spanWords)) continue;
        const span = spanWords.join(" ");
        for (const item of this.exact.get(span) ?? []) offer({ item, similarity: 1, span });
        if (span.length < this.minFuzzyLength || !fuzzy(span)) continue;
        const maxEdits = Math.floor((1 - this.minSimilarity) * (span.length + 2));
        const shared = new Map<number, number>();
        for (const g of new Set(trigrams(span))) for (const i of this.byTrigram.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
        for (const [item, count] of shared) {
          if (count < 2) continue; // cheap filter: a near-identical string shares several trigrams
          const name = this.normalized[item];
          const longer = Math.max(name.length, span.length);
          const d = levenshtein(span, name, maxEdits);
          const sim = 1 - d / longer;
          if (d <= maxEdits && sim >= this.minSimilarity && sim < 1) offer({ item, similarity: sim, span });
        }
      }
    }
    return [...best.values()].sort((a, b) => b.similarity - a.similarity || a.item - b.item);
  }
}

/**
 * The documented entity request set: for the `count` most popular items (train popularity, ties by index) whose
 * normalised name has >= 4 characters and is not filler, four requests each, cycling through templates:
 * exact ("songs like {name}", "more {name}"), lower-cased ("{name} please"), and one typo (the middle
 * character of the name deleted: "something similar to {nme}"). Deterministic: no randomness.
 * @example entityRequests(domain, 1)[0] // { text: "songs like Britney Spears", item: 289, kind: "exact" }
 */
export function entityRequests(domain: Domain, count: number): EntityRequest[] {
  return entityRequestsFor(domain.items.names, domain.items.popularity, count);
}

/** One request of the entity set: its text, the index (in `names`) of the name it uses, and its form. */
export interface EntityRequest {
  readonly text: string;
  readonly item: number;
  readonly kind: "exact" | "lowercase" | "typo";
}

/** {@link entityRequests} over any list of names and their popularity (e.g. a catalog's artists). */
export function entityRequestsFor(names: readonly string[], popularity: ArrayLike<number>, count: number): EntityRequest[] {
  const order = Array.from(names.keys()).sort((a, b) => popularity[b] - popularity[a] || a - b);
  const out: EntityRequest[] = [];
  for (const i of order) {
    if (out.length >= count * 4) break;
    const name = names[i];
    const norm = normalizeName(name);
    if (norm.length < 4 || isFiller(norm.split(" "))) continue;
    const mid = Math.floor(name.length / 2);
    const typo = name.slice(0, mid) + name.slice(mid + 1);
    out.push({ text: `songs like ${name}`, item: i, kind: "exact" });
    out.push({ text: `more ${name}`, item: i, kind: "exact" });
    out.push({ text: `${name.toLowerCase()} please`, item: i, kind: "lowercase" });
    out.push({ text: `something similar to ${typo}`, item: i, kind: "typo" });
  }
  return out;
}

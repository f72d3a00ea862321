/**
 * @file Entity awareness for JAM: requests that name an artist ("songs like Coldplay", "more radiohed") are matched
 * exactly and fuzzily against the catalog's names, and the match feeds the score (the artist, then its CF
 * neighbourhood), because a sentence encoder alone does not know who "Coldplay" is.
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest, ScoringRecommender } from "../recommender.js";
import { rankByScoring } from "../rank.js";

/** One catalog item named in a request. */
export interface EntityMatch {
  readonly item: number;
  /** 1 for an exact (normalised) name match, else the fuzzy similarity in [minSimilarity, 1). */
  readonly similarity: number;
  /** The request words that matched (normalised). */
  readonly span: string;
}

/** Options of {@link EntityIndex} and {@link EntityAwareRecommender}. */
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
      if (n === "" || n.split(" ").every((w) => STOP.has(w))) return;
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
    const words = normalizeName(text).split(" ").filter((w) => w !== "");
    const best = new Map<number, EntityMatch>();
    const offer = (m: EntityMatch) => {
      const old = best.get(m.item);
      if (old === undefined || m.similarity > old.similarity) best.set(m.item, m);
    };
    for (let n = Math.min(this.maxWords, words.length); n >= 1; n--) {
      for (let s = 0; s + n <= words.length; s++) {
        const spanWords = words.slice(s, s + n);
        if (spanWords.every((w) => STOP.has(w))) continue;
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

/** Options of {@link EntityAwareRecommender}. */
export interface EntityAwareOptions extends EntityOptions {
  /** [100] Added to a named item's score x similarity: large enough to put it first. */
  readonly nameBoost?: number;
  /** [5] Added to every item x its cosine with the named item on `neighbourFeature` (its neighbourhood). */
  readonly neighbourBoost?: number;
  /** ["cf"] items.features key whose cosine defines the neighbourhood (skipped when the domain lacks it). */
  readonly neighbourFeature?: string;
}

/**
 * Wraps a recommender: score = base score + nameBoost·similarity for each named item + neighbourBoost·cos(item,
 * named item) on the neighbourhood feature (best match only). explain adds an `entity` part (the sum of both
 * boosts for that item), so the parts still add up to the score.
 * @example const m = new EntityAwareRecommender(jam); await m.fit(domain, { seed: 42 });
 * await m.score([{ text: "songs like coldplay" }]) // Coldplay first, then its CF neighbours
 */
export class EntityAwareRecommender implements Recommender {
  readonly name: string;
  private index: EntityIndex | undefined;
  private unit: Matrix | undefined;
  private readonly options: EntityAwareOptions;

  readonly context: ContextUse;

  constructor(readonly base: ScoringRecommender, options: EntityAwareOptions = {}) {
    this.name = `${base.name}+entities`;
    this.context = base.context;
    this.options = options;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  private bind(domain: Domain): void {
    this.index = new EntityIndex(domain.items.names, this.options);
    const f = domain.items.features[this.options.neighbourFeature ?? "cf"];
    if (f === undefined) {
      this.unit = undefined;
      return;
    }
    const u = matrix(f.rows, f.cols, new Float32Array(f.data));
    for (let i = 0; i < u.rows; i++) {
      let n = 0;
      for (let j = 0; j < u.cols; j++) n += u.data[i * u.cols + j] ** 2;
      n = Math.sqrt(n) || 1e-10; // zero rows stay zero instead of NaN
      for (let j = 0; j < u.cols; j++) u.data[i * u.cols + j] /= n;
    }
    this.unit = u;
  }

  /** Binds the name index to `domain` for a base model that is already fitted or loaded. */
  async attach(domain: Domain): Promise<void> {
    this.bind(domain);
  }

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const report = await this.base.fit(domain, options);
    this.bind(domain);
    return report;
  }

  /** The additive entity boost for every item (length = items), or undefined when the request names nothing. */
  entityBoost(text: string, nItems: number): Float32Array | undefined {
    const matches = this.index!.find(text);
    if (matches.length === 0) return undefined;
    const boost = new Float32Array(nItems);
    const nameBoost = this.options.nameBoost ?? 100;
    for (const m of matches) boost[m.item] += nameBoost * m.similarity;
    const u = this.unit;
    if (u !== undefined) {
      const top = matches[0];
      const nb = (this.options.neighbourBoost ?? 5) * top.similarity;
      for (let i = 0; i < u.rows; i++) {
        let c = 0;
        for (let j = 0; j < u.cols; j++) c += u.data[i * u.cols + j] * u.data[top.item * u.cols + j];
        boost[i] += nb * c;
      }
    }
    return boost;
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const s = await this.base.score(requests);
    requests.forEach((r, i) => {
      const b = this.entityBoost(r.text, s.cols);
      if (b === undefined) return;
      for (let j = 0; j < s.cols; j++) s.data[i * s.cols + j] += b[j];
    });
    return s;
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const base = this.base.explain !== undefined ? (await this.base.explain(request, item)).parts : { [this.base.name]: (await this.base.score([request])).data[item] };
    const s = await this.score([request]);
    const b = this.entityBoost(request.text, s.cols);
    return { parts: { ...base, entity: b?.[item] ?? 0 } };
  }

  save(dir: string): Promise<void> {
    return this.base.save(dir);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await this.base.load(dir, domain);
    this.bind(domain);
  }

  dispose(): void {
    this.base.dispose();
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
  const domain = { items: { names, popularity } };
  const order = Array.from(names.keys()).sort((a, b) => domain.items.popularity[b] - domain.items.popularity[a] || a - b);
  const out: EntityRequest[] = [];
  for (const i of order) {
    if (out.length >= count * 4) break;
    const name = domain.items.names[i];
    const norm = normalizeName(name);
    if (norm.length < 4 || norm.split(" ").every((w) => STOP.has(w))) continue;
    const mid = Math.floor(name.length / 2);
    const typo = name.slice(0, mid) + name.slice(mid + 1);
    out.push({ text: `songs like ${name}`, item: i, kind: "exact" });
    out.push({ text: `more ${name}`, item: i, kind: "exact" });
    out.push({ text: `${name.toLowerCase()} please`, item: i, kind: "lowercase" });
    out.push({ text: `something similar to ${typo}`, item: i, kind: "typo" });
  }
  return out;
}

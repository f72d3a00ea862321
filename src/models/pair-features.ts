/**
 * @file Count features of a (request, item) pair that a ranker can learn weights for and show as named parts:
 * - `history`: log(1 + plays of the item by the listener) — their listening history (a given fold-in history, or
 *   their user's row of `domain.interactions`);
 * - `cooccurrence`: log(1 + train requests with these words that list the item) — the tag-item co-occurrence of the
 *   training data; a request whose exact words were never trained on counts the trained phrases it contains;
 * - `tagged`: log(1 + the listener's own train requests that list the item) — what they chose before.
 * Every statistic comes from `domain.train` and `domain.interactions` only (never a selection or evaluated split).
 */
import type { CsrMatrix } from "../core/sparse.js";
import type { Domain } from "../domains/types.js";
import { historyOf, textKey, trainCounts } from "./counting.js";
import type { RequestContext } from "./recommender.js";

/** Feature names, in the order of every feature array. */
export const PAIR_FEATURES = ["history", "cooccurrence", "tagged"] as const;
export type PairFeature = (typeof PAIR_FEATURES)[number];

/** The statistics the features are read from. */
export interface PairTables {
  readonly items: number;
  readonly plays: CsrMatrix | undefined;
  /** Normalised train text → item → train requests with that text listing the item. */
  readonly cooccurrence: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** Dense user index → item → that user's train requests listing the item. */
  readonly tagged: ReadonlyMap<number, ReadonlyMap<number, number>>;
  /** Trained phrases by their first word, longest first: finds trained phrases inside a free-text request. */
  readonly phrasesByFirstWord: ReadonlyMap<string, readonly string[]>;
}

/**
 * Builds the tables from a domain's training data.
 * @example const t = pairTables(domain); pairFeatures(t, { text: "80s", user: 3 })[1][42] // log(1 + count)
 */
export function pairTables(domain: Domain): PairTables {
  const tagged = new Map<number, Map<number, number>>();
  for (const q of domain.train) {
    if (q.user === undefined) continue;
    let m = tagged.get(q.user);
    if (m === undefined) tagged.set(q.user, (m = new Map()));
    for (const it of q.relevant) m.set(it, (m.get(it) ?? 0) + 1);
  }
  return pairTablesFrom({ items: domain.items.ids.length, plays: domain.interactions, cooccurrence: trainCounts(domain.train), tagged });
}

/** Tables from their counts (a domain's, or a serving form's on disk): indexes the trained phrases by first word. */
export function pairTablesFrom(counts: Omit<PairTables, "phrasesByFirstWord">): PairTables {
  const phrasesByFirstWord = new Map<string, string[]>();
  for (const key of counts.cooccurrence.keys()) {
    const first = key.split(" ")[0];
    const list = phrasesByFirstWord.get(first) ?? [];
    list.push(key);
    phrasesByFirstWord.set(first, list);
  }
  for (const list of phrasesByFirstWord.values()) list.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return { ...counts, phrasesByFirstWord };
}

/**
 * The trained phrases a request's words stand for: the whole text when it was trained on as such, else the trained
 * phrases it contains as whole words, longest first and not overlapping.
 * @example trainedPhrases(t, "some melancholic indie rock please") // ["indie rock", "melancholic"] (if trained)
 */
export function trainedPhrases(t: PairTables, text: string): string[] {
  const key = textKey(text);
  if (key === "") return [];
  if (t.cooccurrence.has(key)) return [key];
  const words = key.split(" ");
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const candidates = t.phrasesByFirstWord.get(words[i]) ?? [];
    const hit = candidates.find((p) => {
      const n = p.split(" ").length;
      return words.slice(i, i + n).join(" ") === p;
    });
    if (hit === undefined) {
      i++;
      continue;
    }
    out.push(hit);
    i += hit.split(" ").length;
  }
  return out;
}

/** A request's raw counts per item, one sparse map per {@link PAIR_FEATURES} entry (items without a count absent). */
export type PairCounts = readonly [history: ReadonlyMap<number, number>, cooccurrence: ReadonlyMap<number, number>, tagged: ReadonlyMap<number, number>];

const NONE: ReadonlyMap<number, number> = new Map();

/**
 * The counts every feature, the prior's terms and the support are read from: the listener's plays (a history's
 * repeated items summed), the train requests with these words listing each item (summed over the trained phrases
 * found), the user's own earlier choices. Tables are shared, not copied, where one row is the answer.
 * @example pairCounts(t, { text: "indie rock", user: 0 })[1].get(3) // 2
 */
export function pairCounts(t: PairTables, request: RequestContext): PairCounts {
  const plays = new Map<number, number>();
  const h = historyOf(request, t.plays);
  for (let k = 0; k < h.items.length; k++) plays.set(h.items[k], (plays.get(h.items[k]) ?? 0) + Math.max(0, h.weights[k]));
  const phrases = trainedPhrases(t, request.text);
  let cooc: ReadonlyMap<number, number> = NONE;
  if (phrases.length === 1) cooc = t.cooccurrence.get(phrases[0])!;
  else if (phrases.length > 1) {
    const sum = new Map<number, number>();
    for (const p of phrases) for (const [it, n] of t.cooccurrence.get(p)!) sum.set(it, (sum.get(it) ?? 0) + n);
    cooc = sum;
  }
  const tagged = request.user !== undefined ? (t.tagged.get(request.user) ?? NONE) : NONE;
  return [plays, cooc, tagged];
}

/**
 * The three features of every item for one request: one dense array per {@link PAIR_FEATURES} entry (length =
 * items), each log(1 + count). Features without data (no history, no trained words, no user) are all zeros.
 */
export function pairFeatures(t: PairTables, request: RequestContext): Float32Array[] {
  return pairCounts(t, request).map((counts) => {
    const dense = new Float32Array(t.items);
    for (const [it, n] of counts) dense[it] = Math.log1p(n);
    return dense;
  });
}

/**
 * The three features of given (request, item) pairs, for training batches: rows = pairs, cols = features
 * (row-major). `requestOf[p]` indexes `requests`; `itemOf[p]` is the item.
 *
 * Leave-one-out: when the requests are the very train queries the tables count (pass them as `requests` with
 * `countsThemselves`), each one's own contribution is taken out: its relevant items lose one co-occurrence count and
 * one count of the user's earlier choices. Otherwise every training positive would carry a count of at least one
 * that no evaluated request ever has, and a model would learn "counted means relevant" from its own answers.
 */
export function pairFeatureRows(
  t: PairTables,
  requests: readonly (RequestContext & { readonly relevant?: readonly number[] })[],
  requestOf: ArrayLike<number>,
  itemOf: ArrayLike<number>,
  options: { readonly countsThemselves?: boolean } = {},
): Float32Array {
  const F = PAIR_FEATURES.length;
  const out = new Float32Array(requestOf.length * F);
  // Per distinct request: its sparse maps (cheap lookups; requests repeat within a batch).
  // Per distinct request: its counts (requests repeat within a batch).
  const cache = new Map<number, { counts: PairCounts; own: ReadonlySet<number> }>();
  const mapsOf = (r: number) => {
    let m = cache.get(r);
    if (m === undefined) {
      const req = requests[r];
      m = { counts: pairCounts(t, req), own: options.countsThemselves === true ? new Set(req.relevant ?? []) : new Set<number>() };
      cache.set(r, m);
    }
    return m;
  };
  for (let p = 0; p < requestOf.length; p++) {
    const m = mapsOf(requestOf[p]);
    const it = itemOf[p];
    const [plays, cooc, tagged] = m.counts;
    out[p * F] = Math.log1p(plays.get(it) ?? 0);
    const self = m.own.has(it) ? 1 : 0;
    out[p * F + 1] = Math.log1p(Math.max(0, (cooc.get(it) ?? 0) - self));
    out[p * F + 2] = Math.log1p(Math.max(0, (tagged.get(it) ?? 0) - self));
  }
  return out;
}

/**
 * The items with any non-zero feature for a request (its history, the items its trained words co-occur with, the
 * user's earlier choices), ascending: where informative training negatives come from, since uniform negatives
 * almost never carry a count.
 * @example pairSupport(t, { text: "indie rock", user: 0 }) // Int32Array [1, 2, 3, 4]
 */
export function pairSupport(t: PairTables, request: RequestContext): Int32Array {
  const items = new Set<number>();
  for (const counts of pairCounts(t, request)) for (const it of counts.keys()) items.add(it);
  return Int32Array.from(items).sort();
}

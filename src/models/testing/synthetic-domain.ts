/**
 * @file A tiny synthetic Domain with a known right answer (4 genres x 10 items), for the model conformance suite.
 */
import { fromRows, matrix, type Matrix } from "../../core/matrix.js";
import { csrFromEntries } from "../../core/sparse.js";
import { mulberry32, randInt, randNormal, shuffleInPlace, type Rng } from "../../core/random.js";
import type { Domain, LabeledQuery } from "../../domains/types.js";

/** Genre names; item i has genre `i % 4` (interleaved, so index order never matches genre order). */
export const GENRES = ["rock", "jazz", "techno", "folk"] as const;

/** Distinctive words per genre: the request and tag vocabulary. The first word is the genre name. */
export const GENRE_WORDS: readonly (readonly string[])[] = [
  ["rock", "guitar", "loud", "riffs"],
  ["jazz", "saxophone", "swing", "smooth"],
  ["techno", "beats", "electronic", "club"],
  ["folk", "acoustic", "banjo", "ballad"],
];

/** Options of {@link makeSyntheticDomain}. */
export interface SyntheticDomainOptions {
  /** [seed=7] Seeds every random choice: the same options give the same domain. */
  readonly seed?: number;
  /** [dims=32] Size of text vectors (tagtext, name, request). Real domains use 512; small keeps tests fast. */
  readonly dims?: number;
  /** [withUsers=true] false gives a Jamendo-like domain: no users, queries without a user. */
  readonly withUsers?: boolean;
  /** [itemsPerGenre=10] */
  readonly itemsPerGenre?: number;
}

/** A synthetic Domain plus its answer key. */
export interface SyntheticDomain extends Domain {
  /** genre index of each item. */
  readonly itemGenre: readonly number[];
  /** genre index of each user. */
  readonly userGenre: readonly number[];
  /** One clear request per genre (text, user and history agree); relevant = every item of that genre. */
  readonly probes: readonly LabeledQuery[];
  /**
   * Held-out requests like val (fresh texts, same requesters): no model selects on them, so the conformance suite's
   * quality floor is measured here.
   */
  readonly test: readonly LabeledQuery[];
}

const CF_DIMS = 8;

function unit(v: number[]): number[] {
  const n = Math.max(Math.hypot(...v), 1e-10);
  return v.map((x) => x / n);
}

function randomVector(rng: Rng, d: number, scale = 1): number[] {
  return Array.from({ length: d }, () => randNormal(rng) * scale);
}

/** FNV-1a, so unknown words get a stable pseudo-random vector. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Builds the synthetic domain. Its fake request encoder sums word vectors (genre words share a strong genre
 * direction; other words get small hashed noise) and L2-normalises, so "loud guitar" lands near rock items.
 * @example const d = makeSyntheticDomain(); d.items.ids.length // 40
 */
export function makeSyntheticDomain(options: SyntheticDomainOptions = {}): SyntheticDomain {
  const seed = options.seed ?? 7;
  const dims = options.dims ?? 32;
  const withUsers = options.withUsers ?? true;
  const perGenre = options.itemsPerGenre ?? 10;
  const rng = mulberry32(seed);
  const genreDir = GENRES.map(() => unit(randomVector(rng, dims)));
  const genreCf = GENRES.map(() => unit(randomVector(rng, CF_DIMS)));
  const wordVec = new Map<string, number[]>();
  GENRE_WORDS.forEach((words, g) =>
    words.forEach((w) => wordVec.set(w, genreDir[g].map((x) => 2 * x + 0.3 * randNormal(rng)))),
  );
  const vectorOf = (word: string): number[] =>
    wordVec.get(word) ?? randomVector(mulberry32(hashString(word) ^ seed), dims, 0.3);
  const encodeOne = (text: string): number[] => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const sum = new Array<number>(dims).fill(0);
    for (const w of words) vectorOf(w).forEach((x, j) => (sum[j] += x));
    return unit(sum);
  };

  const nItems = GENRES.length * perGenre;
  const itemGenre = Array.from({ length: nItems }, (_, i) => i % GENRES.length);
  const names = itemGenre.map((g, i) => `${GENRES[g][0].toUpperCase()}${GENRES[g].slice(1)} Artist ${i}`);
  const tags = itemGenre.map((g) => {
    const words = shuffleInPlace(rng, [...GENRE_WORDS[g]]).slice(0, 3);
    return [...words, "music"].join(", ");
  });
  const itemCf = itemGenre.map((g) => genreCf[g].map((x) => x + 0.3 * randNormal(rng)));

  const nUsers = withUsers ? 16 : 0;
  const userGenre = Array.from({ length: nUsers }, (_, u) => u % GENRES.length);
  const userCf = userGenre.map((g) => genreCf[g].map((x) => x + 0.3 * randNormal(rng)));
  const itemsOf = (g: number) => itemGenre.flatMap((gi, i) => (gi === g ? [i] : []));
  const textFor = (g: number) => {
    const w = GENRE_WORDS[g];
    return `${w[randInt(rng, w.length)]} ${w[randInt(rng, w.length)]}`;
  };

  // Requesters: the users when there are any, else one anonymous requester per genre slot.
  // A user's listening history: the items their training queries list (set below, once train exists).
  const historyOf = new Map<number, number[]>();
  const withContext = (q: LabeledQuery): LabeledQuery => {
    const h = q.user !== undefined ? historyOf.get(q.user) : undefined;
    return h !== undefined && h.length > 0 ? { ...q, history: { items: h } } : q;
  };
  const requesters: { g: number; user?: number }[] = withUsers
    ? userGenre.map((g, u) => ({ g, user: u }))
    : [0, 1, 2, 3, 0, 1, 2, 3].map((g) => ({ g }));
  const train: LabeledQuery[] = [];
  const val: LabeledQuery[] = [];
  requesters.forEach(({ g, user }, r) => {
    for (let q = 0; q < 6; q++) {
      const relevant = shuffleInPlace(rng, itemsOf(g)).slice(0, 3).sort((a, b) => a - b);
      train.push({ qid: `r${r}-q${q}`, text: textFor(g), user, relevant });
    }
    for (let q = 0; q < 2; q++) val.push({ qid: `r${r}-v${q}`, text: textFor(g), user, relevant: itemsOf(g) });
  });
  for (const q of train) {
    if (q.user === undefined) continue;
    const h = historyOf.get(q.user) ?? [];
    for (const i of q.relevant) if (!h.includes(i)) h.push(i);
    historyOf.set(q.user, h.sort((a, b) => a - b));
  }
  // Test requests use their own random stream, so adding them changed no train, val or probe request.
  const testRng = mulberry32(seed ^ 0x7e57);
  const test: LabeledQuery[] = requesters.flatMap(({ g, user }, r) =>
    [0, 1].map((q) => {
      const w = GENRE_WORDS[g];
      const text = `${w[randInt(testRng, w.length)]} ${w[randInt(testRng, w.length)]}`;
      return withContext({ qid: `r${r}-t${q}`, text, user, relevant: itemsOf(g) });
    }),
  );
  const probes: LabeledQuery[] = GENRES.map((_, g) => ({
    qid: `probe-${g}`,
    text: `${GENRE_WORDS[g][0]} ${GENRE_WORDS[g][1]}`,
    user: withUsers ? userGenre.indexOf(g) : undefined,
    relevant: itemsOf(g),
  })).map(withContext);

  const popularity = new Float32Array(nItems);
  for (const q of train) for (const i of q.relevant) popularity[i] += 1;

  // Each tag of an item's list counted once, as if one listener gave it (APRON's prototypes read these).
  const vocabulary = [...new Set(tags.flatMap((t) => t.split(", ")))].sort();
  const tagCounts = {
    vocabulary,
    counts: csrFromEntries(nItems, vocabulary.length, tags.flatMap((t, i) => t.split(", ").map((w) => ({ row: i, col: vocabulary.indexOf(w), value: 1 })))),
  };

  const features: Record<string, Matrix> = {
    tagtext: fromRows(tags.map(encodeOne), dims),
    name: fromRows(names.map(encodeOne), dims),
    cf: fromRows(itemCf, CF_DIMS),
  };
  return {
    name: withUsers ? "synthetic/users" : "synthetic/no-users",
    items: { ids: names.map((_, i) => `item${i}`), names, texts: { name: names, tags }, features, popularity, tagCounts },
    users: withUsers
      ? { ids: userGenre.map((_, u) => `user${u}`), features: { cf: fromRows(userCf, CF_DIMS) } }
      : { ids: [], features: {} },
    train,
    val: val.map(withContext),
    ...(withUsers
      ? { interactions: csrFromEntries(nUsers, nItems, [...historyOf].flatMap(([user, items]) => items.map((item) => ({ row: user, col: item, value: 1 })))) }
      : {}),
    queryEncoderId: `synthetic-bow-${dims}`,
    encodeQueries: async (texts) => (texts.length === 0 ? matrix(0, dims) : fromRows(texts.map(encodeOne), dims)),
    itemGenre,
    userGenre,
    probes,
    test,
  };
}

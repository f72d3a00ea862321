/**
 * @file Seeded synthetic training requests from a tagged catalog: pick a track, 1–3 of its tags from different
 * categories, render a natural-ish request, and label it with every track carrying all those tags.
 */
import { createHash } from "node:crypto";
import type { TrackTags } from "../datasets/types.js";
import { tagDisplay } from "./jamendo-text.js";

/** One generated request. `tags` are category-qualified ("genre---rock"): for analysis, never for models. */
export interface SyntheticQuery {
  readonly qid: string;
  readonly text: string;
  readonly tags: readonly string[];
  /** Indices into the items passed to the generator, ascending. */
  readonly relevant: readonly number[];
}

/** Options of {@link generateSyntheticQueries}; every field has a default. */
export interface SyntheticQueryOptions {
  /** [seed=0] */
  readonly seed?: number;
  /** [train=20000] training queries to generate. */
  readonly train?: number;
  /** [val=1000] validation queries; their tag combinations never occur in train. */
  readonly val?: number;
  /**
   * [maxRelevant=3000] combinations with more relevant tracks are not used (drawn again), as in the
   * jamendo-captions benchmark (5–3,000 per query); truncating would label true matches as negatives.
   */
  readonly maxRelevant?: number;
  /** [minRelevant=5] combinations with fewer relevant tracks are not used. */
  readonly minRelevant?: number;
  /** [valFraction=0.15] share of tag combinations reserved for validation (by a seeded hash of the combination). */
  readonly valFraction?: number;
  /** [maxPerCombination=3] train queries per tag combination (each with a different text). */
  readonly maxPerCombination?: number;
}

type Category = keyof TrackTags;
const CATEGORIES: readonly Category[] = ["genre", "instrument", "mood"];

/**
 * Mood/theme tags that read as a purpose ("music for a film") rather than an adjective ("calm music"), with how
 * they read after "for". Moods not listed are used as adjectives (a few reworded below).
 */
const PURPOSE: Readonly<Record<string, string>> = Object.freeze({
  action: "an action scene",
  adventure: "an adventure",
  advertising: "an advert",
  background: "the background",
  ballad: "a slow dance",
  children: "kids",
  christmas: "christmas",
  commercial: "a commercial",
  corporate: "a corporate video",
  documentary: "a documentary",
  drama: "a drama",
  film: "a film",
  game: "a video game",
  holiday: "the holidays",
  horror: "a horror movie",
  love: "a love scene",
  movie: "a movie",
  nature: "a nature documentary",
  party: "a party",
  soundscape: "a soundscape",
  space: "a space scene",
  sport: "a workout",
  summer: "a summer day",
  trailer: "a trailer",
  travel: "a travel video",
});
const ADJECTIVE: Readonly<Record<string, string>> = Object.freeze({ ambiental: "ambient", dream: "dreamy" });

/** Templates by which parts are present: g = genre, i = instrument, m = mood adjective, p = purpose. */
const TEMPLATES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  g: ["{g} music", "some {g}", "{g} songs", "play me some {g}", "i want to hear {g}", "{g} tracks please"],
  i: ["music with {i}", "{i} music", "songs featuring {i}", "something with {i} in it"],
  m: ["{m} music", "something {m}", "{m} songs", "i need something {m}", "play something {m}"],
  p: ["music for {p}", "something for {p}", "songs for {p}", "what should i play for {p}"],
  gi: ["{g} with {i}", "{g} songs with {i}", "{g} music featuring {i}", "{i} heavy {g}", "some {g} with lots of {i}"],
  gm: ["{m} {g}", "{m} {g} music", "some {m} {g} please", "{g} that feels {m}", "something {m} and {g}"],
  gp: ["{g} for {p}", "{g} music for {p}", "some {g} to use for {p}", "something {g} for {p}"],
  im: ["{m} {i} music", "something {m} with {i}", "{m} songs with {i}", "{i} pieces that sound {m}"],
  ip: ["{i} music for {p}", "something with {i} for {p}", "songs with {i} for {p}"],
  gim: ["{m} {g} songs with {i}", "{m} {g} with {i}", "something {m}: {g} with {i}", "{g} with {i}, {m} mood"],
  gip: ["{g} with {i} for {p}", "{g} music with {i} for {p}", "something {g} with {i} for {p}"],
});

/** mulberry32: small, fast, seedable; the only randomness here. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Items carrying all the given tags, ascending: walk the shortest posting list, test the others by bitmap. */
function intersect(lists: readonly Int32Array[], members: readonly Uint8Array[]): number[] {
  let shortest = 0;
  lists.forEach((l, k) => {
    if (l.length < lists[shortest].length) shortest = k;
  });
  const out: number[] = [];
  for (const x of lists[shortest]) {
    if (members.every((m, k) => k === shortest || m[x] === 1)) out.push(x);
  }
  return out;
}

/**
 * Renders the request text of a tag choice with a template picked by `random`.
 * @example renderRequest({ genre: "rock", instrument: "guitar", mood: "energetic" }, () => 0) // "energetic rock songs with guitar"
 */
export function renderRequest(choice: Partial<Record<Category, string>>, random: () => number): string {
  const g = choice.genre !== undefined ? tagDisplay(choice.genre) : undefined;
  const i = choice.instrument !== undefined ? tagDisplay(choice.instrument) : undefined;
  const mood = choice.mood;
  const p = mood !== undefined ? PURPOSE[mood] : undefined;
  const m = mood !== undefined && p === undefined ? (ADJECTIVE[mood] ?? tagDisplay(mood)) : undefined;
  const key = `${g !== undefined ? "g" : ""}${i !== undefined ? "i" : ""}${m !== undefined ? "m" : ""}${p !== undefined ? "p" : ""}`;
  // At most one mood tag, so a mood is either an adjective (m) or a purpose (p), never both.
  const list = TEMPLATES[key];
  if (list === undefined) throw new RangeError(`no template for parts "${key}"`);
  const template = list[Math.floor(random() * list.length)];
  return template.replace("{g}", g ?? "").replace("{i}", i ?? "").replace("{m}", m ?? "").replace("{p}", p ?? "");
}

/** Which split a tag combination belongs to: a seeded hash, so the split does not depend on drawing order. */
function isValCombination(key: string, seed: number, valFraction: number): boolean {
  const h = createHash("sha256").update(`${seed}|${key}`).digest();
  return h.readUInt32LE(0) / 4294967296 < valFraction;
}

/**
 * Generates `train` + `val` labeled requests from the items' tags, deterministically for a seed. Each draw picks a
 * tagged item uniformly, a count n in {1, 2, 3} (weights 0.2 / 0.45 / 0.35, capped by how many categories the item
 * has), n distinct categories and one of the item's tags in each; relevant = all items carrying every chosen tag.
 * Train and val never share a tag combination nor a relevant set; val uses each combination once, train up to `maxPerCombination`
 * times with distinct texts. Stops early (returning fewer) if 50 draws per wanted query do not suffice.
 * @example
 * const { train, val } = generateSyntheticQueries(tracks.map(t => t.tags), { seed: 1, train: 2, val: 1, minRelevant: 1 });
 * train[0]; // { qid: "syn-train-0", text: "calm piano music", tags: ["instrument---piano", "mood---calm"], relevant: [4, 17, ...] }
 */
export function generateSyntheticQueries(
  items: readonly TrackTags[],
  options: SyntheticQueryOptions = {},
): { train: SyntheticQuery[]; val: SyntheticQuery[] } {
  const seed = options.seed ?? 0;
  const wantTrain = options.train ?? 20000;
  const wantVal = options.val ?? 1000;
  const maxRelevant = options.maxRelevant ?? 3000;
  const minRelevant = options.minRelevant ?? 5;
  const valFraction = options.valFraction ?? 0.15;
  const maxPer = options.maxPerCombination ?? 3;

  // Postings: category-qualified tag -> ascending item indices.
  const postingLists = new Map<string, number[]>();
  items.forEach((tags, idx) => {
    for (const c of CATEGORIES) {
      for (const t of tags[c]) {
        const key = `${c}---${t}`;
        let list = postingLists.get(key);
        if (!list) postingLists.set(key, (list = []));
        list.push(idx);
      }
    }
  });
  const postings = new Map([...postingLists].map(([k, v]) => [k, Int32Array.from(v)]));
  const bitmaps = new Map<string, Uint8Array>();
  const bitmap = (tag: string): Uint8Array => {
    let m = bitmaps.get(tag);
    if (!m) {
      m = new Uint8Array(items.length);
      for (const x of postings.get(tag)!) m[x] = 1;
      bitmaps.set(tag, m);
    }
    return m;
  };
  const tagged = items.map((t, i) => (t.genre.length + t.instrument.length + t.mood.length > 0 ? i : -1)).filter((i) => i >= 0);
  const train: SyntheticQuery[] = [];
  const val: SyntheticQuery[] = [];
  if (tagged.length === 0) return { train, val };

  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const relevantCache = new Map<string, { relevant: number[]; fingerprint: string } | null>();
  // Different combinations can select the same tracks (tags that always co-occur): such a set stays on one side,
  // or val would partly repeat train under another wording.
  const setsOf = { train: new Set<string>(), val: new Set<string>() };
  const used = new Map<string, Set<string>>(); // combination -> texts used
  const splitOf = new Map<string, boolean>(); // combination -> belongs to val
  const budget = 50 * (wantTrain + wantVal);
  let draw = 0;
  for (; draw < budget && (train.length < wantTrain || val.length < wantVal); draw++) {
    const item = items[pick(tagged)];
    const cats = CATEGORIES.filter((c) => item[c].length > 0);
    const r = random();
    const n = Math.min(r < 0.2 ? 1 : r < 0.65 ? 2 : 3, cats.length);
    // Partial Fisher-Yates: n distinct categories, then one tag in each.
    const pool = [...cats];
    const choice: Partial<Record<Category, string>> = {};
    for (let k = 0; k < n; k++) {
      const j = k + Math.floor(random() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j], pool[k]];
      choice[pool[k]] = pick(item[pool[k]]);
    }
    const tags = CATEGORIES.filter((c) => choice[c] !== undefined).map((c) => `${c}---${choice[c]}`);
    const key = tags.join("|");
    let toVal = splitOf.get(key);
    if (toVal === undefined) splitOf.set(key, (toVal = isValCombination(key, seed, valFraction)));
    const target = toVal ? val : train;
    if (target.length >= (toVal ? wantVal : wantTrain)) continue;
    const texts = used.get(key) ?? new Set<string>();
    if (texts.size >= (toVal ? 1 : maxPer)) continue;
    let hit = relevantCache.get(key);
    if (hit === undefined) {
      const found = intersect(tags.map((t) => postings.get(t)!), tags.map(bitmap));
      const ok = found.length >= minRelevant && found.length <= maxRelevant;
      hit = ok ? { relevant: found, fingerprint: createHash("sha1").update(Int32Array.from(found)).digest("hex") } : null;
      relevantCache.set(key, hit);
    }
    if (hit === null || setsOf[toVal ? "train" : "val"].has(hit.fingerprint)) continue;
    const text = renderRequest(choice, random);
    if (texts.has(text)) continue;
    setsOf[toVal ? "val" : "train"].add(hit.fingerprint);
    texts.add(text);
    used.set(key, texts);
    target.push({ qid: `syn-${toVal ? "val" : "train"}-${target.length}`, text, tags, relevant: hit.relevant });
  }
  return { train, val };
}

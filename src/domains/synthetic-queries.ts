/**
 * @file Seeded synthetic training requests from a tagged catalog: pick a track, 1–3 of its tags from different
 * categories, render a natural-ish request, and label it with every track carrying all those tags.
 */
import { createHash } from "node:crypto";
import { mulberry32 as rng } from "../core/random.js";
import type { TrackTags } from "../datasets/types.js";
import { tagDisplay } from "../representations/jamendo-text.js";

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
 * times with distinct texts. Stops early (returning fewer) after 200,000 draws in a row add nothing, or 100 draws per wanted query.
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

  // Tag ids over category-qualified names ("genre---rock"), and each item's tag ids per category.
  const names = [...new Set(items.flatMap((t) => CATEGORIES.flatMap((c) => t[c].map((x) => `${c}---${x}`))))].sort();
  const idOf = new Map(names.map((n, i) => [n, i]));
  const itemIds = items.map((t) => CATEGORIES.map((c) => t[c].map((x) => idOf.get(`${c}---${x}`)!)));
  const postingLists: number[][] = names.map(() => []);
  itemIds.forEach((byCat, idx) => byCat.forEach((ids) => ids.forEach((id) => postingLists[id].push(idx))));
  const postings = postingLists.map((l) => Int32Array.from(l));
  const bitmaps = new Map<number, Uint8Array>();
  const bitmap = (id: number): Uint8Array => {
    let m = bitmaps.get(id);
    if (!m) {
      m = new Uint8Array(items.length);
      for (const x of postings[id]) m[x] = 1;
      bitmaps.set(id, m);
    }
    return m;
  };
  const tagged = itemIds.map((byCat, i) => (byCat.some((ids) => ids.length > 0) ? i : -1)).filter((i) => i >= 0);
  const train: SyntheticQuery[] = [];
  const val: SyntheticQuery[] = [];
  if (tagged.length === 0) return { train, val };

  /** Per tag combination: its split, texts used, labels; `done` once it can give no more queries. */
  interface Combination {
    readonly tags: readonly string[];
    readonly toVal: boolean;
    readonly texts: Set<string>;
    hit?: { relevant: number[]; fingerprint: string };
    done: boolean;
  }
  const combos = new Map<number, Combination>(); // numeric key: one base-(V+1) digit per category
  const base = names.length + 1;
  // Different combinations can select the same tracks (tags that always co-occur): such a set stays on one side,
  // or val would partly repeat train under another wording.
  const setsOf = { train: new Set<string>(), val: new Set<string>() };
  const random = rng(seed);
  const chosen = [-1, -1, -1];
  const pool = [0, 1, 2];
  // Most late draws hit a finished combination and cost a few Map lookups, so the budget can be generous; stop
  // when STALL draws in a row add nothing (the catalog cannot supply more).
  const budget = 100 * (wantTrain + wantVal);
  const STALL = 200_000;
  let lastAccepted = 0;
  for (let draw = 0; draw < budget && draw - lastAccepted < STALL && (train.length < wantTrain || val.length < wantVal); draw++) {
    const byCat = itemIds[tagged[Math.floor(random() * tagged.length)]];
    let nCats = 0;
    for (let c = 0; c < 3; c++) if (byCat[c].length > 0) pool[nCats++] = c;
    const r = random();
    const n = Math.min(r < 0.2 ? 1 : r < 0.65 ? 2 : 3, nCats);
    chosen.fill(-1);
    // Partial Fisher-Yates: n distinct categories, then one of the item's tags in each.
    for (let k = 0; k < n; k++) {
      const j = k + Math.floor(random() * (nCats - k));
      [pool[k], pool[j]] = [pool[j], pool[k]];
      const ids = byCat[pool[k]];
      chosen[pool[k]] = ids[Math.floor(random() * ids.length)];
    }
    const key = ((chosen[0] + 1) * base + (chosen[1] + 1)) * base + (chosen[2] + 1);
    let combo = combos.get(key);
    if (combo === undefined) {
      const tags = chosen.filter((id) => id >= 0).map((id) => names[id]);
      combo = { tags, toVal: isValCombination(tags.join("|"), seed, valFraction), texts: new Set(), done: false };
      const found = intersect(
        chosen.filter((id) => id >= 0).map((id) => postings[id]),
        chosen.filter((id) => id >= 0).map(bitmap),
      );
      if (found.length >= minRelevant && found.length <= maxRelevant) {
        combo.hit = { relevant: found, fingerprint: createHash("sha1").update(Int32Array.from(found)).digest("hex") };
      } else combo.done = true;
      combos.set(key, combo);
    }
    if (combo.done) continue;
    const target = combo.toVal ? val : train;
    if (target.length >= (combo.toVal ? wantVal : wantTrain)) continue;
    const hit = combo.hit!;
    if (setsOf[combo.toVal ? "train" : "val"].has(hit.fingerprint)) {
      combo.done = true;
      continue;
    }
    const choice: Partial<Record<Category, string>> = {};
    chosen.forEach((id, c) => {
      if (id >= 0) choice[CATEGORIES[c]] = names[id].slice(names[id].indexOf("---") + 3);
    });
    const text = renderRequest(choice, random);
    if (combo.texts.has(text)) continue;
    setsOf[combo.toVal ? "val" : "train"].add(hit.fingerprint);
    combo.texts.add(text);
    if (combo.texts.size >= (combo.toVal ? 1 : maxPer)) combo.done = true;
    lastAccepted = draw;
    target.push({ qid: `syn-${combo.toVal ? "val" : "train"}-${target.length}`, text, tags: combo.tags, relevant: hit.relevant });
  }
  return { train, val };
}

/**
 * @file The LP-MusicDialog generator: an intent sequence from the estimated chain, an attribute sequence by cascading
 * filters over the catalog (each turn narrows or shifts the candidate set, never to empty), shown results, likes and
 * dislikes, a goal playlist (the liked tracks, as in CPCD), and realised utterances; written in CPCD's JSONL schema.
 */
import type { Rng } from "../../core/random.js";
import { mulberry32, randInt } from "../../core/random.js";
import { InputError } from "../../errors.js";
import type { GenItem, TagAttribute } from "./attributes.js";
import { TAG_ATTRIBUTES } from "./attributes.js";
import type { GeneratedAttribute, IntentModel } from "./intent-model.js";
import { keyLabels, sample, sampleIntentSequence } from "./intent-model.js";
import type { PhrasingStats } from "./phrasing.js";
import type { Constraint } from "./realize.js";
import { phrase, realiseSystem, realiseUser } from "./realize.js";

/** Options of {@link DialogueGenerator}. */
export interface GeneratorOptions {
  /** [minCandidates=12] A filter is applied only when at least this many items still match (artist filters: 2). */
  readonly minCandidates?: number;
  /** [shown=10] Results the system shows per searching turn (before near misses). */
  readonly shown?: number;
  /** [nearMisses=5] Items shown that match all but one constraint (what a real search also returns). */
  readonly nearMisses?: number;
  /** [minTurns=3] [maxTurns=10] Dialogue length bounds (user turns). */
  readonly minTurns?: number;
  readonly maxTurns?: number;
}

/** One turn as generated: CPCD's fields plus what produced them (the `synth` record). */
export interface GeneratedTurn {
  readonly userQuery: string;
  readonly systemResponse: string;
  readonly searchQueries: string[];
  readonly searchResults: string[][];
  readonly liked: string[];
  readonly disliked: string[];
  readonly intents: string[];
  readonly attributes: string[];
  readonly systemActions: string[];
  /** The state after this turn: every active constraint (hard ones are `negative`). */
  readonly constraints: Constraint[];
  /** How many items matched the constraints after this turn (never 0). */
  readonly candidates: number;
}

/** One generated dialogue. */
export interface GeneratedDialogue {
  readonly id: string;
  readonly turns: GeneratedTurn[];
  readonly goalPlaylist: string[];
  /** Every track the dialogue mentions (results, likes, goal), by id. */
  readonly trackIds: string[];
}

const ARTIST_MIN = 2;
const FALLBACK_ATTRIBUTES: readonly GeneratedAttribute[] = ["genre", "mood", "instrument", "artist"];

/**
 * Generates dialogues over a catalog view. Deterministic: dialogue `i` of seed `s` depends on (s, i) only, so a run
 * can be split or resumed.
 * @example
 * const g = new DialogueGenerator(items, model, phrasing);
 * const d = g.dialogue(42, 0);
 * d.turns[0].userQuery; // "Hi, could you make me a playlist of some jazz?"
 */
export class DialogueGenerator {
  private readonly minCandidates: number;
  private readonly shown: number;
  private readonly nearMisses: number;
  private readonly byTag = new Map<string, number[]>();
  private readonly byArtist = new Map<string, number[]>();
  /** Artist → the genres of their items (what "similar to X" shares). */
  private readonly artistGenres = new Map<string, Set<string>>();

  constructor(
    private readonly items: readonly GenItem[],
    private readonly model: IntentModel,
    private readonly phrasing: PhrasingStats,
    private readonly options: GeneratorOptions = {},
  ) {
    this.minCandidates = options.minCandidates ?? 12;
    this.shown = options.shown ?? 10;
    this.nearMisses = options.nearMisses ?? 5;
    if (items.length < this.minCandidates + this.shown) {
      throw new InputError(`the catalog has ${items.length} usable items (with a title and an artist); dialogues need at least ${this.minCandidates + this.shown}`, { field: "catalog" });
    }
    items.forEach((it, i) => {
      for (const a of TAG_ATTRIBUTES) for (const t of it.tags[a] ?? []) push(this.byTag, tagKey(a, t), i);
      push(this.byArtist, it.artist, i);
      const g = this.artistGenres.get(it.artist) ?? new Set<string>();
      for (const t of it.tags.genre ?? []) g.add(t);
      this.artistGenres.set(it.artist, g);
    });
  }

  /** True when item `i` satisfies every constraint. */
  matches(i: number, constraints: readonly Constraint[]): boolean {
    const it = this.items[i];
    return constraints.every((c) => {
      let hit: boolean;
      if (c.attribute === "artist") hit = it.artist === c.value;
      else if (c.attribute === "similar_artist") {
        const g = this.artistGenres.get(c.value);
        hit = it.artist !== c.value && g !== undefined && (it.tags.genre ?? []).some((t) => g.has(t));
      } else if (c.negative) hit = TAG_ATTRIBUTES.some((a) => (it.tags[a] ?? []).includes(c.value));
      else hit = (it.tags[c.attribute as TagAttribute] ?? []).includes(c.value);
      return c.negative ? !hit : hit;
    });
  }

  /** Item indices satisfying every constraint, ascending. */
  candidates(constraints: readonly Constraint[]): number[] {
    // Start from the shortest posting list of a positive constraint; check the rest item by item.
    let base: readonly number[] | undefined;
    for (const c of constraints) {
      if (c.negative) continue;
      const list = c.attribute === "artist" ? this.byArtist.get(c.value) : c.attribute === "similar_artist" ? undefined : this.byTag.get(tagKey(c.attribute as TagAttribute, c.value));
      if (c.attribute !== "similar_artist" && (list === undefined || list.length === 0)) return [];
      if (list !== undefined && (base === undefined || list.length < base.length)) base = list;
    }
    const out: number[] = [];
    if (base !== undefined) {
      for (const i of base) if (this.matches(i, constraints)) out.push(i);
    } else {
      for (let i = 0; i < this.items.length; i++) if (this.matches(i, constraints)) out.push(i);
    }
    return out;
  }

  /**
   * A value of `attribute` to add (or to replace the current one with), drawn by how many candidates carry it, among
   * values that leave enough items; undefined when none does.
   */
  private chooseValue(rng: Rng, attribute: GeneratedAttribute, constraints: readonly Constraint[]): Constraint | undefined {
    // One value per attribute, and one artist reference (named or "like X"): a new one replaces the old (a shift).
    const clashes = (x: Constraint) => !x.negative && (x.attribute === attribute || (isArtistAttribute(attribute) && isArtistAttribute(x.attribute)));
    const base = constraints.filter((x) => !clashes(x));
    const pool = this.candidates(base);
    const counts = new Map<string, number>();
    for (const i of pool) {
      const it = this.items[i];
      const values = isArtistAttribute(attribute) ? [it.artist] : (it.tags[attribute as TagAttribute] ?? []);
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const taken = new Set(constraints.filter(clashes).map((c) => c.value));
    const min = attribute === "artist" ? ARTIST_MIN : this.minCandidates;
    // Values in a fixed order (count, then name), so the draw depends on the seed only.
    const options = [...counts].filter(([v, n]) => !taken.has(v) && (attribute === "similar_artist" || n >= min)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (let tries = 0; tries < 6 && options.length > 0; tries++) {
      let total = 0;
      for (const [, n] of options) total += n;
      let u = rng() * total;
      let k = 0;
      for (; k < options.length - 1; k++) {
        u -= options[k][1];
        if (u < 0) break;
      }
      const c: Constraint = { attribute, value: options[k][0], negative: false };
      if (this.candidates([...base, c]).length >= min) return c;
      options.splice(k, 1);
    }
    return undefined;
  }

  /** Generates dialogue `index` of run `seed`. */
  dialogue(seed: number, index: number, idPrefix = "synth"): GeneratedDialogue {
    // One stream per dialogue: (seed, index) → its own seed, so dialogues are independent of each other.
    const rng = mulberry32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
    const intents = sampleIntentSequence(this.model, rng, { minTurns: this.options.minTurns, maxTurns: this.options.maxTurns });
    let constraints: Constraint[] = [];
    const shownSoFar = new Set<number>();
    const likedAll: number[] = [];
    const mentioned = new Set<number>();
    const turns: GeneratedTurn[] = [];
    let previousShown: number[] = [];
    for (let t = 0; t < intents.length; t++) {
      const labels = keyLabels(intents[t]);
      const has = (l: string) => labels.includes(l);
      const attrDist = this.model.attributes.get(intents[t]);
      let attributes = attrDist !== undefined ? keyLabels(sample(attrDist, rng)) : [];
      const filtering = has("initial_query") || has("add_filter");
      // A dialogue that has not said what it wants yet must: the first filtering turn names at least one attribute.
      if (filtering && attributes.length === 0) attributes = [constraints.length === 0 ? "genre" : pickOne(rng, ["genre", "mood", "artist", "instrument"])];
      // Until the listener has asked for something, every turn but a bare greeting asks (real dialogues do by turn 2).
      const mustFilter = !filtering && !constraints.some((c) => !c.negative) && !(labels.length === 1 && labels[0] === "greeting");
      if (mustFilter) attributes = ["genre"];
      const added: Constraint[] = [];
      const removed: Constraint[] = [];
      if (has("remove_filter")) {
        const positives = constraints.filter((c) => !c.negative);
        // Half the time (always, with one filter left) the listener excludes something they just saw ("no more
        // piano"): a hard constraint from here on. Otherwise they drop one of their filters (the set broadens).
        if (positives.length >= 2 && rng() < 0.5) {
          const drop = positives[randInt(rng, positives.length)];
          constraints = constraints.filter((c) => c !== drop);
          removed.push(drop);
        } else {
          const neg = this.chooseExclusion(rng, constraints, previousShown);
          if (neg !== undefined) {
            constraints = [...constraints, neg];
            added.push(neg);
          }
        }
      }
      if (filtering || mustFilter) {
        // When none of the sampled attributes can narrow or shift (every value would leave too few items), fall
        // back to the broad ones, so a filtering turn always says something.
        const tries = [...attributes, ...FALLBACK_ATTRIBUTES.filter((a) => !attributes.includes(a))];
        for (const a of tries) {
          if (added.some((x) => !x.negative) && !attributes.includes(a)) break;
          const c = this.chooseValue(rng, a as GeneratedAttribute, constraints);
          if (c === undefined) continue;
          const replaced = constraints.filter((x) => !x.negative && (x.attribute === c.attribute || (isArtistAttribute(x.attribute) && isArtistAttribute(c.attribute))));
          removed.push(...replaced.filter((x) => !isArtistAttribute(x.attribute)));
          constraints = [...constraints.filter((x) => !replaced.includes(x)), c];
          added.push(c);
        }
      }
      const pool = this.candidates(constraints);
      if (pool.length === 0) throw new Error(`generator bug: empty candidate set after turn ${t} (constraints ${JSON.stringify(constraints)})`);
      // Show results once the listener has asked for something; greetings and small talk get no search.
      const searches = constraints.some((c) => !c.negative) && (added.length > 0 || removed.length > 0 || has("continue") || has("accept_response") || has("reject_response"));
      let shown: number[] = [];
      let near: number[] = [];
      if (searches) {
        shown = this.draw(rng, pool.filter((i) => !shownSoFar.has(i)), this.shown);
        near = this.nearMissesOf(rng, constraints, this.nearMisses);
      }
      for (const i of [...shown, ...near]) {
        shownSoFar.add(i);
        mentioned.add(i);
      }
      // Likes and dislikes are what the next turn reacts to (its accept / reject), and the last turn keeps some.
      const nextLabels = t + 1 < intents.length ? keyLabels(intents[t + 1]) : ["accept_response"];
      const liked: number[] = [];
      const disliked: number[] = [];
      if (shown.length > 0) {
        const good = [...shown];
        if (nextLabels.includes("accept_response") || nextLabels.includes("continue") || !nextLabels.includes("reject_response")) {
          const n = Math.min(good.length, 1 + randInt(rng, 5));
          liked.push(...good.splice(0, n));
        }
        if (nextLabels.includes("reject_response")) {
          const bad = [...near, ...good];
          disliked.push(...bad.slice(0, Math.min(bad.length, 1 + randInt(rng, 3))));
        }
      }
      likedAll.push(...liked);
      const about = constraints.filter((c) => !c.negative).map((c) => phrase(c, rng));
      const actionsDist = this.model.systemActions.get(intents[t]);
      const actions = actionsDist !== undefined ? keyLabels(sample(actionsDist, rng)) : ["passive_recommend"];
      const otherArtist = shown.length > 0 ? this.items[shown[shown.length - 1]].artist : undefined;
      turns.push({
        userQuery: realiseUser({ intents: labels, added, removed }, this.phrasing, rng),
        systemResponse: realiseSystem(searches ? actions : actions.filter((a) => a !== "passive_recommend" && a !== "active_recommend"), joinAnd(about), otherArtist, rng),
        searchQueries: searches ? [searchQuery(constraints)] : [],
        searchResults: searches ? [[...shown, ...near].map((i) => this.items[i].id)] : [],
        liked: liked.map((i) => this.items[i].id),
        disliked: disliked.map((i) => this.items[i].id),
        intents: labels,
        attributes: [...new Set(added.concat(removed).map((c) => c.attribute))].sort(),
        systemActions: actions,
        constraints,
        candidates: pool.length,
      });
      previousShown = shown;
    }
    if (likedAll.length === 0) {
      // CPCD's goal playlist is what the listener kept: a dialogue that liked nothing gets its last turn's best match.
      const last = turns[turns.length - 1];
      const pickI = this.draw(rng, this.candidates(last.constraints), 1)[0];
      mentioned.add(pickI);
      likedAll.push(pickI);
      turns[turns.length - 1] = { ...last, liked: [this.items[pickI].id], searchQueries: last.searchQueries.length > 0 ? last.searchQueries : [searchQuery(last.constraints)], searchResults: last.searchResults.length > 0 ? last.searchResults.map((r, k) => (k === 0 && !r.includes(this.items[pickI].id) ? [...r, this.items[pickI].id] : r)) : [[this.items[pickI].id]] };
    }
    const goal = [...new Set(likedAll)].map((i) => this.items[i].id);
    return { id: `${idPrefix}-${seed}-${index}`, turns, goalPlaylist: goal, trackIds: [...mentioned].sort((a, b) => a - b).map((i) => this.items[i].id) };
  }

  /** An exclusion of something among `shown` (an artist or a tag) that leaves enough candidates. */
  private chooseExclusion(rng: Rng, constraints: readonly Constraint[], shown: readonly number[]): Constraint | undefined {
    const positive = new Set(constraints.filter((c) => !c.negative).map((c) => c.value));
    const options: Constraint[] = [];
    for (const i of shown) {
      const it = this.items[i];
      options.push({ attribute: "artist", value: it.artist, negative: true });
      for (const a of ["instrument", "mood", "genre", "vocal"] as const) for (const t of it.tags[a] ?? []) if (!positive.has(t)) options.push({ attribute: a, value: t, negative: true });
    }
    for (let tries = 0; tries < 6 && options.length > 0; tries++) {
      const k = randInt(rng, options.length);
      const c = options[k];
      if (!positive.has(c.value) && this.candidates([...constraints, c]).length >= this.minCandidates) return c;
      options.splice(k, 1);
    }
    return undefined;
  }

  /**
   * Up to `n` of `pool`, drawn without replacement, more popular items more often (weight 1 + log(1 + popularity)):
   * one exponential-key pass (Efraimidis-Spirakis), linear in the pool.
   */
  private draw(rng: Rng, pool: readonly number[], n: number): number[] {
    const keyed = pool.map((i) => ({ i, key: Math.log(Math.max(rng(), 1e-12)) / (1 + Math.log1p(Math.max(0, this.items[i].popularity))) }));
    keyed.sort((a, b) => b.key - a.key || a.i - b.i);
    return keyed.slice(0, n).map((x) => x.i);
  }

  /** Items matching all constraints but one positive one (what a broader search also returns). */
  private nearMissesOf(rng: Rng, constraints: readonly Constraint[], n: number): number[] {
    const positives = constraints.filter((c) => !c.negative);
    if (positives.length === 0 || n === 0) return [];
    const dropped = positives[randInt(rng, positives.length)];
    const relaxed = constraints.filter((c) => c !== dropped);
    const near: number[] = [];
    if (relaxed.some((c) => !c.negative)) {
      for (const i of this.candidates(relaxed)) if (!this.matches(i, [dropped])) near.push(i);
    } else {
      for (let tries = 0; tries < n * 4 && near.length < n * 4; tries++) {
        const i = randInt(rng, this.items.length);
        if (!this.matches(i, [dropped]) && this.matches(i, relaxed)) near.push(i);
      }
    }
    const out: number[] = [];
    const left = [...new Set(near)];
    while (out.length < n && left.length > 0) out.push(left.splice(randInt(rng, left.length), 1)[0]);
    return out;
  }

  /** The CPCD JSON line of a dialogue (upstream field names; `synth` records what produced it). */
  toCpcdLine(d: GeneratedDialogue, catalog: string, seed: number): string {
    const index = new Map(this.items.map((it, i) => [it.id, i]));
    const tracks: Record<string, unknown> = {};
    for (const id of d.trackIds) {
      const it = this.items[index.get(id)!];
      // One cluster per item: catalog ids are already distinct recordings (artist catalogs: distinct artists).
      tracks[id] = { track_ids: id, track_titles: it.title, track_artists: [it.artist], track_release_titles: null, track_canonical_ids: id, track_cluster_ids: id };
    }
    return JSON.stringify({
      id: d.id,
      turns: d.turns.map((t) => ({
        user_query: t.userQuery,
        system_response: t.systemResponse,
        search_queries: t.searchQueries,
        search_results: t.searchResults,
        liked_results: t.liked,
        disliked_results: t.disliked,
      })),
      tracks,
      goal_playlist: d.goalPlaylist,
      synth: {
        catalog,
        seed,
        turns: d.turns.map((t) => ({ intents: t.intents, attributes: t.attributes, system_actions: t.systemActions, constraints: t.constraints, candidates: t.candidates })),
      },
    });
  }
}

/** The search the system ran: the positive constraint values as words. */
function searchQuery(constraints: readonly Constraint[]): string {
  return constraints
    .filter((c) => !c.negative)
    .map((c) => (c.attribute === "similar_artist" ? `like ${c.value}` : c.value))
    .join(" ");
}

function joinAnd(ps: readonly string[]): string {
  return ps.length <= 1 ? ps.join("") : `${ps.slice(0, -1).join(", ")} and ${ps[ps.length - 1]}`;
}

function isArtistAttribute(a: GeneratedAttribute): boolean {
  return a === "artist" || a === "similar_artist";
}

function tagKey(a: TagAttribute, t: string): string {
  return `${a}\u0000${t}`;
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else list.push(i);
}

function pickOne<T>(rng: Rng, xs: readonly T[]): T {
  return xs[randInt(rng, xs.length)];
}

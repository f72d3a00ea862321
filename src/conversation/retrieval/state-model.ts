/**
 * @file `state`: conversational retrieval from the dialogue state. Each turn's request is replayed turn by turn through
 * dialogue understanding (intents) and request understanding (tags with polarity, over the items' artists' Last.fm-2k
 * tags) into a {@link DialogueState}; items are then ranked by fixed-weight parts, each scaled to [0, 1] per request:
 * the current words (BM25), the earlier words (BM25, older turns weigh less), the artists and albums of liked
 * tracks, closeness to the liked tracks' text vectors, the preferred tags; disliked artists count against. Hard
 * constraints (rejected artists and tags) and disliked tracks are never returned.
 * The weights were set before any CPCD dialogue was scored and are not tuned on them (5 real dialogues: checking only).
 */
import { dot, matrix, row, type Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { ModelFitError } from "../../errors.js";
import { Bm25Recommender } from "../../models/bm25/index.js";
import { checkRankOptions, rankFromScores } from "../../models/rank.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents } from "../../models/recommender.js";
import { words } from "../../models/tagmatch/vocabulary.js";
import { normalizeTerm } from "../../ranking/constraints.js";
import type { ArtistDescriptions } from "../../ranking/understanding/references.js";
import { RequestUnderstanding } from "../../ranking/understanding/understand.js";
import { applyTurn } from "../state.js";
import { EMPTY_STATE, type DialogueState, type UtteranceLabels } from "../types.js";

/** Labels utterances in context (dialogue understanding, or a stand-in in tests). */
export interface UtteranceLabeler {
  label(utterances: readonly { readonly text: string; readonly previousSystem?: string; readonly position: number }[]): Promise<UtteranceLabels[]>;
}

/** Weights of the parts (each part is scaled to [0, 1] per request first). Set a priori, see the file comment. */
export const STATE_WEIGHTS = Object.freeze({
  /** The current utterance's words: what the listener asks for now. */
  current: 1,
  /** Earlier utterances (user 1, system 0.5; each turn back halves it). */
  earlier: 0.5,
  /** Sharing an artist with liked tracks (share of liked tracks by that artist). */
  likedArtist: 1,
  /** Sharing an album with liked tracks. */
  likedAlbum: 0.25,
  /** Cosine to the mean text vector of the liked tracks. */
  likedVector: 0.5,
  /** Preferred tags of the state carried by the item's artists (Last.fm-2k tags). */
  tags: 0.5,
  /** Sharing an artist with disliked tracks (subtracted). */
  dislikedArtist: 0.5,
});

/** Options of {@link StateRecommender}. */
export interface StateRecommenderOptions {
  /** Builds the utterance labeler for a domain (it may exclude the domain's evaluated dialogues from training). */
  readonly labeler: (domain: Domain) => Promise<UtteranceLabeler>;
  /** Last.fm-2k descriptions of artists, giving items tags; absent: no tag part. */
  readonly describe?: () => Promise<ArtistDescriptions | undefined>;
}

interface Fitted {
  readonly domain: Domain;
  readonly labeler: UtteranceLabeler;
  readonly bm25: Bm25Recommender;
  /** Per item, its artists' normalised names. */
  readonly artists: readonly string[][];
  readonly albums: readonly string[];
  readonly vectors: Matrix | undefined;
  readonly understanding: RequestUnderstanding;
  /** Per item, normalised tag → strength in (0, 1]. */
  readonly itemTags: readonly ReadonlyMap<string, number>[];
  /** Normalised artist name → its items. */
  readonly byArtist: ReadonlyMap<string, number[]>;
  /** Each artist as written and as its words, for finding names in an utterance. */
  readonly artistNames: readonly { readonly name: string; readonly words: string }[];
}

/**
 * The artists whose full name occurs in `text` as whole words (case and accents ignored; names of 3+ letters).
 * @example namedArtists("some Cher please", [{ name: "Cher", words: " cher " }]) // ["Cher"]
 */
export function namedArtists(text: string, artists: readonly { readonly name: string; readonly words: string }[]): string[] {
  const padded = ` ${words(text).join(" ")} `;
  return artists.filter((a) => a.words.length >= 5 && padded.includes(a.words)).map((a) => a.name);
}

/** The score of an item a hard constraint or a dislike bans (never returned by {@link StateRecommender.rank}). */
const BANNED = -1e9;

const splitArtists = (s: string) => s.split(/\s*,\s*/).map(normalizeTerm).filter((a) => a !== "");

/**
 * @example
 * const m = new StateRecommender({ labeler: async (d) => trainedDialogueUnderstanding(config, encoder, d.evaluatedDialogIds ?? []) });
 * await m.fit(cpcdDomain, { seed: 42 }); await m.rank(requests, { k: 100 });
 */
export class StateRecommender implements Recommender {
  readonly name = "state";
  /** Reads the current words and the earlier turns (words, liked and disliked tracks); nothing else. */
  readonly context: ContextUse = { uses: ["text", "turns"], needs: ["text"] };
  private fitted: Fitted | undefined;
  private readonly labels = new Map<string, UtteranceLabels>();

  constructor(private readonly options: StateRecommenderOptions) {}

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const texts = domain.items.texts;
    const n = domain.items.ids.length;
    const artists = (texts.artists ?? texts.artist ?? new Array<string>(n).fill("")).map(splitArtists);
    const albums = (texts.album ?? new Array<string>(n).fill("")).map(normalizeTerm);
    const bm25 = new Bm25Recommender();
    await bm25.fit(domain, options);
    const describe = await this.options.describe?.();
    const itemTags = artists.map((names) => {
      const m = new Map<string, number>();
      for (const a of names) {
        const d = describe?.find(a);
        if (d === undefined || d.tags.length === 0) continue;
        const top = d.tags[0].share;
        for (const t of d.tags) m.set(normalizeTerm(t.tag), Math.max(m.get(normalizeTerm(t.tag)) ?? 0, t.share / top));
      }
      return m;
    });
    const byArtist = new Map<string, number[]>();
    artists.forEach((names, i) => names.forEach((a) => byArtist.set(a, [...(byArtist.get(a) ?? []), i])));
    const rawNames = (texts.artists ?? texts.artist ?? []).flatMap((s) => s.split(/\s*,\s*/)).filter((s) => s !== "");
    const understanding = new RequestUnderstanding(
      itemTags.map((m) => [...m.keys()]),
      { artists: [...new Set(rawNames)], describe, catalogArtist: (name) => byArtist.has(normalizeTerm(name)) },
    );
    const vectors = domain.items.features.tagtext;
    if (vectors !== undefined && vectors.rows !== n) throw new ModelFitError(`state: items.features.tagtext has ${vectors.rows} rows, expected ${n}`);
    const artistNames = [...new Set(rawNames)].map((name) => ({ name, words: ` ${words(name).join(" ")} ` }));
    this.fitted = { domain, labeler: await this.options.labeler(domain), bm25, artists, albums, vectors, understanding, itemTags, byArtist, artistNames };
    this.labels.clear();
    const tagged = itemTags.filter((m) => m.size > 0).length;
    return { trainSeconds: (performance.now() - t0) / 1000, notes: { items_with_lastfm_tags: tagged } };
  }

  /** Ranks by {@link score}, never returning an item a hard constraint or a dislike bans, even to fill `k`. */
  async rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    checkRankOptions(options, requests.length);
    const scores = await this.score(requests);
    const exclude = requests.map((_, q) => {
      const banned = new Set(options.exclude?.[q] ?? []);
      row(scores, q).forEach((s, j) => {
        if (s <= BANNED) banned.add(j);
      });
      return banned;
    });
    return rankFromScores(scores, { k: options.k, exclude });
  }

  /** The state a request's turns lead to (its current utterance included), as the ranking reads it. */
  async stateOf(request: RequestContext): Promise<DialogueState> {
    const f = this.require();
    const turns = request.turns ?? [];
    const utterances = [...turns.map((t, i) => ({ text: t.user, previousSystem: i > 0 ? turns[i - 1].system ?? "" : "", position: i })), { text: request.text, previousSystem: turns.at(-1)?.system ?? "", position: turns.length }];
    const key = (u: (typeof utterances)[number]) => `${u.position}\u0000${u.previousSystem}\u0000${u.text}`;
    const missing = utterances.filter((u) => !this.labels.has(key(u)));
    if (missing.length > 0) (await f.labeler.label(missing)).forEach((l, i) => this.labels.set(key(missing[i]), l));
    const ids = f.domain.items.ids;
    let state = EMPTY_STATE;
    utterances.forEach((u, i) => {
      const understood = f.understanding.understand(u.text);
      const named = namedArtists(u.text, f.artistNames);
      const turn = turns[i];
      const feedback = turn === undefined ? {} : { liked: (turn.liked ?? []).map((j) => ids[j]), disliked: (turn.disliked ?? []).map((j) => ids[j]) };
      state = applyTurn(state, u.text, { labels: this.labels.get(key(u))!, understood, artists: named }, feedback);
    });
    return state;
  }

  async score(requests: readonly RequestContext[]): Promise<Matrix> {
    const f = this.require();
    const n = f.domain.items.ids.length;
    const out = matrix(requests.length, n);
    for (let q = 0; q < requests.length; q++) {
      const parts = await this.parts(requests[q]);
      const s = row(out, q);
      for (let i = 0; i < n; i++) s[i] = parts.total[i];
    }
    return out;
  }

  async explain(request: RequestContext, item: number): Promise<ScoreComponents> {
    const p = await this.parts(request);
    return { parts: Object.fromEntries(Object.entries(p.named).map(([k, v]) => [k, v[item]])) };
  }

  async save(): Promise<void> {
    throw new ModelFitError("state has no trained parameters of its own to save: fit it on the domain (dialogue understanding is cached)");
  }

  async load(_dir: string, domain: Domain): Promise<void> {
    await this.fit(domain, { seed: 42 });
  }

  dispose(): void {
    this.fitted = undefined;
    this.labels.clear();
  }

  /** Every weighted part of every item's score for one request, and their sum (hard constraints at -1e9). */
  private async parts(request: RequestContext): Promise<{ total: Float32Array; named: Record<string, Float32Array> }> {
    const f = this.require();
    const n = f.domain.items.ids.length;
    const state = await this.stateOf(request);
    const turns = request.turns ?? [];
    const W = STATE_WEIGHTS;
    const scaled = (v: Float32Array, w: number) => {
      let max = 0;
      for (const x of v) max = Math.max(max, x);
      return max > 0 ? v.map((x) => (w * x) / max) : v;
    };
    const current = row(await f.bm25.score([{ text: request.text }]), 0);
    const earlier = new Float32Array(n);
    const back = turns.length;
    for (let i = 0; i < back; i++) {
      const decay = 0.5 ** (back - 1 - i);
      const t = turns[i];
      const texts: [string, number][] = [[t.user, 1], [t.system ?? "", 0.5]];
      for (const [text, w] of texts) {
        if (text.trim() === "") continue;
        const s = row(await f.bm25.score([{ text }]), 0);
        for (let j = 0; j < n; j++) earlier[j] += decay * w * s[j];
      }
    }
    const index = new Map(f.domain.items.ids.map((id, i) => [id, i]));
    const liked = state.liked.map((id) => index.get(id)).filter((i): i is number => i !== undefined);
    const disliked = state.disliked.map((id) => index.get(id)).filter((i): i is number => i !== undefined);
    const artistShare = (items: readonly number[]) => {
      const v = new Float32Array(n);
      for (const i of items) for (const a of new Set(f.artists[i])) for (const j of f.byArtist.get(a) ?? []) v[j] += 1 / items.length;
      return v;
    };
    const likedAlbum = new Float32Array(n);
    const albums = new Set(liked.map((i) => f.albums[i]).filter((a) => a !== ""));
    f.albums.forEach((a, j) => {
      if (albums.has(a)) likedAlbum[j] = 1;
    });
    const likedVector = new Float32Array(n);
    if (f.vectors !== undefined && liked.length > 0) {
      const mean = new Float32Array(f.vectors.cols);
      for (const i of liked) row(f.vectors, i).forEach((x, d) => (mean[d] += x / liked.length));
      const norm = Math.sqrt(dot(mean, mean)) || 1;
      for (let j = 0; j < n; j++) {
        const v = row(f.vectors, j);
        likedVector[j] = Math.max(0, dot(v, mean) / ((Math.sqrt(dot(v, v)) || 1) * norm));
      }
    }
    const tags = new Float32Array(n);
    if (state.preferences.length > 0) {
      for (let j = 0; j < n; j++) for (const p of state.preferences) tags[j] += p.weight * (f.itemTags[j].get(normalizeTerm(p.tag)) ?? 0);
    }
    const named: Record<string, Float32Array> = {
      current: scaled(current, W.current),
      earlier: scaled(earlier, W.earlier),
      likedArtist: scaled(artistShare(liked), W.likedArtist),
      likedAlbum: scaled(likedAlbum, W.likedAlbum),
      likedVector: scaled(likedVector, W.likedVector),
      tags: scaled(tags, W.tags),
      dislikedArtist: scaled(artistShare(disliked), W.dislikedArtist).map((x) => -x),
    };
    const total = new Float32Array(n);
    for (const v of Object.values(named)) for (let j = 0; j < n; j++) total[j] += v[j];
    // Hard constraints and disliked tracks: never returned (pushed below anything a real score can reach).
    const banned = new Set(state.constraints.excludeArtists.map(normalizeTerm));
    const bannedTags = new Set(state.constraints.excludeTags.map(normalizeTerm));
    for (let j = 0; j < n; j++) {
      if (f.artists[j].some((a) => banned.has(a)) || [...f.itemTags[j].keys()].some((t) => bannedTags.has(t))) total[j] = BANNED;
    }
    for (const i of disliked) total[i] = BANNED;
    return { total, named };
  }

  private require(): Fitted {
    if (this.fitted === undefined) throw new ModelFitError("state: fit the model before scoring");
    return this.fitted;
  }
}

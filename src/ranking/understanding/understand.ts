/**
 * @file Request understanding: what a request asks for, in the catalog's own tags. One module for `ask`, the HTTP
 * API, `eval --models served` and later conversations. It reads hard constraints (negations) with the constraint
 * matcher, then maps the remaining words onto the catalog's tags with a weight and a reason: tags named literally,
 * the lexicon's synonyms, activities, tempo/energy words and decades, and tags that the catalog's own items carry
 * together with those (learned co-occurrence, a weak weight). Artists named after "like" are kept as references.
 * The result is data a person can read (`request.understood`) and the ranker scores with.
 */
import { words } from "../../models/tagmatch/vocabulary.js";
import { tagDisplay } from "../../representations/jamendo-text.js";
import { ConstraintMatcher, normalizeTerm } from "../constraints.js";
import { LEXICON, type LexiconEntry } from "./lexicon.js";
import type { ArtistDescriptions } from "./references.js";
import { relatedTags, type RelatedTags } from "./related-tags.js";

/** How a wanted tag was understood. */
export type TagSource = "literal" | LexiconEntry["kind"] | "related" | "reference";

/** A catalog tag the request wants, with its weight (0, 1] and the words that implied it. */
export interface WantedTag {
  /** The tag as the catalog spells it. */
  readonly tag: string;
  readonly weight: number;
  /** The request's words it came from (for "related": the wanted tag it goes with). */
  readonly from: string;
  readonly source: TagSource;
}

/** What a request was understood to ask for. */
export interface Understood {
  /** Tags wanted, strongest first. */
  readonly wanted: readonly WantedTag[];
  /** Tags results must not carry (hard constraints). */
  readonly rejectedTags: readonly string[];
  /** Artists results must not be by (hard constraints). */
  readonly rejectedArtists: readonly string[];
  /** What follows "like", "similar to", "in the style of": artists or songs to sound like. */
  readonly references: readonly string[];
  /**
   * Referenced artists the catalog lacks but Last.fm-2k knows, with the tags they were described by (those the
   * catalog has became wanted tags, source "reference").
   */
  readonly outside: readonly { readonly name: string; readonly tags: readonly string[] }[];
  /** Negated phrases that matched nothing in the catalog (reported so the listener can rephrase). */
  readonly unmatched: readonly string[];
  /** The request without its negated phrases: what a model embeds. */
  readonly text: string;
}

/** Options of {@link RequestUnderstanding}. */
export interface UnderstandingOptions {
  /**
   * [related=0.1] Weight of learned co-occurring tags relative to the tag they go with; 0 turns them off (0.1 and 0.2
   * tried on the dev half: +0.01 NDCG@10 over none, within noise; kept for short requests, where they break ties).
   */
  readonly related?: number;
  /** Artist names of the catalog, for negations ("not by Coldplay"). */
  readonly artists?: readonly string[];
  /**
   * [implied=0.5] Scale of the lexicon's weights: a tag the request names literally weighs 1, one it only implies
   * (a synonym, an activity) at most this. Chosen on the dev half of jamendo-captions val (0.25, 0.5 and 1 tried:
   * 1 lost 0.04 NDCG@10 to literal matching alone, as descriptions mention many things; 0.5 kept the best).
   */
  readonly implied?: number;
  /** Descriptions of artists outside the catalog (Last.fm-2k tags), for "like X" when X is not a catalog artist. */
  readonly describe?: ArtistDescriptions;
  /** Whether a referenced name is one of the catalog's artists (those are matched by entity awareness instead). */
  readonly catalogArtist?: (name: string) => boolean;
}

/** Whether word `w` reads as `p`: itself or its plural. */
const sameWord = (w: string, p: string) => w === p || w === `${p}s` || w === `${p}es`;

/** The forms a request word may be a tag word in: itself and its singulars. */
function forms(w: string): string[] {
  const out = [w];
  if (w.length > 3 && w.endsWith("s")) out.push(w.slice(0, -1));
  if (w.length > 4 && w.endsWith("es")) out.push(w.slice(0, -2));
  return out;
}

/** Start positions where `phrase` occurs as consecutive words of `ws` (each word or its plural). */
function occurrences(ws: readonly string[], phrase: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + phrase.length <= ws.length; i++) if (phrase.every((p, j) => sameWord(ws[i + j], p))) out.push(i);
  return out;
}

/**
 * Words every request may use for "what I want" ("some music", "songs like X") that Last.fm listeners also use as
 * tags: in a request they say nothing about the sound, so they never match a tag literally.
 */
const REQUEST_WORDS: ReadonlySet<string> = new Set(["music", "song", "songs", "track", "tracks", "tune", "tunes", "artist", "artists", "band", "bands", "stuff", "playlist"]);

const REFERENCE = /\b(?:(?:sounds?|sounding)\s+like|songs?\s+like|music\s+like|stuff\s+like|similar\s+to|in\s+the\s+(?:style|vein)\s+of|reminiscent\s+of|inspired\s+by|like)\s+([^,.;!?]+?)(?=\s*(?:[,.;!?]|\bbut\b|\bwith\b|\bfor\b|\bplease\b|$))/gi;
/** Decades written in digits: 80s, '80s, 1980s, 1987. */
const DECADE = /(?:^|[^\p{L}\p{N}])(?:'|’)?((?:19|20)?\d0)['’]?s\b|\b((?:19[5-9]|20[0-2])\d)\b/gu;

/**
 * Maps requests onto a catalog's tags. Build once per catalog (from its tags and, for learned co-occurrence, each
 * item's tags); `understand` is a few microseconds per request.
 * @example
 * const u = new RequestUnderstanding([["rock", "energetic"], ["rap", "hiphop"]]);
 * u.understand("upbeat songs for a morning run, but no rap").rejectedTags // ["rap", "hiphop"]
 */
export class RequestUnderstanding {
  /** Catalog tag by normalised key. */
  private readonly tagOf = new Map<string, string>();
  /** Catalog tags by their first word and by their words written together ("acousticguitar" -> ["acoustic", "guitar"]). */
  private readonly tagsByWord = new Map<string, { readonly key: string; readonly words: readonly string[] }[]>();
  private readonly lexicon: { readonly entry: LexiconEntry; readonly words: readonly string[] }[];
  private readonly related: RelatedTags;
  private readonly relatedWeight: number;
  private readonly constraints: ConstraintMatcher;
  private readonly implied: number;
  private readonly describe: ArtistDescriptions | undefined;
  private readonly catalogArtist: (name: string) => boolean;

  /** @param itemTags each item's tags as the catalog spells them (the vocabulary and the co-occurrence counts). */
  constructor(itemTags: readonly (readonly string[])[], options: UnderstandingOptions = {}) {
    const spellings = new Set<string>();
    for (const tags of itemTags) {
      for (const tag of tags) {
        spellings.add(tag);
        const key = normalizeTerm(tag);
        if (key === "" || this.tagOf.has(key)) continue;
        this.tagOf.set(key, tag);
        const tw = words(tagDisplay(tag));
        if (tw.length === 0) continue;
        // Indexed by first word and by the words written together, so a request only visits tags it could name.
        for (const first of new Set([tw[0], tw.join("")])) {
          const list = this.tagsByWord.get(first) ?? [];
          list.push({ key, words: tw });
          this.tagsByWord.set(first, list);
        }
      }
    }
    this.lexicon = LEXICON.map((entry) => ({ entry, words: words(entry.phrase) }));
    this.related = relatedTags(itemTags.map((tags) => tags.map(normalizeTerm)));
    this.relatedWeight = options.related ?? 0.1;
    this.implied = options.implied ?? 0.5;
    this.describe = options.describe;
    this.catalogArtist = options.catalogArtist ?? (() => false);
    this.constraints = new ConstraintMatcher({ tags: [...spellings], artists: options.artists ?? [] });
  }

  /** The catalog's tag for a normalised key, if it has one. */
  tag(key: string): string | undefined {
    return this.tagOf.get(key);
  }

  understand(request: string): Understood {
    const parsed = this.constraints.parse(request);
    const rejected = new Set(parsed.excludeTags.map(normalizeTerm));
    const ws = words(parsed.text);
    const wanted = new Map<string, WantedTag>();
    const want = (key: string, weight: number, from: string, source: TagSource) => {
      const tag = this.tagOf.get(key);
      if (tag === undefined || rejected.has(key)) return;
      const had = wanted.get(key);
      if (had === undefined || had.weight < weight) wanted.set(key, { tag, weight, from, source });
    };
    const referred = [...parsed.text.matchAll(REFERENCE)]
      .flatMap((m) => m[1].split(/\s*(?:&|\/|\band\b|\bor\b)\s*/i))
      .map((r) => r.trim())
      .filter((r) => r !== "");
    const references = referred.filter((r) => this.tagOf.get(normalizeTerm(r)) === undefined);
    // The words of a catalog artist the request refers to name that artist, not tags: Last.fm has tags such as
    // "coldplay" or "muse", and "like Coldplay" must not mean "tagged coldplay".
    const named = new Set<number>();
    for (const ref of referred) {
      if (!this.catalogArtist(ref)) continue;
      const rw = words(ref);
      for (const start of occurrences(ws, rw)) rw.forEach((_, j) => named.add(start + j));
    }
    ws.forEach((w, i) => {
      if (named.has(i) || REQUEST_WORDS.has(w)) return;
      for (const form of forms(w)) {
        for (const { key, words: tw } of this.tagsByWord.get(form) ?? []) {
          const compact = tw.length > 1 && form === tw.join("");
          if (compact || tw.every((p, j) => i + j < ws.length && sameWord(ws[i + j], p))) want(key, 1, tw.join(" "), "literal");
        }
      }
    });
    for (const { entry, words: pw } of this.lexicon) {
      if (occurrences(ws, pw).every((start) => pw.some((_, j) => named.has(start + j)))) continue;
      for (const [key, weight] of Object.entries(entry.tags)) want(key, weight * this.implied, entry.phrase, entry.kind);
    }
    for (const m of parsed.text.matchAll(DECADE)) {
      const decade = decadeOf(m[1] ?? m[2]);
      // Catalogs write decades either way: "80s" (Last.fm, Jamendo) or "1980s".
      for (const key of [`${decade % 100 === 0 ? "00" : String(decade % 100).padStart(2, "0")}s`, `${decade}s`]) want(key, 1, m[0].trim(), "decade");
    }
    const outside: { name: string; tags: string[] }[] = [];
    for (const ref of references) {
      if (this.describe === undefined || this.catalogArtist(ref)) continue;
      const d = this.describe.find(ref);
      if (d === undefined || d.tags.length === 0) continue;
      outside.push({ name: d.name, tags: d.tags.map((t) => t.tag) });
      const top = d.tags[0].share;
      for (const t of d.tags) want(normalizeTerm(t.tag), this.implied * (t.share / top), d.name, "reference");
    }
    if (this.relatedWeight > 0) {
      for (const w of [...wanted.values()]) {
        for (const [key, strength] of this.related.of(normalizeTerm(w.tag))) {
          if (!wanted.has(key)) want(key, w.weight * this.relatedWeight * strength, w.tag, "related");
        }
      }
    }
    return {
      wanted: [...wanted.values()].sort((a, b) => b.weight - a.weight || a.tag.localeCompare(b.tag)),
      rejectedTags: parsed.excludeTags,
      rejectedArtists: parsed.excludeArtists,
      references,
      outside,
      unmatched: parsed.unmatched,
      text: parsed.text,
    };
  }
}

/**
 * The decade (a year ending in 0) of "80", "1980", "1987" or "2010": two digits are the 1900s from 30 up, else 2000s.
 * @example decadeOf("80") // 1980
 * @example decadeOf("1987") // 1980
 */
export function decadeOf(digits: string): number {
  const n = Number(digits);
  const year = digits.length === 2 ? (n >= 30 ? 1900 + n : 2000 + n) : n;
  return year - (year % 10);
}

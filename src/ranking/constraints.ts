/**
 * @file Reads hard constraints out of a request ("upbeat songs for a run, but no rap", "piano without vocals",
 * "not by Coldplay"): negated tags and artists become filters that ranking never violates, and the negated words
 * are removed from the text that is embedded (otherwise "no rap" would pull rap closer).
 */

/** What a request says must not appear, and the text left to match against. */
export interface ParsedRequest {
  /**
   * The request without the negated phrases (what gets encoded and searched); empty when the request was only
   * constraints ("no rap"): then nothing is embedded, since the words left would pull toward what was excluded.
   */
  readonly text: string;
  /** Catalog tags (as given in the vocabulary) that results must not carry. */
  readonly excludeTags: readonly string[];
  /** Artist names (as given) whose items must not be returned. */
  readonly excludeArtists: readonly string[];
  /** Negated phrases that matched nothing in the catalog (kept in `text`, reported so the user can rephrase). */
  readonly unmatched: readonly string[];
}

/** Words that make what follows a hard exclusion. */
const NEGATION = /\b(?:no|not|without|except|excluding|exclude|avoid|minus|never|nothing\s+like|anything\s+but|but\s+not)\s+/gi;
/** Where a negated phrase ends. */
const PHRASE_END = /\s*(?:[,.;!?]|\band\b|\bbut\b|\bor\b|\bwith\b|\bfor\b|\bplease\b|$)/i;
const STOPWORDS = new Set(["any", "some", "the", "a", "an", "more", "too", "much", "songs", "song", "music", "tracks", "by", "from", "of", "stuff"]);

/** Everyday words for catalog tags (normalised form → normalised tags). Only maps onto tags that exist. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  rap: ["rap", "hiphop"],
  hiphop: ["hiphop", "rap"],
  vocals: ["voice", "vocal", "femalevocalists", "malevocalists"],
  vocal: ["voice", "vocal"],
  singing: ["voice"],
  singer: ["voice"],
  lyrics: ["voice"],
  words: ["voice"],
  drum: ["drums"],
  synth: ["synthesizer"],
  synths: ["synthesizer"],
  electronicmusic: ["electronic"],
  edm: ["edm", "electronic"],
  sax: ["saxophone"],
  strings: ["strings", "violin", "viola", "cello"],
  metal: ["metal", "heavymetal"],
};

/** Lower-cased letters and digits only: "Hip-Hop" → "hiphop", "Acoustic Guitar" → "acousticguitar". */
export function normalizeTerm(s: string): string {
  return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The vocabulary a request is matched against: catalog tags and artist names. */
export interface ConstraintVocabulary {
  readonly tags: readonly string[];
  readonly artists: readonly string[];
}

/** Precomputed lookup tables for {@link parseRequest}. Build once per catalog. */
export class ConstraintMatcher {
  private readonly tagsByKey = new Map<string, string[]>();
  private readonly artistsByKey = new Map<string, string>();

  constructor(vocabulary: ConstraintVocabulary) {
    for (const tag of vocabulary.tags) {
      const key = normalizeTerm(tag);
      if (!key) continue;
      const list = this.tagsByKey.get(key) ?? [];
      if (!list.includes(tag)) list.push(tag);
      this.tagsByKey.set(key, list);
    }
    for (const artist of vocabulary.artists) {
      const key = normalizeTerm(artist);
      if (key && !this.artistsByKey.has(key)) this.artistsByKey.set(key, artist);
    }
  }

  /** Tags meant by a phrase: the tag itself, its synonyms, and compound tags ending in it ("guitar" → "electricguitar"). */
  tagsFor(phrase: string): string[] {
    const key = normalizeTerm(phrase);
    if (!key) return [];
    const keys = new Set<string>([key, ...(SYNONYMS[key] ?? [])]);
    // A plural in the request ("guitars", "drums" is itself a tag) → also its singular.
    if (key.endsWith("s") && key.length > 3) keys.add(key.slice(0, -1));
    const found = new Set<string>();
    for (const k of keys) {
      const exact = this.tagsByKey.get(k);
      if (!exact) continue;
      exact.forEach((t) => found.add(t));
      // Only expand to compounds when the phrase is itself a tag, so "rock" covers "poprock" but "ck" covers nothing.
      if (k.length >= 4) {
        for (const [other, tags] of this.tagsByKey) if (other !== k && other.endsWith(k)) tags.forEach((t) => found.add(t));
      }
    }
    return [...found];
  }

  /** The artist a phrase names exactly (case, spacing and accents ignored), if any. */
  artistFor(phrase: string): string | undefined {
    return this.artistsByKey.get(normalizeTerm(phrase));
  }

  /** Parses one request. */
  parse(request: string): ParsedRequest {
    const excludeTags = new Set<string>();
    const excludeArtists = new Set<string>();
    const unmatched: string[] = [];
    const removals: [number, number][] = [];
    for (const cue of request.matchAll(NEGATION)) {
      const start = cue.index + cue[0].length;
      const rest = request.slice(start);
      const end = rest.search(PHRASE_END);
      const raw = rest.slice(0, end < 0 ? rest.length : end);
      const words = raw.split(/\s+/).filter((w) => w && !STOPWORDS.has(w.toLowerCase()));
      if (words.length === 0) continue;
      const matched = this.matchPhrase(words, excludeTags, excludeArtists);
      if (matched) removals.push([cue.index, start + raw.length]);
      else unmatched.push(words.join(" "));
    }
    let text = request;
    for (const [from, to] of removals.sort((a, b) => b[0] - a[0])) text = `${text.slice(0, from)} ${text.slice(to)}`;
    text = text.replace(/\s*,\s*(,\s*)+/g, ", ").replace(/\s+/g, " ").replace(/\s*\b(?:but|and)\s*$/i, "").replace(/[\s,;]+$/, "").trim();
    return { text, excludeTags: [...excludeTags], excludeArtists: [...excludeArtists], unmatched };
  }

  /** Tries the whole phrase as an artist, then each word (and word pair) as tags. True if anything matched. */
  private matchPhrase(words: string[], tags: Set<string>, artists: Set<string>): boolean {
    const artist = this.artistFor(words.join(" "));
    if (artist) {
      artists.add(artist);
      return true;
    }
    let any = false;
    for (let i = 0; i < words.length; i++) {
      const pair = i + 1 < words.length ? this.tagsFor(`${words[i]} ${words[i + 1]}`) : [];
      if (pair.length > 0) {
        pair.forEach((t) => tags.add(t));
        any = true;
        i++;
        continue;
      }
      const single = this.tagsFor(words[i]);
      single.forEach((t) => tags.add(t));
      any ||= single.length > 0;
    }
    return any;
  }
}

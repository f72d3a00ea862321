/**
 * @file Artists named in a request ("songs like Coldplay", "more radiohed"), matched exactly and fuzzily against
 * the catalog's artist names, with the catalog rows of each match: the ranker turns them into an `entity`
 * score component, because a sentence encoder alone does not know who an artist is.
 */
import { EntityIndex, nameWords, normalizeName } from "./entities.js";
import type { CatalogItem } from "../store/catalog.js";

/** An artist named in a request. */
export interface ArtistMatch {
  readonly artist: string;
  /** 1 for an exact (normalised) match, else the fuzzy similarity (>= 0.85). */
  readonly similarity: number;
  /** Rows (in the ranker's item order) of this artist's items. */
  readonly rows: readonly number[];
}

/** Words right before a name that say "this is an artist" ("songs like X", "by X", "more X", "similar to X"). */
const CUES = new Set(["like", "by", "more", "from", "to", "artist", "band", "than"]);

/**
 * Looks up artist names of one catalog's items. A name made only of generic tag words — words in the tags of at
 * least 20 items (and 0.2% of the catalog), like "Love", "Electronic", "Orchestra" — is ambiguous: it counts only
 * right after a cue word ("songs by Love"), so "sad love songs" stays a mood request. Words that are tags of a
 * few items only (Last.fm's "radiohead") stay names.
 */
export class CatalogEntities {
  private readonly artists: string[];
  private readonly rowsOf: number[][];
  private readonly index: EntityIndex;
  private readonly genericWords: ReadonlySet<string>;
  /** Words in the tags of at least two items: a request word spelled exactly like one is not a typo of a name. */
  private readonly tagWords: ReadonlySet<string>;

  /** @param items the catalog's items in the ranker's row order. */
  constructor(items: readonly CatalogItem[]) {
    const byName = new Map<string, number[]>();
    items.forEach((it, row) => {
      if (!it.artist) return;
      const rows = byName.get(it.artist);
      if (rows) rows.push(row);
      else byName.set(it.artist, [row]);
    });
    this.artists = [...byName.keys()];
    this.rowsOf = [...byName.values()];
    this.index = new EntityIndex(this.artists);
    const itemsWith = new Map<string, number>();
    for (const it of items) {
      const words = new Set(it.tags.flatMap(nameWords));
      for (const w of words) itemsWith.set(w, (itemsWith.get(w) ?? 0) + 1);
    }
    const threshold = Math.max(20, 0.002 * items.length);
    this.genericWords = new Set([...itemsWith].filter(([, n]) => n >= threshold).map(([w]) => w));
    this.tagWords = new Set([...itemsWith].filter(([, n]) => n >= 2).map(([w]) => w));
  }

  /**
   * True when the span reads like a tag and no cue word precedes it in the request, or when a fuzzy match's span is
   * spelled exactly like tag words ("orchestral" is a word, not a typo of "Orchestra").
   */
  private ambiguous(span: string, artist: string, similarity: number, words: readonly string[]): boolean {
    if (similarity < 1 && span.split(" ").every((w) => this.tagWords.has(w))) return true;
    const tagLike = (s: string) => s.split(" ").every((w) => this.genericWords.has(w) || this.genericWords.has(w.replace(/s$/, "")));
    if (!tagLike(span) && !tagLike(normalizeName(artist))) return false;
    const n = span.split(" ").length;
    for (let i = 0; i + n <= words.length; i++) {
      if (words.slice(i, i + n).join(" ") === span && i > 0 && CUES.has(words[i - 1])) return false;
    }
    return true;
  }

  /**
   * Artists named in `text`; an artist the request excludes ("not by X") is not a match. Overlapping matches
   * resolve to the longest span, then the best similarity, and only the winners are kept, so "songs like
   * Coldplay" does not also pull in a fuzzy "Coldplayer", nor "Pink Floyd" the artist "Pink".
   */
  find(text: string, excludedArtists: readonly string[] = []): ArtistMatch[] {
    const excluded = new Set(excludedArtists.map((a) => a.toLowerCase()));
    const words = nameWords(text);
    // Fuzzy lookups skip spans spelled exactly like tag words (never a typo of a name, see ambiguous()) and spans
    // that start or end with a cue word ("like black eyed peas" is not a typo of "The Black Eyed Peas").
    const fuzzy = (span: string) => {
      const w = span.split(" ");
      return !CUES.has(w[0]) && !CUES.has(w[w.length - 1]) && !w.every((x) => this.tagWords.has(x));
    };
    const matches = this.index
      .find(text, fuzzy)
      .filter((m) => !excluded.has(this.artists[m.item].toLowerCase()) && !this.ambiguous(m.span, this.artists[m.item], m.similarity, words));
    if (matches.length === 0) return [];
    // Longest span first: "pink loyd" (a typo of Pink Floyd) beats the exact but shorter "pink" inside it.
    const wordsOf = (span: string) => span.split(" ").length;
    matches.sort((a, b) => wordsOf(b.span) - wordsOf(a.span) || b.similarity - a.similarity || a.item - b.item);
    const kept = matches.filter((m, i) => !matches.slice(0, i).some((o) => o.span !== m.span && ` ${o.span} `.includes(` ${m.span} `)));
    const best = kept[0];
    return kept
      .filter((m) => wordsOf(m.span) === wordsOf(best.span) && m.similarity === best.similarity)
      .map((m) => ({ artist: this.artists[m.item], similarity: m.similarity, rows: this.rowsOf[m.item] }));
  }
}

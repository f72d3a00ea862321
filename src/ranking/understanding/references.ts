/**
 * @file Artists a request names that the catalog lacks ("songs like Daft Punk" on Jamendo), described from public
 * knowledge available here: Last.fm-2k's tags of that artist (17,632 artists; how many times listeners gave each tag).
 * Names match tolerantly: case, accents, spacing and punctuation ignored, a possessive or plural "s" dropped
 * ("Radiohead's", "radioheads"), "the" optional, and a few common abbreviations and short forms. The description
 * is the artist's most given tags; understanding turns those the catalog has into wanted tags.
 */
import type { LastfmDataset } from "../../datasets/types.js";
import { normalizeTerm } from "../constraints.js";

/** Short forms people write for artists, by normalised form (only used when the full name is an artist known here). */
const SHORT_FORMS: Readonly<Record<string, string>> = Object.freeze({
  rhcp: "Red Hot Chili Peppers",
  nin: "Nine Inch Nails",
  ccr: "Creedence Clearwater Revival",
  sufjan: "Sufjan Stevens",
  gnr: "Guns N' Roses",
  gunsnroses: "Guns N' Roses",
  acdc: "AC/DC",
  ratm: "Rage Against the Machine",
  qotsa: "Queens of the Stone Age",
  mcr: "My Chemical Romance",
  elo: "Electric Light Orchestra",
  bts: "BTS",
  weezer: "Weezer",
  floyd: "Pink Floyd",
  zeppelin: "Led Zeppelin",
  ledzep: "Led Zeppelin",
  theboss: "Bruce Springsteen",
  bowie: "David Bowie",
  gaga: "Lady Gaga",
  swift: "Taylor Swift",
  tswift: "Taylor Swift",
});

/** An artist described by its most given Last.fm tags, with the share of its tag assignments each has. */
export interface ArtistDescription {
  readonly name: string;
  readonly tags: readonly { readonly tag: string; readonly share: number }[];
}

/** The keys a name is looked up under: normalised, without a leading "the", without a trailing possessive/plural s. */
function keysOf(name: string): string[] {
  const base = normalizeTerm(name.replace(/['’]s\b/gi, ""));
  const out = new Set([base, base.replace(/^the/, "")]);
  for (const k of [...out]) if (k.endsWith("s") && k.length > 3) out.add(k.slice(0, -1));
  return [...out].filter((k) => k !== "");
}

/** Descriptions of artists by name (see the file comment). */
export class ArtistDescriptions {
  private readonly byKey = new Map<string, ArtistDescription>();

  /** @param artists each artist's name and its tags with how many times they were given. */
  constructor(artists: readonly { readonly name: string; readonly tagCounts: ReadonlyMap<string, number> }[], perArtist = 5) {
    for (const a of artists) {
      const total = [...a.tagCounts.values()].reduce((x, y) => x + y, 0);
      if (total === 0) continue;
      const tags = [...a.tagCounts]
        .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
        .slice(0, perArtist)
        .map(([tag, n]) => ({ tag, share: n / total }));
      // The exact name wins over a looser key of another artist.
      const [exact, ...loose] = keysOf(a.name);
      this.byKey.set(exact, { name: a.name, tags });
      for (const k of loose) if (!this.byKey.has(k)) this.byKey.set(k, { name: a.name, tags });
    }
  }

  /** Last.fm-2k's artists with the tags its listeners gave them. */
  static fromLastfm(lfm: Pick<LastfmDataset, "artists" | "tags" | "tagAssignments">): ArtistDescriptions {
    const tagText = new Map(lfm.tags.map((t) => [t.id, t.text]));
    const counts = new Map<number, Map<string, number>>();
    for (const a of lfm.tagAssignments) {
      const text = tagText.get(a.tag);
      if (text === undefined) continue;
      let m = counts.get(a.artist);
      if (m === undefined) counts.set(a.artist, (m = new Map()));
      m.set(text, (m.get(text) ?? 0) + 1);
    }
    return new ArtistDescriptions(lfm.artists.map((a) => ({ name: a.name, tagCounts: counts.get(a.id) ?? new Map() })));
  }

  /**
   * The artist a phrase names, if known: by its keys, then as a short form.
   * @example descriptions.find("radioheads")?.name // "Radiohead"
   */
  find(phrase: string): ArtistDescription | undefined {
    for (const k of keysOf(phrase)) {
      const hit = this.byKey.get(k);
      if (hit !== undefined) return hit;
    }
    const short = SHORT_FORMS[normalizeTerm(phrase)];
    return short !== undefined ? this.byKey.get(keysOf(short)[0]) : undefined;
  }
}

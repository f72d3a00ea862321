import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../store/catalog.js";
import { CatalogEntities } from "./catalog-entities.js";

/** Artists "Love", "Orchestra", "Radiohead", "Daft Punk" among 60 items: "love" and "orchestral" are common tags, "radiohead" a rare one. */
function items(): CatalogItem[] {
  const out: CatalogItem[] = [];
  const artists = ["Love", "Orchestra", "Radiohead", "Daft Punk", "Pink", "Pink Floyd", "The Black Eyed Peas", "Black Eyed Peas"];
  for (let i = 0; i < 60; i++) {
    const artist = i < artists.length ? artists[i] : `Band ${i}`;
    const tags = i % 2 === 0 ? ["love", "orchestral"] : ["rock", ...(i === 3 ? ["radiohead"] : [])];
    out.push({ id: `a${i}`, name: artist, artist, tags, popularity: i, text: artist });
  }
  return out;
}

describe("CatalogEntities", () => {
  const e = new CatalogEntities(items());
  const names = (text: string, excluded?: string[]) => e.find(text, excluded).map((m) => [m.artist, Number(m.similarity.toFixed(2))]);

  it("matches names exactly and with a typo, with the artist's rows", () => {
    expect(names("songs like Radiohead")).toEqual([["Radiohead", 1]]);
    expect(names("more daft pnk please")).toEqual([["Daft Punk", 0.89]]);
    expect(e.find("Radiohead")[0].rows).toEqual([2]);
  });
  it("overlapping matches resolve to the longest span; a span starting with a cue word is not fuzzy-matched", () => {
    expect(names("something similar to Pink loyd")).toEqual([["Pink Floyd", 0.9]]);
    expect(names("songs like Black Eyed Peas")).toEqual([["Black Eyed Peas", 1]]);
  });
  it("a name made of common tag words needs a cue word before it", () => {
    expect(names("sad love songs")).toEqual([]);
    expect(names("songs by Love")).toEqual([["Love", 1]]);
    expect(names("something like love")).toEqual([["Love", 1]]);
  });
  it("a request word spelled like a tag word is not a typo of a name", () => {
    expect(names("epic orchestral music")).toEqual([]);
  });
  it("an artist the request excludes is not a match", () => {
    expect(names("rock, not Radiohead", ["Radiohead"])).toEqual([]);
  });
});

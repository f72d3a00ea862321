import { describe, expect, it } from "vitest";
import { ArtistDescriptions } from "./references.js";
import { RequestUnderstanding } from "./understand.js";

const counts = (o: Record<string, number>) => new Map(Object.entries(o));
const d = new ArtistDescriptions([
  { name: "Daft Punk", tagCounts: counts({ electronic: 60, house: 25, dance: 15, french: 5 }) },
  { name: "Radiohead", tagCounts: counts({ alternative: 50, "alternative rock": 30, rock: 20 }) },
  { name: "Red Hot Chili Peppers", tagCounts: counts({ rock: 40, funk: 10 }) },
  { name: "Sigur Rós", tagCounts: counts({ "post-rock": 10, ambient: 5 }) },
  { name: "The Beatles", tagCounts: counts({ "classic rock": 10 }) },
  { name: "Nobody Tagged", tagCounts: counts({}) },
]);

describe("ArtistDescriptions", () => {
  it("finds artists whatever their case, accents, possessives, plurals, a leading 'the' or a short form", () => {
    for (const q of ["daft punk", "DAFT PUNK", "Daft Punk's", "daftpunk"]) expect(d.find(q)?.name).toBe("Daft Punk");
    expect(d.find("radioheads")?.name).toBe("Radiohead");
    expect(d.find("Radiohead’s")?.name).toBe("Radiohead");
    expect(d.find("sigur ros")?.name).toBe("Sigur Rós");
    expect(d.find("beatles")?.name).toBe("The Beatles");
    expect(d.find("RHCP")?.name).toBe("Red Hot Chili Peppers");
    expect(d.find("Nobody Tagged")).toBeUndefined();
    expect(d.find("Coldplay")).toBeUndefined();
  });
  it("describes an artist by its most given tags with their shares", () => {
    expect(d.find("daft punk")!.tags.slice(0, 3)).toEqual([
      { tag: "electronic", share: 60 / 105 },
      { tag: "house", share: 25 / 105 },
      { tag: "dance", share: 15 / 105 },
    ]);
  });
});

describe("understanding an artist outside the catalog", () => {
  const catalog = [["electronic", "house"], ["dance", "pop"], ["rock"], ["alternative", "rock"], ["jazz"], ["muse", "rock"], ["music", "songs"]];
  const u = new RequestUnderstanding(catalog, { describe: d, catalogArtist: (n) => ["in house band", "muse"].includes(n.toLowerCase()) });
  it("ranks by the tags the catalog has, weighted by share, and says which artist and tags", () => {
    const r = u.understand("songs like Daft Punk");
    expect(r.outside).toEqual([{ name: "Daft Punk", tags: ["electronic", "house", "dance", "french"] }]);
    const w = Object.fromEntries(r.wanted.filter((t) => t.source === "reference").map((t) => [t.tag, t.weight]));
    expect(w.electronic).toBeCloseTo(0.5);
    expect(w.house).toBeCloseTo((0.5 * 25) / 60);
    expect(w.french).toBeUndefined(); // not a tag of this catalog
  });
  it("reads several artists in one request, and leaves the catalog's own artists to entity matching", () => {
    const r = u.understand("something like Radiohead's and daft punk, but no jazz");
    expect(r.outside.map((o) => o.name)).toEqual(["Radiohead", "Daft Punk"]);
    expect(r.rejectedTags).toEqual(["jazz"]);
    expect(u.understand("music like In House Band").outside).toEqual([]);
  });
  it("does not read a catalog artist's name as tags (Last.fm tags artists by their names)", () => {
    expect(u.understand("music like In House Band").wanted.map((t) => t.tag)).not.toContain("house");
    expect(u.understand("music like In House Band, with some jazz").wanted.map((t) => t.tag)).toContain("jazz");
    expect(u.understand("house music").wanted.map((t) => t.tag)).toContain("house");
    // An artist whose name is also a tag: after "like", the artist.
    expect(u.understand("songs like Muse").wanted.map((t) => t.tag)).not.toContain("muse");
    // Words every request uses are not tags, though some listener tagged something "music".
    expect(u.understand("some music, songs please").wanted).toEqual([]);
  });
});

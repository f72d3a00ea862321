import { describe, expect, it } from "vitest";
import { DEFAULT_DIVERSITY, diversify, diversityOptions, titleKey } from "./diversity.js";

describe("diversify", () => {
  it("keeps at most 2 per album and 3 per artist in the top k, the rest after it in order", () => {
    const items = [
      { album: "a", artist: "x" },
      { album: "a", artist: "x" },
      { album: "a", artist: "x" },
      { album: "b", artist: "x" },
      { album: "c", artist: "x" },
      { album: "d", artist: "y" },
      { album: "e" },
    ];
    const scores = [7, 6, 5, 4, 3, 2, 1];
    // 0, 1 (album a full), 3 (artist x full after it), 5, 6; then 2 and 4 in their order.
    expect(diversify(items, scores, 5, DEFAULT_DIVERSITY)).toEqual([0, 1, 3, 5, 6, 2, 4]);
    expect(diversify(items, scores, 5, { ...DEFAULT_DIVERSITY, maxPerAlbum: 0, maxPerArtist: 0 })).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Fewer diverse items than k: the list is still k long, filled in order.
    expect(diversify(items.slice(0, 3), [3, 2, 1], 3, DEFAULT_DIVERSITY)).toEqual([0, 1, 2]);
  });

  it("folds near-duplicate titles of one artist into the first", () => {
    const items = [
      { artist: "x", title: "Morning Light" },
      { artist: "x", title: "Morning light (Radio Edit)" },
      { artist: "y", title: "Morning Light" },
      { artist: "x", title: "Morning Light, Pt. 2" },
    ];
    expect(diversify(items, [4, 3, 2, 1], 3, DEFAULT_DIVERSITY)).toEqual([0, 2, 3, 1]);
    expect(titleKey("Intro - Live at Home (live)")).toBe(titleKey("intro"));
    expect(titleKey("Song (feat. Someone)")).toBe("song");
    expect(titleKey("Pt. 2")).not.toBe(titleKey("Pt. 3"));
  });

  it("re-ranks by MMR: a near-copy of a chosen item waits behind a different one of slightly lower score", () => {
    const v = [Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(0, 1)];
    const plain = { ...DEFAULT_DIVERSITY, maxPerAlbum: 0, maxPerArtist: 0, foldTitles: false };
    expect(diversify([{}, {}, {}], [1, 0.95, 0.9], 3, { ...plain, mmr: 0.5 }, (i) => v[i])).toEqual([0, 2, 1]);
    expect(diversify([{}, {}, {}], [1, 0.95, 0.9], 3, plain, (i) => v[i])).toEqual([0, 1, 2]);
  });

  it("resolves options: defaults, overrides, false for none, and a clear error for bad ones", () => {
    expect(diversityOptions(undefined)).toEqual(DEFAULT_DIVERSITY);
    expect(diversityOptions({ maxPerAlbum: 1 })).toEqual({ ...DEFAULT_DIVERSITY, maxPerAlbum: 1 });
    expect(diversityOptions(false)).toBeUndefined();
    expect(() => diversityOptions({ maxPerAlbum: -1 } as never)).toThrow(/bad diversity options: maxPerAlbum/);
    expect(() => diversityOptions({ colour: 1 } as never)).toThrow(/bad diversity options/);
  });
});

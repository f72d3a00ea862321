import { describe, expect, it } from "vitest";
import type { TrackTags } from "../datasets/types.js";
import { generateSyntheticQueries, renderRequest } from "./synthetic-queries.js";

const t = (genre: string[], instrument: string[], mood: string[]): TrackTags => ({ genre, instrument, mood });

/** A small catalog: 4 genres x 3 instruments x 4 moods, each track one of each, every combination 3 times. */
function catalog(): TrackTags[] {
  const out: TrackTags[] = [];
  for (const g of ["rock", "jazz", "easylistening", "ambient"]) {
    for (const i of ["guitar", "piano", "drums"]) {
      for (const m of ["calm", "energetic", "film", "dark"]) for (let r = 0; r < 3; r++) out.push(t([g], [i], [m]));
    }
  }
  out.push(t([], [], [])); // untagged: never drawn, never relevant
  return out;
}

const carries = (tags: TrackTags, q: string) => {
  const [c, tag] = q.split("---") as [keyof TrackTags, string];
  return tags[c].includes(tag);
};

describe("renderRequest", () => {
  it("fills templates with readable tags; moods read as adjectives or purposes", () => {
    expect(renderRequest({ genre: "rock", instrument: "guitar", mood: "energetic" }, () => 0)).toBe("energetic rock songs with guitar");
    expect(renderRequest({ instrument: "piano", mood: "calm" }, () => 0)).toBe("calm piano music");
    expect(renderRequest({ genre: "ambient", mood: "film" }, () => 0)).toBe("ambient for a film");
    expect(renderRequest({ genre: "easylistening" }, () => 0)).toBe("easy listening music");
    expect(renderRequest({ mood: "dream" }, () => 0.99)).toBe("play something dreamy");
  });
});

describe("generateSyntheticQueries", () => {
  const items = catalog();
  const opts = { seed: 3, train: 120, val: 10, minRelevant: 1, maxRelevant: 60 };

  it("labels each query with exactly the items carrying all its tags", () => {
    const { train, val } = generateSyntheticQueries(items, opts);
    expect(train.length).toBe(120);
    expect(val.length).toBe(10);
    for (const q of [...train, ...val]) {
      expect(q.tags.length).toBeGreaterThanOrEqual(1);
      expect(q.tags.length).toBeLessThanOrEqual(3);
      expect(new Set(q.tags.map((x) => x.split("---")[0])).size).toBe(q.tags.length); // distinct categories
      const expected = items.map((it, i) => (q.tags.every((tag) => carries(it, tag)) ? i : -1)).filter((i) => i >= 0);
      expect(q.relevant).toEqual(expected);
      expect(q.relevant.length).toBeLessThanOrEqual(60);
      expect(q.text.length).toBeGreaterThan(0);
      expect(q.text).not.toMatch(/[{}]/);
    }
  });

  it("keeps train and val tag combinations disjoint, val combinations unique, train texts unique per combination", () => {
    const { train, val } = generateSyntheticQueries(items, opts);
    const trainKeys = new Set(train.map((q) => q.tags.join("|")));
    expect(val.some((q) => trainKeys.has(q.tags.join("|")))).toBe(false);
    const trainSets = new Set(train.map((q) => q.relevant.join(",")));
    expect(val.some((q) => trainSets.has(q.relevant.join(",")))).toBe(false);
    expect(new Set(val.map((q) => q.tags.join("|"))).size).toBe(val.length);
    const pairs = train.map((q) => `${q.tags.join("|")}#${q.text}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const perKey = new Map<string, number>();
    for (const q of train) perKey.set(q.tags.join("|"), (perKey.get(q.tags.join("|")) ?? 0) + 1);
    expect(Math.max(...perKey.values())).toBeLessThanOrEqual(3);
  });

  it("skips combinations outside [minRelevant, maxRelevant] rather than truncating them", () => {
    // Single genres have 36 items, > maxRelevant 20: only 2- and 3-tag combinations (<= 12 items) qualify.
    const { train } = generateSyntheticQueries(items, { ...opts, maxRelevant: 20 });
    expect(train.length).toBeGreaterThan(0);
    expect(train.every((q) => q.tags.length >= 2)).toBe(true);
    const { train: big } = generateSyntheticQueries(items, { ...opts, minRelevant: 10 });
    expect(big.every((q) => q.relevant.length >= 10)).toBe(true);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = generateSyntheticQueries(items, opts);
    const b = generateSyntheticQueries(items, opts);
    const c = generateSyntheticQueries(items, { ...opts, seed: 4 });
    expect(a).toEqual(b);
    expect(c.train.map((q) => q.text)).not.toEqual(a.train.map((q) => q.text));
  });

  it("returns fewer queries instead of looping forever when the catalog cannot supply them", () => {
    const tiny = [t(["rock"], [], []), t(["rock"], [], [])];
    const { train, val } = generateSyntheticQueries(tiny, { seed: 0, train: 50, val: 5, minRelevant: 1 });
    // One combination only, with 6 "g" templates at most -> at most 3 train texts or 1 val query.
    expect(train.length + val.length).toBeLessThanOrEqual(3);
    expect(generateSyntheticQueries([t([], [], [])], { seed: 0 })).toEqual({ train: [], val: [] });
  });
});

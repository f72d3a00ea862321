import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { row } from "../../core/matrix.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { ApronRecommender } from "./index.js";

/** The synthetic domain without its listening data, as Jamendo is. */
function tagsOnly() {
  const { interactions: _, ...d } = makeSyntheticDomain();
  return d;
}

describe("apron from tags alone (no listening data)", () => {
  it("has every tag as a prototype; a profile is the liked items' mean tag distribution", async () => {
    const d = tagsOnly();
    const m = ApronRecommender.fromTags(d);
    const vocabulary = d.items.tagCounts!.vocabulary;
    expect(m.prototypes.map((p) => p.tag).sort()).toEqual([...vocabulary].sort());
    const liked = [0, 4];
    const { tags, weights } = await m.profiles([{ text: "", history: { items: liked } }]);
    const w = row(weights, 0);
    const tagsOf = (i: number) => d.items.texts.tags[i].split(", ");
    for (const [k, tag] of tags.entries()) {
      const expected = liked.reduce((s, i) => s + (tagsOf(i).includes(tag) ? 1 / tagsOf(i).length : 0), 0) / liked.length;
      expect(w[k]).toBeCloseTo(expected, 6);
    }
  });

  it("zeroing a prototype removes exactly its tag's term from every item's score (the rest renormalised)", async () => {
    const d = tagsOnly();
    const m = ApronRecommender.fromTags(d);
    const request = { text: "", history: { items: [1, 5, 9] } };
    const { tags, weights } = await m.profiles([request]);
    const w = row(weights, 0);
    const p = w.indexOf(Math.max(...w));
    const tag = tags[p];
    const scores = await m.score([request, { ...request, profile: { prototypeWeights: { [tag]: 0 } } }]);
    const before = row(scores, 0);
    const after = row(scores, 1);
    // The popularity tie-break is the score of an item carrying no liked tag: read it from the model's own term.
    const base = (await m.score([{ text: "", history: { items: [1] }, profile: { prototypeWeights: Object.fromEntries(tags.map((t) => [t, t === "music" ? 1 : 0])) } }])).data;
    for (let i = 0; i < d.items.ids.length; i++) {
      const carried = d.items.texts.tags[i].split(", ");
      const tie = base[i] - (carried.includes("music") ? 1 / Math.sqrt(carried.length) : 0);
      const own = carried.includes(tag) ? w[p] / Math.sqrt(carried.length) : 0;
      expect(after[i] - tie).toBeCloseTo((before[i] - tie - own) / (1 - w[p]), 5);
    }
    const [top] = await m.rank([{ ...request, profile: { prototypeWeights: { [tag]: 0 } } }], { k: 5, exclude: [new Set(request.history.items)] });
    expect(top.items.length).toBe(5);
  });

  it("saves and loads back the same scores and prototypes", async () => {
    const d = tagsOnly();
    const m = ApronRecommender.fromTags(d);
    const dir = mkdtempSync(path.join(os.tmpdir(), "askmusic-tag-profile-"));
    try {
      await m.save(dir);
      const loaded = new ApronRecommender("apron");
      await loaded.load(dir, d);
      const request = { text: "", history: { items: [2, 3] }, profile: { prototypeWeights: { music: 0.5 } } };
      expect(Array.from((await loaded.score([request])).data)).toEqual(Array.from((await m.score([request])).data));
      expect(loaded.prototypes).toEqual(m.prototypes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

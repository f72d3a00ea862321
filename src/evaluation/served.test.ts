import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../models/testing/synthetic-domain.js";
import { domainItemTags, ServedRecommender } from "./served.js";

const small = { epochs: 3, patience: 3, batchSize: 32, learningRate: 0.01, dims: 8, inputDims: 8, idEmbeddings: "none" };

describe("served", () => {
  it("ranks like ask: the tracks carrying the named tags first, never a rejected tag, the model's order otherwise", async () => {
    const domain = makeSyntheticDomain({ withUsers: false });
    const tags = domainItemTags(domain);
    const served = new ServedRecommender({ modelOptions: small });
    await served.fit(domain, { seed: 1 });
    try {
      const withRiffs = tags.filter((t) => t.includes("riffs")).length;
      const [riffs, noRock, none] = await served.rank(
        [{ text: "riffs please" }, { text: "music but no rock" }, { text: "surprise me" }].map((r) => ({ ...r })),
        { k: 10, exclude: [undefined, undefined, new Set([0])] },
      );
      // Every item tagged "riffs" outranks every other item (one literal tag outweighs three spreads of the model).
      expect(Array.from(riffs.items).slice(0, Math.min(10, withRiffs)).every((i) => tags[i].includes("riffs"))).toBe(true);
      expect(Array.from(noRock.items).some((i) => tags[i].includes("rock"))).toBe(false);
      expect(noRock.items.length).toBe(10);
      expect(Array.from(none.items)).not.toContain(0);
      for (const list of [riffs, noRock, none]) for (let j = 1; j < list.scores.length; j++) expect(list.scores[j]).toBeLessThanOrEqual(list.scores[j - 1]);
    } finally {
      served.dispose();
    }
  }, 60000);
  it("reads each item's tags from the domain's tags texts", () => {
    const domain = makeSyntheticDomain({ withUsers: false });
    expect(domainItemTags({ ...domain, items: { ...domain.items, texts: { tags: ["pop, rock; guitar", ""] }, ids: ["a", "b"] } })).toEqual([["pop", "rock", "guitar"], []]);
  });
});

describe("served-diverse", () => {
  it("is served with the default diversity: at most 2 per album and 3 per artist in the top k", async () => {
    const domain = makeSyntheticDomain({ withUsers: false });
    const groups = new Map(domain.items.ids.map((id, i) => [id, { album: `album${i % 4}`, artist: `artist${i % 2}` }]));
    const served = new ServedRecommender({ modelOptions: small, diverse: { groups: async () => groups } });
    expect(served.name).toBe("served-diverse");
    await served.fit(domain, { seed: 1 });
    try {
      const [list] = await served.rank([{ text: "riffs please" }], { k: 6 });
      const ids = Array.from(list.items, (i) => domain.items.ids[i]);
      expect(ids).toHaveLength(6);
      for (const key of ["album", "artist"] as const) {
        const counts = new Map<string, number>();
        for (const id of ids) counts.set(groups.get(id)![key], (counts.get(groups.get(id)![key]) ?? 0) + 1);
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(key === "album" ? 2 : 3);
      }
    } finally {
      served.dispose();
    }
  }, 60000);
});

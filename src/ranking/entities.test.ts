import { describe, expect, it } from "vitest";
import { row } from "../core/matrix.js";
import { topK } from "../core/topk.js";
import { JamRecommender } from "../models/jam/index.js";
import { makeSyntheticDomain } from "../models/testing/synthetic-domain.js";
import { EntityIndex, entityRequests, isFiller, levenshtein, nameWords, normalizeName } from "./entities.js";
import { EntityAwareRecommender } from "./entity-aware.js";

describe("entity matching", () => {
  const index = new EntityIndex(["Coldplay", "Radiohead", "Röyksopp", "The Knife", "Air", "Music", "Sigur Rós"]);

  it("normalises case, diacritics and punctuation", () => {
    expect(normalizeName("Röyksopp & The Knife!")).toBe("royksopp and the knife");
    expect(normalizeName("  Sigur   Rós ")).toBe("sigur ros");
    expect(nameWords("Songs like Röyksopp!")).toEqual(["songs", "like", "royksopp"]);
    expect(nameWords("?!")).toEqual([]);
    expect(isFiller(["songs", "like"])).toBe(true);
    expect(isFiller(["songs", "like", "air"])).toBe(false);
  });

  it("levenshtein counts edits and stops early past the bound", () => {
    expect(levenshtein("radiohed", "radiohead", 3)).toBe(1);
    expect(levenshtein("kitten", "sitting", 5)).toBe(3);
    expect(levenshtein("abc", "xyzxyz", 1)).toBe(2); // > bound: bound + 1
  });

  it("finds exact names inside requests, whatever the case and accents", () => {
    expect(index.find("songs like Coldplay")).toEqual([{ item: 0, similarity: 1, span: "coldplay" }]);
    expect(index.find("more royksopp please")[0]).toEqual({ item: 2, similarity: 1, span: "royksopp" });
    expect(index.find("sigur ros for a rainy day")[0].item).toBe(6);
  });

  it("finds one-typo names fuzzily, with similarity below 1", () => {
    const m = index.find("something similar to radiohed");
    expect(m[0].item).toBe(1);
    expect(m[0].similarity).toBeCloseTo(1 - 1 / 9, 6);
  });

  it("never matches filler words or short names fuzzily", () => {
    expect(index.find("play some music")).toEqual([]); // "Music" is an artist name made of filler only
    expect(index.find("songs for the fair")).toEqual([]); // "fair" is not "Air": short names match only exactly
    expect(index.find("air")).toEqual([{ item: 4, similarity: 1, span: "air" }]);
  });
});

describe("entity-aware JAM", () => {
  it("puts the named item first and keeps the parts additive", async () => {
    const domain = makeSyntheticDomain();
    const base = new JamRecommender("cross", { epochs: 3, batchSize: 32, learningRate: 0.01, dims: 8, inputDims: 0 });
    const m = new EntityAwareRecommender(base);
    await m.fit(domain, { seed: 1 });
    const name = domain.items.names[13];
    const plain = await base.score([{ text: `songs like ${name}` }]);
    const s = await m.score([{ text: `songs like ${name}` }]);
    expect(topK(row(s, 0), 1)[0]).toBe(13);
    const e = await m.explain({ text: `songs like ${name}` }, 13);
    expect(e.parts.entity).toBeGreaterThan(50);
    expect(e.parts.request + e.parts.bias + e.parts.entity).toBeCloseTo(s.data[13], 3);
    // A request naming nothing scores exactly like the base model.
    const none = await m.score([{ text: "jazz swing" }]);
    expect(Array.from(none.data)).toEqual(Array.from((await base.score([{ text: "jazz swing" }])).data));
    expect(plain.cols).toBe(s.cols);
    m.dispose();
  });

  it("builds a deterministic request set from catalog names", () => {
    const domain = makeSyntheticDomain();
    const a = entityRequests(domain, 3);
    expect(a).toEqual(entityRequests(domain, 3));
    expect(a.length).toBe(12);
    expect(a.map((r) => r.kind)).toEqual(["exact", "exact", "lowercase", "typo", "exact", "exact", "lowercase", "typo", "exact", "exact", "lowercase", "typo"]);
    expect(a[0].text).toBe(`songs like ${domain.items.names[a[0].item]}`);
  });
});

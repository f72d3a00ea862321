import { describe, expect, it } from "vitest";
import { fromRows } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { DenseRecommender } from "./index.js";

runRecommenderSuite({ name: "dense", create: () => new DenseRecommender(), minTestNdcg: 0.8 });
runRecommenderSuite({ name: "dense", create: () => new DenseRecommender(), minTestNdcg: 0.8, domain: { withUsers: false } });

describe("dense", () => {
  const domain: Domain = {
    name: "hand",
    items: { ids: ["a", "b", "c"], names: [], texts: {}, features: { tagtext: fromRows([[2, 0], [1, 1], [0, 0]]) }, popularity: new Float32Array(3) },
    users: { ids: [], features: {} },
    train: [],
    val: [],
    queryEncoderId: "hand",
    encodeQueries: async (texts) => fromRows(texts.map(() => [3, 0]), 2),
  };

  it("scores cosine (zero vectors score 0, not NaN)", async () => {
    const m = new DenseRecommender();
    await m.fit(domain, { seed: 1 });
    const s = await m.score([{ text: "x" }, { text: "y", vector: Float32Array.of(1, 1) }]);
    expect(Array.from(s.data)).toEqual([1, Math.fround(Math.SQRT1_2), 0, Math.fround(Math.SQRT1_2), expect.closeTo(1, 6), 0]);
    expect((await m.explain({ text: "x" }, 1)).parts.text).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("rejects a request vector of the wrong size and a missing feature", async () => {
    const m = new DenseRecommender();
    await m.fit(domain, { seed: 1 });
    await expect(m.score([{ text: "x", vector: Float32Array.of(1, 2, 3) }])).rejects.toThrow(/3 dims/);
    await expect(new DenseRecommender({ feature: "audio" }).fit(domain, { seed: 1 })).rejects.toThrow(/no items.features.audio/);
  });

  it("the synthetic domain's clear requests find their genre", async () => {
    const d = makeSyntheticDomain();
    const m = new DenseRecommender();
    await m.fit(d, { seed: 1 });
    const s = await m.score([{ text: "smooth saxophone" }]);
    const best = s.data.indexOf(Math.max(...s.data));
    expect(d.itemGenre[best]).toBe(1); // jazz

  });
});

/**
 * @file FeedbackTaste: cosine with the normalized mean of liked unit vectors, zeros without likes.
 */
import { describe, expect, it } from "vitest";
import { fromRows } from "../core/matrix.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { fakeEncode, syntheticBatches, syntheticItems } from "../store/testing.js";
import { CatalogRanker } from "./catalog-ranker.js";
import { FeedbackTaste } from "./feedback-taste.js";

// a = x axis, b = y axis (scaled: only direction counts), c = diagonal, z = all-zero (no signal).
const VECTORS = { ids: ["a", "b", "c", "z"], matrix: fromRows([[1, 0], [0, 3], [1, 1], [0, 0]]) };

describe("FeedbackTaste", () => {
  it("scores cosine with the normalized mean of liked unit vectors", async () => {
    const taste = new FeedbackTaste(VECTORS, async () => ["a", "b"]);
    const got = await taste.affinities("u", ["a", "b", "c", "z", "unknown"]);
    // mean of (1,0) and (0,1) normalized = (1/√2, 1/√2)
    expect(got[0]).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(got[1]).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(got[2]).toBeCloseTo(1, 6);
    expect(got[3]).toBe(0);
    expect(got[4]).toBe(0);
  });

  it("gives zeros to users without likes and ignores unknown or vector-less likes", async () => {
    const none = new FeedbackTaste(VECTORS, async () => []);
    expect([...(await none.affinities("u", ["a", "c"]))]).toEqual([0, 0]);
    const junk = new FeedbackTaste(VECTORS, async () => ["z", "nope"]);
    expect([...(await junk.affinities("u", ["a", "c"]))]).toEqual([0, 0]);
    const one = new FeedbackTaste(VECTORS, async () => ["b", "z", "b"]);
    const got = await one.affinities("u", ["a", "b", "c"]);
    expect(got[0]).toBeCloseTo(0, 6);
    expect(got[1]).toBeCloseTo(1, 6);
    expect(got[2]).toBeCloseTo(1 / Math.SQRT2, 6);
  });

  it("returns no taste vector when opposite likes cancel out", () => {
    const taste = new FeedbackTaste({ ids: ["p", "n"], matrix: fromRows([[1, 0], [-1, 0]]) }, async () => []);
    expect(taste.tasteVector(["p", "n"])).toBeUndefined();
    expect(taste.tasteVector(["p"])).toEqual(Float32Array.from([1, 0]));
  });

  it("looks likes up at every call, so a new like changes the next ranking", async () => {
    const items = syntheticItems(60);
    const catalog = MemoryCatalog.fromBatches("t", "fake-8", syntheticBatches(items));
    const likes: string[] = [];
    const taste = await FeedbackTaste.open(catalog, async () => likes);
    const encoder = { id: "fake-8", dims: 8, encode: async (t: readonly string[]) => fakeEncode(t) };
    const ranker = await CatalogRanker.open(catalog, encoder, { taste, weights: { taste: 2 } });
    const before = await ranker.ask("happy rock", { k: 5, user: "u" });
    expect(before.results.every((r) => r.components.taste === 0)).toBe(true);
    // Like an item that was not in the top 5: it (and items with its tags) must move up.
    const liked = items.find((it) => !before.results.some((r) => r.item.id === it.id) && it.tags.includes("jazz"))!;
    likes.push(liked.id);
    const after = await ranker.ask("happy rock", { k: 5, user: "u" });
    expect(after.results.map((r) => r.item.id)).not.toEqual(before.results.map((r) => r.item.id));
    expect(after.results.some((r) => r.components.taste > 0)).toBe(true);
  });
});

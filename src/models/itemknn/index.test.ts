import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { ItemKnnRecommender } from "./index.js";

runRecommenderSuite({ name: "itemknn", create: () => new ItemKnnRecommender() });
import { csrFromEntries } from "../../core/sparse.js";
import { itemNeighbours } from "./index.js";

describe("itemNeighbours", () => {
  it("computes shrunk cosine over binarised interactions, best first, itself first", () => {
    // users: 0 -> {0, 1}, 1 -> {0, 1, 2}, 2 -> {2, 3} (values are play counts: binarised)
    const x = csrFromEntries(3, 4, [
      { row: 0, col: 0, value: 5 }, { row: 0, col: 1, value: 1 },
      { row: 1, col: 0, value: 2 }, { row: 1, col: 1, value: 7 }, { row: 1, col: 2, value: 1 },
      { row: 2, col: 2, value: 3 }, { row: 2, col: 3, value: 1 },
    ]);
    const nb = itemNeighbours(x, 10, 0);
    const row = (i: number) => Array.from(nb.indices.subarray(nb.indptr[i], nb.indptr[i + 1]));
    const sims = (i: number) => Array.from(nb.sims.subarray(nb.indptr[i], nb.indptr[i + 1]));
    // Items 0 and 1 share both listeners: cosine 1, tied with item 0 itself (ties keep the lower index).
    expect(row(0)).toEqual([0, 1, 2]);
    expect(sims(0)).toEqual([1, 1, 0.5].map(Math.fround));
    expect(row(3)).toEqual([3, 2]);
    expect(sims(3)[1]).toBeCloseTo(1 / (Math.SQRT2 * 1), 6);
    const shrunk = itemNeighbours(x, 2, 10);
    // Item 2: itself 2/(2+10); item 3 (one listener) 1/(√2·1+10) beats items 0 and 1 at 1/(√2·√2+10).
    expect(Array.from(shrunk.indices.subarray(shrunk.indptr[2], shrunk.indptr[3]))).toEqual([2, 3]);
    expect(shrunk.sims[shrunk.indptr[2]]).toBeCloseTo(2 / (2 + 10), 6);
    expect(shrunk.sims[shrunk.indptr[2] + 1]).toBeCloseTo(1 / (Math.SQRT2 + 10), 6);
  });
});

describe("itemknn", () => {
  it("chooses its neighbourhood on the selection set unless one is given", async () => {
    const domain = makeSyntheticDomain();
    const lines: string[] = [];
    const chosen = await new ItemKnnRecommender().fit(domain, { seed: 1, log: (l) => lines.push(l) });
    expect(lines.length).toBe(5);
    expect([20, 50, 100, 200, 500]).toContain(chosen.notes?.neighbours);
    const fixed = await new ItemKnnRecommender({ neighbours: 7 }).fit(domain, { seed: 1 });
    expect(fixed.notes?.neighbours).toBe(7);
    expect(fixed.notes?.selection).toMatch(/neighbours given/);
  });
  it("scores from a given history like from the user's own", async () => {
    const domain = makeSyntheticDomain();
    const m = new ItemKnnRecommender({ neighbours: 10 });
    await m.fit(domain, { seed: 1 });
    const own = domain.train.filter((q) => q.user === 1).flatMap((q) => q.relevant);
    const items = [...new Set(own)].sort((a, b) => a - b);
    const s = await m.score([{ text: "", user: 1 }, { text: "", history: { items } }]);
    expect(Array.from(s.data.subarray(s.cols))).toEqual(Array.from(s.data.subarray(0, s.cols)));
  });
});

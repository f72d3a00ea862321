import { describe, expect, it } from "vitest";
import { matrix, type Matrix } from "../core/matrix.js";
import { rankByScoring } from "./rank.js";
import type { Recommender, ScoreRequest } from "./recommender.js";
import { makeSyntheticDomain } from "./testing/synthetic-domain.js";
import { meanNdcgAt10, meanNdcgAtK } from "./validation.js";

/** Scores item i as -i (so the ranking is 0, 1, 2, ...) and records the batch sizes it was called with. */
function fixedRanker(nItems: number, batches: number[], seenVectors: (Float32Array | undefined)[], uses: Recommender["context"]["uses"] = ["text"]): Recommender {
  const model: Recommender = {
    name: "fixed",
    context: { uses, needs: [] },
    fit: async () => ({ trainSeconds: 0 }),
    rank: (requests, options) => rankByScoring(model as Required<Recommender>, requests, options),
    score: async (requests: readonly ScoreRequest[]): Promise<Matrix> => {
      batches.push(requests.length);
      requests.forEach((r) => seenVectors.push(r.vector));
      const m = matrix(requests.length, nItems);
      for (let r = 0; r < requests.length; r++) for (let i = 0; i < nItems; i++) m.data[r * nItems + i] = -i;
      return m;
    },
    save: async () => {},
    load: async () => {},
    dispose: () => {},
  };
  return model;
}

describe("meanNdcgAt10", () => {
  it("averages NDCG@10 over queries with relevant items, in batches, with encoded vectors", async () => {
    const domain = makeSyntheticDomain();
    const batches: number[] = [];
    const vectors: (Float32Array | undefined)[] = [];
    const model = fixedRanker(40, batches, vectors);
    const queries = [
      { qid: "a", text: "rock", relevant: [0] }, // hit at rank 1: 1
      { qid: "b", text: "jazz", relevant: [1, 50] }, // hit at rank 2 of |R| = 2: (1/log2(3)) / (1 + 1/log2(3))
      { qid: "c", text: "folk", relevant: [] }, // skipped
      { qid: "d", text: "rock", relevant: [20] }, // outside the top 10: 0
      { qid: "e", text: "rock", relevant: [1], exclude: [0] }, // item 0 masked, so item 1 is first: 1
    ];
    const got = await meanNdcgAt10(model, queries, domain, { batchSize: 2 });
    const expected = (1 + 1 / Math.log2(3) / (1 + 1 / Math.log2(3)) + 0 + 1) / 4;
    expect(got).toBeCloseTo(expected, 10);
    expect(batches).toEqual([2, 2]);
    expect(vectors.every((v) => v !== undefined && v.length === 32)).toBe(true);
  });
  it("returns NaN when no query has relevant items", async () => {
    const domain = makeSyntheticDomain();
    expect(await meanNdcgAt10(fixedRanker(40, [], []), [{ qid: "x", text: "a", relevant: [] }], domain)).toBeNaN();
  });
  it("at k = 100: a hit at rank 50 counts, and a model that does not read words gets no vectors", async () => {
    const domain = makeSyntheticDomain();
    const vectors: (Float32Array | undefined)[] = [];
    const encode = domain.encodeQueries;
    let encoded = 0;
    const counting = { ...domain, encodeQueries: (texts: readonly string[]) => ((encoded += texts.length), encode(texts)) };
    const queries = [
      { qid: "a", text: "rock", relevant: [49] }, // hit at rank 50 of |R| = 1: 1 / log2(51)
      { qid: "b", text: "", relevant: [0, 1], exclude: [0] }, // item 1 first; |R| = 2: 1 / (1 + 1 / log2(3))
    ];
    const got = await meanNdcgAtK(fixedRanker(40 + 20, [], vectors, ["history"]), queries, counting, 100);
    expect(got).toBeCloseTo((1 / Math.log2(51) + 1 / (1 + 1 / Math.log2(3))) / 2, 10);
    expect(vectors).toEqual([undefined, undefined]);
    expect(encoded).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { topK } from "./topk.js";

describe("topK", () => {
  it("returns indices of the highest scores, best first", () => {
    expect(topK(Float32Array.of(0.1, 0.9, 0.5, 0.7), 2)).toEqual([1, 3]);
  });
  it("breaks ties by lower index", () => {
    expect(topK([1, 2, 2, 2, 0], 3)).toEqual([1, 2, 3]);
  });
  it("returns every eligible item when k exceeds the count", () => {
    expect(topK([3, 1, 2], 10)).toEqual([0, 2, 1]);
  });
  it("honours exclusions given as a set or a predicate", () => {
    expect(topK([5, 4, 3, 2], 2, { exclude: new Set([0]) })).toEqual([1, 2]);
    expect(topK([5, 4, 3, 2], 2, { exclude: (i) => i % 2 === 0 })).toEqual([1, 3]);
  });
  it("ranks NaN last", () => {
    expect(topK([NaN, 1, 0], 3)).toEqual([1, 2, 0]);
  });
  it("agrees with a full sort on random data", () => {
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const scores = Array.from({ length: 1000 }, () => Math.round(rand() * 50));
    const expected = scores.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 37).map((x) => x[1]);
    expect(topK(scores, 37)).toEqual(expected);
  });
  it("rejects k < 1", () => {
    expect(() => topK([1], 0)).toThrow(/k must be an integer >= 1/);
  });
});

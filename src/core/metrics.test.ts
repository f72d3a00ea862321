import { describe, expect, it } from "vitest";
import {
  EmptyRelevanceError,
  cappedRecallAtK,
  hitRanks,
  hitRateAtK,
  idcg,
  mrrAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
} from "./metrics.js";

const log2 = Math.log2;

describe("hitRanks", () => {
  it("returns 1-based ranks of relevant items within k", () => {
    expect(hitRanks([5, 3, 9, 1], new Set([3, 1]), 10)).toEqual([2, 4]);
    expect(hitRanks([5, 3, 9, 1], new Set([3, 1]), 3)).toEqual([2]);
  });
  it("counts a duplicated id once, at its first position", () => {
    expect(hitRanks([3, 3, 7], new Set([3, 7]), 3)).toEqual([1, 3]);
  });
  it("rejects a bad cutoff", () => {
    expect(() => hitRanks([1], new Set([1]), 0)).toThrow(/k must be an integer >= 1/);
    expect(() => hitRanks([1], new Set([1]), 1.5)).toThrow(RangeError);
  });
});

describe("NDCG@k", () => {
  it("is 1 for a perfect ranking", () => {
    expect(ndcgAtK([1, 2, 0], new Set([1, 2]), 3)).toBeCloseTo(1, 12);
  });
  it("matches the hand-computed value: hits at ranks 2 and 4 of 3 relevant, k=5", () => {
    const expected = (1 / log2(3) + 1 / log2(5)) / (1 / log2(2) + 1 / log2(3) + 1 / log2(4));
    expect(ndcgAtK([9, 1, 8, 2, 7], new Set([1, 2, 3]), 5)).toBeCloseTo(expected, 12);
  });
  it("normalises by min(k, |R|) ideal hits: 1 hit at rank 1 of 20 relevant, k=2", () => {
    const expected = 1 / (1 / log2(2) + 1 / log2(3));
    const relevant = new Set(Array.from({ length: 20 }, (_, i) => i));
    expect(ndcgAtK([0, 100], relevant, 2)).toBeCloseTo(expected, 12);
  });
  it("treats positions past a short list as misses", () => {
    expect(ndcgAtK([5], new Set([5, 6]), 10)).toBeCloseTo(1 / (1 + 1 / log2(3)), 12);
  });
  it("is 0 with no hits", () => {
    expect(ndcgAtK([4, 5], new Set([1]), 2)).toBe(0);
  });
  it("ties in the relevant set do not matter, only positions", () => {
    // Two relevant items swapped: same NDCG.
    expect(ndcgAtK([1, 2, 9], new Set([1, 2]), 3)).toBeCloseTo(ndcgAtK([2, 1, 9], new Set([1, 2]), 3), 15);
  });
  it("idcg sums over min(k, n)", () => {
    expect(idcg(3, 10)).toBeCloseTo(1 + 1 / log2(3) + 1 / log2(4), 12);
    expect(idcg(10, 1)).toBe(1);
    expect(idcg(10, 0)).toBe(0);
  });
});

describe("Recall@k", () => {
  const ranked = [9, 1, 8, 2, 7];
  const relevant = new Set([1, 2, 3, 4]);
  it("JAM form divides by |R|", () => {
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 4, 12);
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 4, 12);
  });
  it("VAE-CF form divides by min(k, |R|)", () => {
    expect(cappedRecallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 4, 12);
    expect(cappedRecallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(cappedRecallAtK([1, 2], relevant, 2)).toBe(1);
  });
});

describe("HitRate, MRR, Precision", () => {
  it("HitRate@k is 1 iff a hit is within k", () => {
    expect(hitRateAtK([5, 6, 1], new Set([1]), 3)).toBe(1);
    expect(hitRateAtK([5, 6, 1], new Set([1]), 2)).toBe(0);
  });
  it("MRR@k is the reciprocal rank of the first hit within k", () => {
    expect(mrrAtK([5, 6, 1, 2], new Set([1, 2]), 10)).toBeCloseTo(1 / 3, 12);
    expect(mrrAtK([5, 6, 1], new Set([1]), 2)).toBe(0);
  });
  it("Precision@k divides by k even for a short list", () => {
    expect(precisionAtK([1, 5], new Set([1, 2]), 4)).toBeCloseTo(1 / 4, 12);
  });
});

describe("empty relevance", () => {
  it("every metric refuses an empty relevant set instead of returning NaN", () => {
    for (const f of [ndcgAtK, recallAtK, cappedRecallAtK, hitRateAtK, mrrAtK, precisionAtK]) {
      expect(() => f([1, 2], new Set<number>(), 10)).toThrow(EmptyRelevanceError);
    }
  });
});

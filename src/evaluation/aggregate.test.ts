import { describe, expect, it } from "vitest";
import { CF_METRICS, MetricAccumulator } from "./aggregate.js";

describe("MetricAccumulator", () => {
  it("averages per-query values and reports the standard error", () => {
    const acc = new MetricAccumulator();
    acc.add([1, 2, 3], new Set([1])); // hit at rank 1: ndcg@10 = 1
    acc.add([4, 5, 6], new Set([9])); // no hit: ndcg@10 = 0
    const s = acc.summary();
    expect(s.queries).toBe(2);
    expect(s.metrics["ndcg@10"]).toBeCloseTo(0.5, 12);
    expect(s.metrics["hit@10"]).toBeCloseTo(0.5, 12);
    // sample sd of {1, 0} = sqrt(0.5); stderr = sqrt(0.5 / 2) = 0.5
    expect(s.stderr["ndcg@10"]).toBeCloseTo(0.5, 12);
  });
  it("skips and counts queries with no relevant items", () => {
    const acc = new MetricAccumulator();
    acc.add([1], new Set());
    acc.add([1, 2], new Set([2]));
    const s = acc.summary();
    expect(s.queries).toBe(1);
    expect(s.skippedEmpty).toBe(1);
    expect(s.metrics["mrr@10"]).toBeCloseTo(1 / 2, 12);
    expect(Number.isNaN(s.metrics["ndcg@10"])).toBe(false);
  });
  it("reports the contract keys", () => {
    const acc = new MetricAccumulator();
    acc.add([1], new Set([1]));
    expect(Object.keys(acc.summary().metrics)).toEqual(
      expect.arrayContaining(["ndcg@10", "ndcg@100", "recall@10", "recall@100", "hit@10", "mrr@10"]),
    );
  });
  it("uses the VAE-CF recall normaliser for the CF protocol", () => {
    const acc = new MetricAccumulator(CF_METRICS);
    // 30 relevant, the top 20 are all relevant: recall@20 = 20 / min(20, 30) = 1
    const relevant = new Set(Array.from({ length: 30 }, (_, i) => i));
    acc.add(Array.from({ length: 100 }, (_, i) => i), relevant);
    expect(acc.summary().metrics["recall@20"]).toBe(1);
    expect(acc.summary().metrics["recall@50"]).toBeCloseTo(30 / 30, 12);
  });
});

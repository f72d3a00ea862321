/**
 * @file Averages per-query ranking metrics into a report: mean and standard error under the contract keys.
 */
import {
  cappedRecallAtK,
  hitRateAtK,
  mrrAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
} from "../core/metrics.js";

/** A metric key of the evaluation JSON contract, e.g. "ndcg@10". */
export type MetricKey = string;

/** Per-query metric functions by contract key: (ranked item indices best first, relevant set) -> value. */
export type MetricDefinitions = Readonly<Record<MetricKey, (ranked: readonly number[], relevant: ReadonlySet<number>) => number>>;

/** The metrics every retrieval benchmark reports, by contract key. */
export const RETRIEVAL_METRICS: MetricDefinitions = {
  "ndcg@10": (r, s) => ndcgAtK(r, s, 10),
  "ndcg@100": (r, s) => ndcgAtK(r, s, 100),
  "recall@10": (r, s) => recallAtK(r, s, 10),
  "recall@100": (r, s) => recallAtK(r, s, 100),
  "hit@10": (r, s) => hitRateAtK(r, s, 10),
  "mrr@10": (r, s) => mrrAtK(r, s, 10),
  "precision@10": (r, s) => precisionAtK(r, s, 10),
};

/** The metrics of the VAE-CF protocol (lfm2k-cf): recall normalised by min(k, |held-out|). */
export const CF_METRICS: MetricDefinitions = {
  "ndcg@100": (r, s) => ndcgAtK(r, s, 100),
  "recall@20": (r, s) => cappedRecallAtK(r, s, 20),
  "recall@50": (r, s) => cappedRecallAtK(r, s, 50),
};

/** Mean and standard error of each metric over the queries that have relevant items. */
export interface MetricSummary {
  /** Contract keys → mean over evaluated queries. */
  readonly metrics: Record<MetricKey, number>;
  /** Same keys → standard error of the mean (sample sd / sqrt(n)). */
  readonly stderr: Record<MetricKey, number>;
  /** Queries averaged. */
  readonly queries: number;
  /** Queries skipped because they had no relevant item (never averaged in as NaN). */
  readonly skippedEmpty: number;
}

/** Incrementally accumulates per-query metric values (so rankings need not all be held in memory). */
export class MetricAccumulator {
  private readonly sums: Record<MetricKey, number> = {};
  private readonly sumSquares: Record<MetricKey, number> = {};
  private count = 0;
  private skipped = 0;

  constructor(private readonly definitions: MetricDefinitions = RETRIEVAL_METRICS) {
    for (const key of Object.keys(definitions)) {
      this.sums[key] = 0;
      this.sumSquares[key] = 0;
    }
  }

  /** Adds one query: its ranked item indices (best first) and its relevant items. */
  add(ranked: readonly number[], relevant: ReadonlySet<number>): void {
    if (relevant.size === 0) {
      this.skipped++;
      return;
    }
    this.count++;
    for (const [key, f] of Object.entries(this.definitions)) {
      const v = f(ranked, relevant);
      this.sums[key] += v;
      this.sumSquares[key] += v * v;
    }
  }

  summary(): MetricSummary {
    const metrics: Record<MetricKey, number> = {};
    const stderr: Record<MetricKey, number> = {};
    const n = this.count;
    for (const key of Object.keys(this.definitions)) {
      const mean = n > 0 ? this.sums[key] / n : 0;
      metrics[key] = mean;
      const variance = n > 1 ? Math.max(0, (this.sumSquares[key] - n * mean * mean) / (n - 1)) : 0;
      stderr[key] = n > 0 ? Math.sqrt(variance / n) : 0;
    }
    return { metrics, stderr, queries: n, skippedEmpty: this.skipped };
  }
}

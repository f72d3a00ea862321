import { describe, expect, it } from "vitest";
import { reportToMarkdown } from "./report.js";

describe("reportToMarkdown", () => {
  it("renders one row per model with mean ± stderr", () => {
    const md = reportToMarkdown({
      benchmark: "lfm2k-tagq",
      split: "val.jsonl",
      features: "shared",
      seed: 42,
      selection: "val",
      columns: ["ndcg@10", "ndcg@100", "recall@10", "recall@100", "hit@10", "mrr@10"],
      machine: "test",
      results: [
        {
          model: "popularity",
          metrics: { "ndcg@10": 0.03951, "ndcg@100": 0.07, "recall@10": 0.1, "recall@100": 0.2, "hit@10": 0.3, "mrr@10": 0.05 },
          stderr: { "ndcg@10": 0.002 },
          train_seconds: 0.04,
          rank_seconds: 1.5,
          queries: 2853,
          skipped_empty: 0,
        },
      ],
    });
    expect(md).toContain("| model | ndcg@10 | ndcg@100 | recall@10 | recall@100 | hit@10 | mrr@10 | train s | queries |");
    expect(md).toContain("| popularity | 0.0395 ± 0.0020 | 0.0700 ± 0.0000 |");
    expect(md).toContain("| 0.0 | 2853 |");
  });
  it("uses the benchmark's own columns and marks a missing metric", () => {
    const md = reportToMarkdown({
      benchmark: "lfm2k-cf",
      split: "val_in.tsv",
      features: "own",
      seed: 42,
      selection: "carve",
      columns: ["ndcg@100", "recall@20"],
      machine: "test",
      results: [{ model: "ease", metrics: { "ndcg@100": 0.4 }, stderr: {}, train_seconds: 1, rank_seconds: 0.1, queries: 185, skipped_empty: 0 }],
    });
    expect(md).toContain("| model | ndcg@100 | recall@20 | train s | queries |");
    expect(md).toContain("| ease | 0.4000 ± 0.0000 | n/a | 1.0 | 185 |");
  });
});

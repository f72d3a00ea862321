import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config.js";
import type { SelectionMode } from "../domains/selection.js";
import type { Domain, LabeledQuery } from "../domains/types.js";
import { InputError } from "../errors.js";
import type { Recommender } from "../models/recommender.js";
import { fixedOrderModel } from "../models/testing/fixed-order.js";
import { makeSyntheticDomain } from "../models/testing/synthetic-domain.js";
import { Bm25Recommender } from "../models/bm25/index.js";
import { fakeEncoder } from "../representations/fake-encoder.js";
import type { BenchmarkSpec, QueryIdentity } from "./benchmarks/spec.js";
import { contentKey } from "./benchmarks/identity.js";
import { RETRIEVAL_COLUMNS, retrievalEvalSet } from "./benchmarks/retrieval.js";
import { halfOf } from "./benchmarks/halves.js";
import { runBenchmark } from "./run-benchmark.js";

const config = resolveConfig({ ASKMUSIC_HOME: "unused-home" });

/** A benchmark over the synthetic domain whose split is the domain's held-out test requests. */
function syntheticSpec(opts: { selection: readonly QueryIdentity[]; builds: SelectionMode[]; reads: string[] }): BenchmarkSpec {
  const domain = makeSyntheticDomain();
  const identity = (q: LabeledQuery): QueryIdentity => ({ qid: q.qid, content: contentKey({ text: q.text, user: q.user, relevant: q.relevant }) });
  return {
    name: "synthetic",
    featureSets: ["own"],
    carries: ["text"],
    columns: RETRIEVAL_COLUMNS,
    async readSplit(_c, file) {
      opts.reads.push(file);
      return { file, identities: domain.test.map(identity), bind: (d: Domain) => retrievalEvalSet((d as typeof domain).test.map((q) => ({ qid: q.qid, text: q.text, relevant: q.relevant, exclude: [q.relevant[0]] }))) };
    },
    selectionIdentities: async () => opts.selection,
    async buildDomain(_c, o) {
      opts.builds.push(o.selection);
      return domain;
    },
  };
}

const encoder = fakeEncoder(8);

describe("runBenchmark", () => {
  it("fits and ranks each model by the spec's protocol, honouring each request's mask", async () => {
    const builds: SelectionMode[] = [];
    const spec = syntheticSpec({ selection: [], builds, reads: [] });
    const report = await runBenchmark(config, { benchmark: "synthetic", spec, splitFile: "split.jsonl", models: ["bm25", "fixed"], encoder, createModel: (n) => (n === "bm25" ? new Bm25Recommender() : fixedOrderModel(40)) });
    expect(builds).toEqual(["default"]);
    expect(report.columns).toEqual([...RETRIEVAL_COLUMNS]);
    expect(report.results.map((r) => r.model)).toEqual(["bm25", "fixed"]);
    const domain = makeSyntheticDomain();
    expect(report.results[0].queries).toBe(domain.test.length);
    // The fixed-order model ranks 0, 1, 2, ...; each request masks its first relevant item, which therefore never
    // counts: recompute its NDCG@10 by hand from that order.
    const expected = domain.test.map((q) => {
      const ranked = Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== q.relevant[0]).slice(0, 10);
      const rel = new Set(q.relevant);
      const dcg = ranked.reduce((s, it, r) => s + (rel.has(it) ? 1 / Math.log2(r + 2) : 0), 0);
      const idcg = Array.from({ length: Math.min(10, rel.size) }, (_, r) => 1 / Math.log2(r + 2)).reduce((a, b) => a + b, 0);
      return dcg / idcg;
    });
    expect(report.results[1].metrics["ndcg@10"]).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / expected.length, 10);
    expect(report.results[0].metrics["ndcg@10"]).toBeGreaterThan(report.results[1].metrics["ndcg@10"]);
  });

  it("evaluates one hash half of the split when asked, the two halves partitioning it", async () => {
    const spec = syntheticSpec({ selection: [], builds: [], reads: [] });
    const run = (half?: "dev" | "holdout") => runBenchmark(config, { benchmark: "synthetic", spec, splitFile: "s", models: ["fixed"], encoder, createModel: () => fixedOrderModel(40), ...(half ? { half } : {}) });
    const [all, dev, holdout] = [await run(), await run("dev"), await run("holdout")];
    const test = makeSyntheticDomain().test;
    expect(dev.results[0].queries).toBe(test.filter((q) => halfOf(q.qid) === "dev").length);
    expect(dev.results[0].queries + holdout.results[0].queries).toBe(all.results[0].queries);
    expect(dev.results[0].queries).toBeGreaterThan(0);
    expect(holdout.results[0].queries).toBeGreaterThan(0);
    expect(dev.split).toBe("s (dev half)");
    // The whole is the query-weighted mean of its halves.
    const mean = (r: typeof all) => r.results[0].metrics["ndcg@10"] * r.results[0].queries;
    expect(mean(all)).toBeCloseTo(mean(dev) + mean(holdout), 8);
  });

  it("hands models the request only: never a query's relevant items, mask or qid", async () => {
    const seen: string[][] = [];
    const spy = fixedOrderModel(40);
    const recording = { ...spy, rank: (requests: readonly object[], o: Parameters<typeof spy.rank>[1]) => (requests.forEach((r) => seen.push(Object.keys(r))), spy.rank(requests as never, o)) };
    await runBenchmark(config, { benchmark: "synthetic", spec: syntheticSpec({ selection: [], builds: [], reads: [] }), splitFile: "s", models: ["fixed"], encoder, createModel: () => recording });
    expect(seen.length).toBe(makeSyntheticDomain().test.length);
    for (const keys of seen) {
      expect(keys).not.toContain("relevant");
      expect(keys).not.toContain("exclude");
      expect(keys).not.toContain("qid");
      expect(keys).toContain("text");
    }
  });

  it("selects on a carved set when the split overlaps the selection set by content, whatever the qids", async () => {
    const builds: SelectionMode[] = [];
    const domain = makeSyntheticDomain();
    const q = domain.test[3];
    const renamed = [{ qid: "another-name", content: contentKey({ text: q.text, user: q.user, relevant: q.relevant }) }];
    const logs: string[] = [];
    await runBenchmark(config, { benchmark: "synthetic", spec: syntheticSpec({ selection: renamed, builds, reads: [] }), splitFile: "s", models: ["bm25"], encoder, log: (l) => logs.push(l), createModel: () => new Bm25Recommender() });
    expect(builds).toEqual(["carve"]);
    expect(logs.join("\n")).toMatch(/1 of \d+ evaluated queries are in the default selection set \(0 by qid, 1 by content\)/);
  });

  it("selects on a carved set when a qid overlaps", async () => {
    const builds: SelectionMode[] = [];
    const domain = makeSyntheticDomain();
    await runBenchmark(config, { benchmark: "synthetic", spec: syntheticSpec({ selection: [{ qid: domain.test[0].qid, content: "other" }], builds, reads: [] }), splitFile: "s", models: ["bm25"], encoder, createModel: () => new Bm25Recommender() });
    expect(builds).toEqual(["carve"]);
  });

  it("rejects a model that needs a context part the benchmark's requests do not carry, before reading anything", async () => {
    const reads: string[] = [];
    const userOnly: Recommender = { ...fixedOrderModel(40), name: "user-only", context: { uses: ["user"], needs: ["user"] } };
    const run = runBenchmark(config, { benchmark: "synthetic", spec: syntheticSpec({ selection: [], builds: [], reads }), splitFile: "s", models: ["user-only"], encoder, createModel: () => userOnly });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/model user-only cannot rank synthetic requests: it needs user, which they do not carry \(they carry text\)/);
    expect(reads).toEqual([]);
  });

  it("refuses --predictions-out on a benchmark without a prediction format, and an empty model list", async () => {
    const spec = syntheticSpec({ selection: [], builds: [], reads: [] });
    await expect(runBenchmark(config, { benchmark: "synthetic", spec, splitFile: "s", models: ["bm25"], encoder, createModel: () => new Bm25Recommender(), onPredictions: async () => {} })).rejects.toThrow(/no official prediction format/);
    await expect(runBenchmark(config, { benchmark: "synthetic", spec, splitFile: "s", models: [], encoder })).rejects.toThrow(/no models to evaluate/);
  });

});

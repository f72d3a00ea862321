/**
 * @file Fits one lfm2k-cf model with explicit options and evaluates it on a split, for choosing hyper-parameters
 * (by the selection NDCG@100 the fit logs; never by the split's numbers) and for ablations.
 * Usage: `npx tsx scripts/cf-experiment.ts <model> '<options JSON>' [split=$ASKMUSIC_BENCHMARKS/lfm2k-cf/val_in.tsv] [--out report.json]`
 */
import path from "node:path";
import { resolveConfig } from "../src/config.js";
import { writeFileAtomic } from "../src/core/fs.js";
import { runBenchmark } from "../src/evaluation/run-benchmark.js";
import { createRecommender } from "../src/models/registry.js";
import { fakeEncoder } from "../src/representations/fake-encoder.js";

const [model, json = "{}", splitArg, outFlag, outFile] = process.argv.slice(2);
if (model === undefined) throw new Error("usage: cf-experiment.ts <model> '<options JSON>' [split] [--out report.json]");
const config = resolveConfig(process.env);
const split = splitArg ?? path.join(config.benchmarksDir, "lfm2k-cf", "val_in.tsv");
const options = JSON.parse(json) as Record<string, unknown>;
const report = await runBenchmark(config, {
  benchmark: "lfm2k-cf",
  splitFile: split,
  models: [model],
  encoder: fakeEncoder(4), // lfm2k-cf requests have no words: the domain never encodes
  createModel: (name) => createRecommender(name, options),
  log: (line) => console.log(line),
});
const r = report.results[0];
console.log(JSON.stringify({ model, options, metrics: r.metrics, stderr: r.stderr, train_seconds: r.train_seconds, notes: r.notes }));
if (outFlag === "--out" && outFile !== undefined) await writeFileAtomic(outFile, JSON.stringify(report, null, 2));

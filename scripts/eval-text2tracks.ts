/**
 * @file `askmusic eval` for Text2Tracks models with options (the CLI evaluates registry defaults only): the same
 * benchmark runner, protocol and report, e.g. every ID scheme at one equal, smaller epoch budget.
 * Usage: `npx tsx scripts/eval-text2tracks.ts <models, e.g. text2tracks-content,text2tracks-int> '<options json>' [out.json]`
 * (lfm2k-tagq val, --features shared; selection on the set carved from train, as the CLI does).
 */
import path from "node:path";
import { writeFileAtomic } from "../src/core/fs.js";
import { resolveConfig } from "../src/config.js";
import { reportToMarkdown } from "../src/evaluation/report.js";
import { runBenchmark } from "../src/evaluation/run-benchmark.js";
import { createRecommender } from "../src/models/registry.js";
import { defaultTextEncoder } from "../src/representations/default-encoder.js";

const [models, json, out] = process.argv.slice(2);
if (models === undefined) throw new Error("usage: npx tsx scripts/eval-text2tracks.ts <models> '<options json>' [out.json]");
const options = JSON.parse(json ?? "{}") as Record<string, unknown>;
const config = resolveConfig(process.env);
const encoder = defaultTextEncoder(config);
try {
  const report = await runBenchmark(config, {
    benchmark: "lfm2k-tagq",
    splitFile: path.join(config.benchmarksDir, "lfm2k-tagq", "val.jsonl"),
    models: models.split(","),
    features: "shared",
    encoder,
    createModel: (name) => createRecommender(name, name.startsWith("text2tracks-") ? options : undefined),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (out !== undefined) await writeFileAtomic(path.resolve(out), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${reportToMarkdown(report)}\n`);
} finally {
  encoder.dispose?.();
}

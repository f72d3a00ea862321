/**
 * @file Warm `ask` latency without the encoder: 50 request texts are asked once (the query encoder's memo then holds
 * them), then asked again in turn, so the figures are the ranker's own work on the main thread (understanding,
 * candidates, exact scoring, components, diversity): what bounds a server's throughput besides encoding.
 * Usage: `npx tsx scripts/bench-ranking.ts [catalog=jamendo] [requests=400] [runs=3] [ranker=auto]`
 */
import os from "node:os";
import { resolveConfig } from "../src/config.js";
import { openCatalogModel } from "../src/ranking/catalog-models.js";
import { CatalogRanker } from "../src/ranking/catalog-ranker.js";
import { defaultQueryEncoder } from "../src/representations/default-encoder.js";
import { LanceCatalog } from "../src/store/lancedb/index.js";
import { benchRequest } from "./lib/bench-requests.js";

const name = process.argv[2] ?? "jamendo";
const n = Number(process.argv[3] ?? 400);
const runs = Number(process.argv[4] ?? 3);
const choice = process.argv[5] ?? "auto";
const config = resolveConfig(process.env);
const texts = Array.from({ length: 50 }, (_, j) => benchRequest(j));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const catalog = await LanceCatalog.open(config.homeDir, name);
const encoder = defaultQueryEncoder();
const model = await openCatalogModel(config, name, choice);
const ranker = await CatalogRanker.open(catalog, encoder, { model });
for (const t of texts) await ranker.ask(t, { k: 10 });
console.log(`catalog ${name}, ranked by ${model?.name ?? "text match"}, ${n} asks x ${runs} runs over ${texts.length} texts (encodings memoised), k=10`);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
const medians: number[] = [];
for (let r = 0; r < runs; r++) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await ranker.ask(texts[i % texts.length], { k: 10 });
    ms.push(performance.now() - t0);
  }
  medians.push(quantile(ms, 0.5));
  console.log(`run ${r + 1}: median ${quantile(ms, 0.5).toFixed(2)} ms, p90 ${quantile(ms, 0.9).toFixed(2)} ms, p99 ${quantile(ms, 0.99).toFixed(2)} ms`);
}
console.log(`median of run medians: ${quantile(medians, 0.5).toFixed(2)} ms`);
catalog.close();

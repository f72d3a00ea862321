/**
 * @file JAM training benchmark on lfm2k-tagq: fits a JAM model exactly as `askmusic eval ... --split val.jsonl`
 * does (model selection on the latest 10% of each user's train queries; val.jsonl is never scored here), and
 * prints examples/s, wall time (median over runs), the selection NDCG@10 and the machine with its load.
 * Usage: `npx tsx scripts/bench-jam.ts [--model jam-cross] [--features shared|own] [--runs 1] [--seed 42]
 *   [--options '{"epochs":20}'] [--save DIR] [--load DIR] [--entities N]`
 * --evaluate FILE runs `askmusic eval lfm2k-tagq --split FILE` through the library with these model options instead
 * (same selection protocol) and prints its Markdown table.
 * --load skips training (scores a saved model); --entities N then measures HitRate@10 of the named artist on the
 * documented request set `entityRequests(domain, N)` (4N requests, no user), with and without entity awareness.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../src/config.js";
import { buildLfm2kDomain } from "../src/domains/lfm2k-tagq.js";
import { reportToMarkdown } from "../src/evaluation/report.js";
import { runBenchmark } from "../src/evaluation/run-benchmark.js";
import { entityRequests } from "../src/ranking/entities.js";
import { EntityAwareRecommender } from "../src/ranking/entity-aware.js";
import type { Recommender, ScoringRecommender } from "../src/models/recommender.js";
import { createRecommender } from "../src/models/registry.js";
import { defaultTextEncoder } from "../src/representations/default-encoder.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "jam-cross" },
    features: { type: "string", default: "shared" },
    runs: { type: "string", default: "1" },
    seed: { type: "string", default: "42" },
    options: { type: "string", default: "{}" },
    save: { type: "string" },
    load: { type: "string" },
    entities: { type: "string" },
    evaluate: { type: "string" },
  },
});
const features = values.features === "own" ? "own" : "shared";
const runs = Number(values.runs);
const modelOptions = JSON.parse(values.options!) as Record<string, unknown>;
const config = resolveConfig(process.env);
const encoder = defaultTextEncoder(config);
if (values.evaluate !== undefined) {
  const report = await runBenchmark(config, {
    benchmark: "lfm2k-tagq",
    splitFile: path.resolve(values.evaluate),
    models: [values.model!],
    features,
    seed: Number(values.seed),
    encoder,
    log: (l) => console.log(`  ${l}`),
    createModel: (name) => createRecommender(name, modelOptions),
  });
  console.log(`options ${JSON.stringify(modelOptions)}\n${reportToMarkdown(report)}`);
  encoder.dispose?.();
  process.exit(0);
}
const domain = await buildLfm2kDomain(config, { features, encoder, selection: "carve" });
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}`;
console.log(`${values.model} on ${domain.name}: ${domain.train.length} train queries, ${domain.val.length} selection queries; options ${JSON.stringify(modelOptions)}`);
const walls: number[] = [];
const rates: number[] = [];
let kept: Recommender | undefined;
if (values.load !== undefined) {
  kept = createRecommender(values.model!, modelOptions);
  await kept.load(values.load, domain);
  console.log(`loaded ${values.model} from ${values.load}`);
} else {
  for (let r = 0; r < runs; r++) {
    const load = os.loadavg()[0];
    const model = createRecommender(values.model!, modelOptions);
    const t0 = performance.now();
    const report = await model.fit(domain, { seed: Number(values.seed) + r, log: (l) => console.log(`  ${l}`) });
    const wall = (performance.now() - t0) / 1000;
    walls.push(wall);
    rates.push(Number(report.notes?.examplesPerSecond ?? Number.NaN));
    console.log(`run ${r + 1}: wall ${wall.toFixed(1)} s, ${JSON.stringify(report.notes)}, load avg at start ${load.toFixed(2)}`);
    if (r === 0 && values.save !== undefined) await model.save(values.save);
    if (r === 0) kept = model;
    else model.dispose();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median over ${runs} run(s): wall ${median(walls).toFixed(1)} s (fit incl. input PCA and per-epoch selection), ${median(rates).toFixed(0)} training examples/s; machine: ${machine}, shared with other jobs (load avg ${os.loadavg()[0].toFixed(2)}): upper bounds`);
}
if (values.entities !== undefined && kept !== undefined) {
  const requests = entityRequests(domain, Number(values.entities));
  const aware = new EntityAwareRecommender(kept as ScoringRecommender);
  await aware.attach(domain);
  const hit = async (m: Recommender, kind?: string) => {
    const rs = requests.filter((r) => kind === undefined || r.kind === kind);
    const ranked = await m.rank(rs.map((r) => ({ text: r.text })), { k: 10 });
    return rs.reduce((n, r, i) => n + (ranked[i].items.includes(r.item) ? 1 : 0), 0) / rs.length;
  };
  for (const kind of [undefined, "exact", "lowercase", "typo"]) {
    console.log(`entity requests${kind ? ` (${kind})` : ""}: HitRate@10 of the named artist: without ${(await hit(kept, kind)).toFixed(4)}, with entity awareness ${(await hit(aware, kind)).toFixed(4)} (${requests.filter((r) => kind === undefined || r.kind === kind).length} requests)`);
  }
}
kept?.dispose();
encoder.dispose?.();

/**
 * @file Times a profile edit to a new top 20 with APRON on lfm2k-cf: for each held-out user of a split, zero their
 * strongest prototype (or set a weight), then rank the top 20 again (fold-in artists masked) through the model's own
 * `rank`, the path evaluation and serving take. The weights' values do not change the work done, so the model is
 * fitted for `epochs` (default 1) unless a saved model directory is given.
 * Usage: `npx tsx scripts/bench-apron-edit.ts [split=$ASKMUSIC_BENCHMARKS/lfm2k-cf/val_in.tsv] [repeats=3] [saved model dir]`
 */
import path from "node:path";
import { resolveConfig } from "../src/config.js";
import { row } from "../src/core/matrix.js";
import { lfm2kCf } from "../src/evaluation/benchmarks/lfm2k-cf.js";
import { ApronRecommender } from "../src/models/apron/index.js";
import { fakeEncoder } from "../src/representations/fake-encoder.js";

const config = resolveConfig(process.env);
const split = process.argv[2] ?? path.join(config.benchmarksDir, "lfm2k-cf", "val_in.tsv");
const repeats = Number(process.argv[3] ?? 3);
const saved = process.argv[4];
const read = await lfm2kCf.readSplit(config, split);
const domain = await lfm2kCf.buildDomain(config, { features: "own", encoder: fakeEncoder(4), seed: 42, selection: "default" });
const requests = read.bind(domain).requests;
const model = new ApronRecommender("apron", { epochs: 1 });
if (saved !== undefined) await model.load(saved, domain);
else await model.fit(domain, { seed: 42 });

const times: number[] = [];
const edits = ["zero the strongest", "set the 3rd strongest to 0.5"] as const;
for (let r = 0; r < repeats; r++) {
  for (const q of requests) {
    const request = { text: "", history: q.history };
    const { tags, weights } = await model.profiles([request]);
    const w = row(weights, 0);
    const order = Array.from(w.keys()).sort((a, b) => w[b] - w[a]);
    for (const edit of edits) {
      const prototypeWeights = edit === "zero the strongest" ? { [tags[order[0]]]: 0 } : { [tags[order[2]]]: 0.5 };
      const t0 = performance.now();
      const [ranked] = await model.rank([{ ...request, profile: { prototypeWeights } }], { k: 20, exclude: [new Set(q.exclude)] });
      times.push(performance.now() - t0);
      if (ranked.items.length !== 20) throw new Error(`expected 20 items, got ${ranked.items.length}`);
    }
  }
}
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`apron profile edit -> new top 20 on ${domain.items.ids.length} artists: ${times.length} edits (${requests.length} users x ${edits.length} edits x ${repeats} runs)`);
console.log(`  median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`);

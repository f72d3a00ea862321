/**
 * @file Tunes APRON's controllability on the lfm2k-cf selection users only (10% of the training users, carved out of
 * the fit data; never a val or test user): fits `apron` or `apron-nocontrol` with the given options and prints the
 * selection NDCG@100 the fit selected on and the selection Delta@20 (the benchmark's own measurement). Val numbers
 * come from `askmusic eval lfm2k-cf` or `scripts/cf-experiment.ts`, run once the options are chosen here.
 * Usage: `npx tsx scripts/apron-selection.ts <apron|apron-nocontrol> '<options JSON>' [seed=42]`
 */
import { resolveConfig } from "../src/config.js";
import { lfm2kCf, measureControllability } from "../src/evaluation/benchmarks/lfm2k-cf.js";
import { ApronRecommender } from "../src/models/apron/index.js";
import { fakeEncoder } from "../src/representations/fake-encoder.js";

const [name, json = "{}", seedArg = "42"] = process.argv.slice(2);
if (name !== "apron" && name !== "apron-nocontrol") throw new Error("usage: apron-selection.ts <apron|apron-nocontrol> '<options JSON>' [seed]");
const config = resolveConfig(process.env);
const seed = Number(seedArg);
const domain = await lfm2kCf.buildDomain(config, { features: "own", encoder: fakeEncoder(4), seed, selection: "default" });
const options = JSON.parse(json) as Record<string, unknown>;
const model = new ApronRecommender(name, options);
const fit = await model.fit(domain, { seed, log: (line) => console.log(line) });
const delta = await measureControllability(model, domain.val, domain);
// How much weight an edit removes: the mean of the selection users' 5 strongest prototype weights (what Delta@20
// zeroes, one at a time), and the mean of their strongest one.
const { weights } = await model.profiles(domain.val.map((q) => ({ text: "", history: q.history })));
let top5 = 0;
let top1 = 0;
for (let r = 0; r < weights.rows; r++) {
  const w = Array.from(weights.data.subarray(r * weights.cols, (r + 1) * weights.cols)).sort((a, b) => b - a);
  top5 += w.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
  top1 += w[0];
}
const profile = { top5WeightMean: top5 / weights.rows, top1WeightMean: top1 / weights.rows };
console.log(JSON.stringify({ model: name, options, seed, selection: { ndcg100: fit.notes?.selection_ndcg100, ...delta.metrics, ...delta.notes, ...profile }, fit: fit.notes, trainSeconds: fit.trainSeconds }));
model.dispose();

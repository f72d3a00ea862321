/**
 * @file Text2Tracks latency: top-10 constrained beam search and scoring (request encoding excluded) over 200 lfm2k-tagq
 * val requests, median and p99, with the request encoding (USE) timed beside it; and the decoding steps per returned
 * item. Reads a saved model: `askmusic train lastfm-2k --model text2tracks-semantic` writes one.
 * Usage: `npx tsx scripts/bench-text2tracks.ts [model dir=$ASKMUSIC_HOME/models/lastfm-2k/text2tracks-semantic] [beam]`
 */
import os from "node:os";
import path from "node:path";
import { resolveConfig } from "../src/config.js";
import { loadTagQueries } from "../src/datasets/benchmarks/index.js";
import { Text2TracksServing } from "../src/models/text2tracks/serving.js";
import { defaultTextEncoder } from "../src/representations/default-encoder.js";

const config = resolveConfig(process.env);
const dir = process.argv[2] ?? path.join(config.homeDir, "models", "lastfm-2k", "text2tracks-semantic");
const beam = process.argv[3] !== undefined ? Number(process.argv[3]) : undefined;
const model = await Text2TracksServing.load(dir);
const encoder = defaultTextEncoder(config);
// A model trained on lfm2k-tagq's shared features names their precomputed USE-lite tag vectors as its encoder: the
// same network as the default encoder, so timing with it is fair; any other mismatch is only reported.
if (encoder.id !== model.data.encoderId) console.log(`note: the model was trained with encoder ${model.data.encoderId}, requests are encoded by ${encoder.id}`);
const texts = (await loadTagQueries(path.join(config.benchmarksDir, "lfm2k-tagq", "val.jsonl"))).slice(0, 200).map((q) => q.text);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

await encoder.encode(["warm up"]);
const encodeTimes: number[] = [];
const vectors: Float32Array[] = [];
for (const t of texts) {
  const t0 = performance.now();
  const m = await encoder.encode([t]);
  encodeTimes.push(performance.now() - t0);
  vectors.push(m.data.slice());
}
for (const [i, v] of vectors.slice(0, 20).entries()) model.top(v, texts[i], { k: 10, beam }); // warm up
const searchTimes: number[] = [];
let steps = 0;
let returned = 0;
let expansions = 0;
for (const [i, v] of vectors.entries()) {
  const t0 = performance.now();
  const r = model.top(v, texts[i], { k: 10, beam });
  searchTimes.push(performance.now() - t0);
  expansions += r.expansions;
  for (const it of r.items) steps += model.data.ids.sequences[it].length;
  returned += r.items.length;
}
const ids = model.data.ids;
console.log(`model ${dir}: ${ids.scheme} ids (${ids.source}), beam ${beam ?? model.data.beam}, hidden ${model.data.weights.hidden}`);
console.log(`top-10 beam search + scores, ${vectors.length} requests: median ${ms(quantile(searchTimes, 0.5))}, p99 ${ms(quantile(searchTimes, 0.99))}; decoder states per request ${(expansions / vectors.length).toFixed(1)}`);
console.log(`request encoding (USE, one text at a time): median ${ms(quantile(encodeTimes, 0.5))}, p99 ${ms(quantile(encodeTimes, 0.99))}`);
console.log(`decoding steps per returned item: ${(steps / Math.max(1, returned)).toFixed(2)} (catalog mean ${(ids.sequences.reduce((n, s) => n + s.length, 0) / ids.sequences.length).toFixed(2)}, max ${Math.max(...ids.sequences.map((s) => s.length))})`);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
encoder.dispose?.();

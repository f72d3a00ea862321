/**
 * @file Times the whitebox serving form at the product's sizes without training one (the weights' values do not
 * change the work): per request, the plain-JS encoder over its words (with and without a listener's adapter merged)
 * plus the exact scan of every item for the top 10; and one word-feedback retraining through the adapter worker
 * thread (the server's path: plan here, TF.js there), after one warm-up. Word vectors are seeded random 512-d rows.
 * Usage: `npx tsx scripts/bench-whitebox-serving.ts [items=55525] [requests=200] [retrainings=10]`
 */
import { matrix } from "../src/core/matrix.js";
import { mulberry32 } from "../src/core/random.js";
import { AdapterWorker, retrainServed } from "../src/models/whitebox/retrain.js";
import { WhiteboxServing } from "../src/models/whitebox/serving.js";
import { ENCODER_PARAMS, shapeOf } from "../src/models/whitebox/params.js";
import type { EncoderWeights } from "../src/models/whitebox/forward.js";

const items = Number(process.argv[2] ?? 55_525);
const requests = Number(process.argv[3] ?? 200);
const retrainings = Number(process.argv[4] ?? 10);
const rng = mulberry32(7);
const shape = { inputDims: 512, width: 64, heads: 2, outputDims: 64 };
const rand = (n: number, scale: number) => Float32Array.from({ length: n }, () => (2 * rng() - 1) * scale);
const weights = Object.fromEntries(ENCODER_PARAMS.map((p) => [p, rand(shapeOf(p, shape).reduce((a, b) => a * b, 1), 0.1)])) as EncoderWeights;
const vocabulary = "calm dark happy sad piano guitar rock jazz techno ambient folk night morning rain road summer winter slow fast loud soft female male vocals instrumental dance chill epic".split(" ");
const texts = Array.from({ length: 5000 }, () => Array.from({ length: 2 + Math.floor(rng() * 4) }, () => vocabulary[Math.floor(rng() * vocabulary.length)]).join(" "));
const form = new WhiteboxServing({
  itemIds: Array.from({ length: items }, (_, i) => `item${i}`), encoderId: "bench", shape, maxWords: 12, towerScale: 1, weights,
  itemVectors: rand(items * 64, 0.125), tieBreak: rand(items, 1e-4), feedbackTexts: texts, training: {},
});
const vectorOf = new Map(vocabulary.map((w) => [w, rand(512, 0.05)]));
const vectorsOf = async (ws: string[]) => {
  const m = matrix(ws.length, 512);
  ws.forEach((w, i) => m.data.set(vectorOf.get(w) ?? rand(512, 0.05), i * 512));
  return m;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const adapter = { user: "bench", model: "whitebox", version: 1, arrays: Object.fromEntries(["sa/q", "sa/k", "pool/k"].flatMap((t) => [[`${t}/a`, rand(64 * 4, 0.1)], [`${t}/b`, rand(4 * 64, 0.1)]])) };
for (const adapted of [false, true]) {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const text = texts[i % texts.length];
    const words = form.words(text);
    const v = (await vectorsOf(words)).data;
    const t0 = performance.now();
    form.top(form.query(words, v, text, adapted ? adapter : undefined), 10);
    times.push(performance.now() - t0);
  }
  console.log(`${adapted ? "with an adapter" : "shared model"}: encode + exact top 10 of ${items} items: median ${median(times).toFixed(2)} ms, p90 ${p90(times).toFixed(2)} ms (${requests} requests)`);
}
const worker = new AdapterWorker(form);
const seconds: number[] = [];
for (let i = 0; i <= retrainings; i++) {
  const text = texts[i];
  const words = form.words(text);
  const r = await retrainServed(form, { text, strengthen: [words[0]], weaken: [] }, vectorsOf, worker.fit, { seed: i });
  if (i > 0) seconds.push(r.seconds); // the first one starts the worker (tsx, TF.js)
  else console.log(`first retraining (starts the worker): ${r.seconds.toFixed(2)} s`);
}
console.log(`retraining through the worker: median ${median(seconds).toFixed(3)} s, p90 ${p90(seconds).toFixed(3)} s (${retrainings} retrainings, width 64, rank 4, 40 steps)`);
await worker.close();

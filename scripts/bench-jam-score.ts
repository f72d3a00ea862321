/**
 * @file `JamRecommender.score` speed on a synthetic domain as large as a real catalog: what `eval` and model
 * selection pay per request. Fits each fusion briefly (the weights do not matter for speed), then scores batches of
 * distinct requests twice: "cold" (request projections computed: TF.js matMuls + fusion) and "warm" (the request
 * rows cached, so only the plain-JS fusion over every item runs). Prints the median ms per request of each.
 * Usage: `npx tsx scripts/bench-jam-score.ts [itemsPerGenre=13881 (55,524 items)] [requests=64] [runs=5]`
 */
import os from "node:os";
import { JamRecommender } from "../src/models/jam/index.js";
import { makeSyntheticDomain } from "../src/models/testing/synthetic-domain.js";

const perGenre = Number(process.argv[2] ?? 13881);
const n = Number(process.argv[3] ?? 64);
const runs = Number(process.argv[4] ?? 5);
const domain = makeSyntheticDomain({ itemsPerGenre: perGenre, dims: 128, withUsers: false });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const words = ["rock", "jazz", "techno", "folk", "guitar", "swing", "beats", "banjo", "loud", "smooth", "club", "ballad"];
console.log(`${domain.items.ids.length} items, ${n} distinct requests per batch, ${runs} runs; ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
for (const mixing of ["avg", "cross", "moe"] as const) {
  const model = new JamRecommender(mixing, { epochs: 1, selectionQueries: 1, dims: 128, inputDims: 128, idEmbeddings: "none" });
  await model.fit(domain, { seed: 1 });
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < runs; r++) {
    const requests = Array.from({ length: n }, (_, i) => ({ text: `${words[i % 12]} ${words[(i * 5 + r) % 12]} #${r}-${i}` }));
    let t0 = performance.now();
    await model.score(requests);
    cold.push((performance.now() - t0) / n);
    t0 = performance.now();
    await model.score(requests);
    warm.push((performance.now() - t0) / n);
  }
  console.log(`jam-${mixing}: cold ${median(cold).toFixed(2)} ms/request (runs ${cold.map((x) => x.toFixed(2)).join(" ")}), warm ${median(warm).toFixed(2)} ms/request (runs ${warm.map((x) => x.toFixed(2)).join(" ")})`);
  model.dispose();
}

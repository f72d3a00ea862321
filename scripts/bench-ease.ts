/**
 * @file Times EASE's one expensive step on lfm2k-cf: the float64 inverse of the 2,823 x 2,823 Gram matrix of every
 * training user's binarised plays (+ λI), split into its three parts, and checks A·A⁻¹ = I on a few rows.
 * Usage: `npx tsx scripts/bench-ease.ts [lambda=50] [repeats=3]` (ASKMUSIC_BENCHMARKS as for the CLI)
 */
import { resolveConfig } from "../src/config.js";
import { cholesky, spdInverse } from "../src/core/spd.js";
import { loadCfTrain } from "../src/datasets/benchmarks/index.js";
import { lfm2kCfTrainFile } from "../src/domains/lfm2k-cf.js";
import { easeWeights } from "../src/models/ease/index.js";

const lambda = Number(process.argv[2] ?? 50);
const repeats = Number(process.argv[3] ?? 3);
const config = resolveConfig(process.env);
const train = await loadCfTrain(lfm2kCfTrainFile(config));
const artists = [...new Set(train.map((p) => p.artist))].sort((a, b) => a - b);
const itemOf = new Map(artists.map((a, i) => [a, i]));
const byUser = new Map<number, number[]>();
for (const p of train) byUser.set(p.user, [...(byUser.get(p.user) ?? []), itemOf.get(p.artist)!]);
const rows = [...byUser.values()];
const n = artists.length;
const gram = new Float64Array(n * n);
for (const items of rows) for (const a of items) for (const b of items) gram[a * n + b] += 1;
for (let i = 0; i < n; i++) gram[i * n + i] += lambda;

const seconds = (f: () => unknown) => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const chol: number[] = [];
const inverse: number[] = [];
const ease: number[] = [];
let p: Float64Array = new Float64Array(0);
for (let r = 0; r < repeats; r++) {
  chol.push(seconds(() => cholesky(gram, n)));
  inverse.push(seconds(() => (p = spdInverse(gram, n))));
  ease.push(seconds(() => easeWeights(rows, n, lambda)));
}
let worst = 0;
for (const r of [0, Math.floor(n / 2), n - 1]) {
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += gram[r * n + k] * p[k * n + c];
    worst = Math.max(worst, Math.abs(s - (r === c ? 1 : 0)));
  }
}
console.log(`lfm2k-cf: ${rows.length} users x ${n} artists, λ = ${lambda}, ${repeats} runs (medians):`);
console.log(`  Cholesky          ${median(chol).toFixed(2)} s`);
console.log(`  full inverse      ${median(inverse).toFixed(2)} s  (Cholesky + triangular inverse + product; max |A·A⁻¹ − I| on 3 rows: ${worst.toExponential(1)})`);
console.log(`  easeWeights (B)   ${median(ease).toFixed(2)} s  (Gram + inverse + B in float32)`);

/**
 * @file Residual quantisation by k-means: level 1 clusters the vectors, each next level clusters what the levels
 * before it left unexplained (the residuals), so an item's codes read coarse to fine. Seeded, plain JS.
 */
import type { Matrix } from "../../../core/matrix.js";
import { mulberry32, shuffleInPlace, type Rng } from "../../../core/random.js";

/** Options of {@link residualQuantise}. */
export interface ResidualOptions {
  /** Levels L (tokens per item before disambiguation). */
  readonly levels: number;
  /** Codes C per level (clusters of each k-means); fewer when there are fewer distinct vectors. */
  readonly codes: number;
  /** Lloyd iterations per level. [20] */
  readonly iterations?: number;
  /**
   * Centroids are fitted on at most this many rows (a seeded sample; every row is then assigned): k-means over
   * 55k x 512 Jamendo vectors would otherwise take minutes. [8192]
   */
  readonly sample?: number;
  readonly seed: number;
}

/** codes[level][row]: the code of each row at each level, in 0..C-1. */
export type LevelCodes = Int32Array[];

/** Squared distance between row a of x (width d, at offset ao) and centroid c (offset co). */
function dist2(x: Float32Array, ao: number, cs: Float32Array, co: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = x[ao + j] - cs[co + j];
    s += t * t;
  }
  return s;
}

/** The nearest centroid of row i and its squared distance (ties by lower code). */
function nearest(x: Float32Array, i: number, cs: Float32Array, k: number, d: number): [number, number] {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    const v = dist2(x, i * d, cs, c * d, d);
    if (v < bestD) {
      bestD = v;
      best = c;
    }
  }
  return [best, bestD];
}

/** k-means++ seeding over the rows `rows` of x. */
function seedCentroids(x: Float32Array, rows: Int32Array, k: number, d: number, rng: Rng): Float32Array {
  const cs = new Float32Array(k * d);
  const first = rows[Math.floor(rng() * rows.length)];
  cs.set(x.subarray(first * d, first * d + d), 0);
  const closest = Float64Array.from(rows, (r) => dist2(x, r * d, cs, 0, d));
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (const v of closest) total += v;
    let pick = rows[Math.floor(rng() * rows.length)];
    if (total > 0) {
      let u = rng() * total;
      for (let i = 0; i < rows.length; i++) {
        u -= closest[i];
        if (u <= 0) {
          pick = rows[i];
          break;
        }
      }
    }
    cs.set(x.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < rows.length; i++) closest[i] = Math.min(closest[i], dist2(x, rows[i] * d, cs, c * d, d));
  }
  return cs;
}

/**
 * Lloyd's k-means on the sample rows; an emptied cluster takes the sample row farthest from its centroid, so all k
 * codes stay in use. Returns the centroids (k x d).
 */
function kmeans(x: Float32Array, rows: Int32Array, k: number, d: number, iterations: number, rng: Rng): Float32Array {
  const cs = seedCentroids(x, rows, k, d, rng);
  const assign = new Int32Array(rows.length);
  const far = new Float64Array(rows.length);
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let i = 0; i < rows.length; i++) {
      const [c, dd] = nearest(x, rows[i], cs, k, d);
      if (c !== assign[i] || it === 0) moved++;
      assign[i] = c;
      far[i] = dd;
    }
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < rows.length; i++) {
      const c = assign[i];
      counts[c]++;
      const o = rows[i] * d;
      for (let j = 0; j < d; j++) sums[c * d + j] += x[o + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        let worst = 0;
        for (let i = 1; i < rows.length; i++) if (far[i] > far[worst]) worst = i;
        far[worst] = 0;
        cs.set(x.subarray(rows[worst] * d, rows[worst] * d + d), c * d);
        continue;
      }
      for (let j = 0; j < d; j++) cs[c * d + j] = sums[c * d + j] / counts[c];
    }
    if (moved === 0) break;
  }
  return cs;
}

/** The number of distinct rows, counted up to `cap` (k-means cannot make more non-empty clusters than that). */
function distinctRows(x: Matrix, cap: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < x.rows && seen.size < cap; i++) seen.add(x.data.subarray(i * x.cols, (i + 1) * x.cols).join(","));
  return seen.size;
}

/**
 * Residual quantisation of the rows of `x` (rows = items): per level, k-means with min(C, distinct rows) clusters
 * on the current residuals, then every row's residual loses its centroid.
 * @example residualQuantise(fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]), { levels: 1, codes: 2, seed: 1 })[0] // e.g. [0, 0, 1, 1]
 */
export function residualQuantise(x: Matrix, options: ResidualOptions): LevelCodes {
  const { rows: n, cols: d } = x;
  const rng = mulberry32(options.seed);
  const residual = Float32Array.from(x.data);
  const k = Math.max(1, Math.min(options.codes, distinctRows(x, options.codes)));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const sampleSize = Math.min(n, options.sample ?? 8192);
  const out: LevelCodes = [];
  for (let level = 0; level < options.levels; level++) {
    const sample = sampleSize < n ? shuffleInPlace(rng, Int32Array.from(all)).slice(0, sampleSize) : all;
    const cs = kmeans(residual, sample, k, d, options.iterations ?? 20, rng);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const [c] = nearest(residual, i, cs, k, d);
      codes[i] = c;
      for (let j = 0; j < d; j++) residual[i * d + j] -= cs[c * d + j];
    }
    out.push(codes);
  }
  return out;
}

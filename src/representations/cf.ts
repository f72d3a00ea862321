/**
 * @file Collaborative-filtering embeddings: a deterministic truncated SVD of a sparse matrix (randomized subspace
 * iteration in Float64), returned as row factors U·sqrt(S) and column factors V·sqrt(S).
 */
import { matrix, type Matrix } from "../core/matrix.js";

/** One non-zero of the sparse input (duplicates of the same cell are summed). */
export interface SparseEntry {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

/** Options for {@link cfEmbeddings} / {@link truncatedSvd}. */
export interface SvdOptions {
  /** Seed of the random start block: same seed + same input = bit-identical output. */
  readonly seed: number;
  /** [oversample=max(16, k)] extra basis vectors; more = faster convergence of the last components, more work. */
  readonly oversample?: number;
  /** [iterations=16] power iterations on A·Aᵀ; error in the k-th component shrinks like (σ_{k+p+1}/σ_k)^(2·iterations). */
  readonly iterations?: number;
}

/** A truncated SVD A ≈ U·diag(S)·Vᵀ in Float64. */
export interface Svd {
  /** nRows x k, row-major, orthonormal columns. */
  readonly u: Float64Array;
  /** nCols x k, row-major, orthonormal columns. */
  readonly v: Float64Array;
  /** k values, descending. */
  readonly s: Float64Array;
  readonly k: number;
}

/** What {@link cfEmbeddings} returns. */
export interface CfEmbeddings {
  /** rows = matrix rows (e.g. users), cols = k: U·sqrt(S). */
  readonly rows: Matrix;
  /** rows = matrix columns (e.g. items), cols = k: V·sqrt(S). */
  readonly cols: Matrix;
  /** k values, descending. */
  readonly singularValues: Float64Array;
}

/** Compressed sparse rows, Float64 values. */
interface Csr {
  readonly nRows: number;
  readonly nCols: number;
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly val: Float64Array;
}

function toCsr(entries: readonly SparseEntry[], nRows: number, nCols: number, transpose: boolean): Csr {
  const R = transpose ? nCols : nRows;
  const C = transpose ? nRows : nCols;
  const ptr = new Int32Array(R + 1);
  entries.forEach((e, i) => {
    if (!Number.isInteger(e.row) || e.row < 0 || e.row >= nRows || !Number.isInteger(e.col) || e.col < 0 || e.col >= nCols) {
      throw new RangeError(`entry ${i} at (${e.row}, ${e.col}) is outside the ${nRows}x${nCols} matrix`);
    }
    if (!Number.isFinite(e.value)) throw new RangeError(`entry ${i} at (${e.row}, ${e.col}) has non-finite value ${e.value}`);
    ptr[(transpose ? e.col : e.row) + 1]++;
  });
  for (let r = 0; r < R; r++) ptr[r + 1] += ptr[r];
  const fill = ptr.slice(0, R);
  const idx = new Int32Array(entries.length);
  const val = new Float64Array(entries.length);
  for (const e of entries) {
    const r = transpose ? e.col : e.row;
    const p = fill[r]++;
    idx[p] = transpose ? e.row : e.col;
    val[p] = e.value;
  }
  return { nRows: R, nCols: C, ptr, idx, val };
}

/** out (nRows x l) = A · X (nCols x l). */
function mulA(a: Csr, x: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < a.nRows; i++) {
    const o = i * l;
    for (let p = a.ptr[i]; p < a.ptr[i + 1]; p++) {
      const v = a.val[p];
      const xo = a.idx[p] * l;
      for (let t = 0; t < l; t++) out[o + t] += v * x[xo + t];
    }
  }
}

/** out (nCols x l) = Aᵀ · Y (nRows x l). */
function mulAt(a: Csr, y: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < a.nRows; i++) {
    const yo = i * l;
    for (let p = a.ptr[i]; p < a.ptr[i + 1]; p++) {
      const v = a.val[p];
      const o = a.idx[p] * l;
      for (let t = 0; t < l; t++) out[o + t] += v * y[yo + t];
    }
  }
}

/** Orthonormalizes the l columns of the row-major n x l block in place (modified Gram-Schmidt, twice for stability). */
function orthonormalizeInPlace(q: Float64Array, n: number, l: number): void {
  // Work on a column-major copy so every inner loop runs over contiguous memory.
  const cm = new Float64Array(n * l);
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) cm[j * n + i] = q[i * l + j];
  for (let j = 0; j < l; j++) {
    const col = cm.subarray(j * n, (j + 1) * n);
    const before = Math.sqrt(sumSquares(col));
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < j; c++) {
        const other = cm.subarray(c * n, (c + 1) * n);
        let d = 0;
        for (let i = 0; i < n; i++) d += other[i] * col[i];
        for (let i = 0; i < n; i++) col[i] -= d * other[i];
      }
    }
    const norm = Math.sqrt(sumSquares(col));
    // A column that vanished (rank-deficient input) becomes zero rather than amplified rounding noise.
    const keep = norm > 1e-12 * Math.max(before, 1e-300);
    for (let i = 0; i < n; i++) col[i] = keep ? col[i] / norm : 0;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) q[i * l + j] = cm[j * n + i];
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

/** Eigen-decomposition of a symmetric l x l matrix (cyclic Jacobi): values descending, vectors as columns. */
export function symmetricEigen(a: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const w = new Float64Array(l * l);
  for (let i = 0; i < l; i++) w[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < l; i++) {
      for (let j = 0; j < l; j++) {
        total += m[i * l + j] ** 2;
        if (i !== j) off += m[i * l + j] ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = m[p * l + q];
        if (apq === 0) continue;
        const theta = (m[q * l + q] - m[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < l; r++) {
          const mrp = m[r * l + p];
          const mrq = m[r * l + q];
          m[r * l + p] = c * mrp - s * mrq;
          m[r * l + q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < l; r++) {
          const mpr = m[p * l + r];
          const mqr = m[q * l + r];
          m[p * l + r] = c * mpr - s * mqr;
          m[q * l + r] = s * mpr + c * mqr;
        }
        for (let r = 0; r < l; r++) {
          const wrp = w[r * l + p];
          const wrq = w[r * l + q];
          w[r * l + p] = c * wrp - s * wrq;
          w[r * l + q] = s * wrp + c * wrq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => m[y * l + y] - m[x * l + x] || x - y);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = m[src * l + src];
    for (let r = 0; r < l; r++) vectors[r * l + dst] = w[r * l + src];
  });
  return { values, vectors };
}

/** A seeded PRNG (mulberry32) feeding Box-Muller: the only randomness, so results are reproducible. */
function gaussianBlock(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/**
 * Truncated SVD of a sparse nRows x nCols matrix: randomized subspace iteration on the smaller Gram side, then
 * Rayleigh-Ritz. Deterministic for a seed. Signs are fixed so that, in each component, the column loading (v) of
 * largest magnitude is positive (ties: the lowest column index).
 * @example truncatedSvd([{row:0,col:0,value:3},{row:1,col:1,value:2}], 2, 2, 1, {seed:1}).s // Float64Array [3]
 */
export function truncatedSvd(entries: readonly SparseEntry[], nRows: number, nCols: number, k: number, options: SvdOptions): Svd {
  if (!Number.isInteger(k) || k < 1 || k > Math.min(nRows, nCols)) {
    throw new RangeError(`k must be an integer in [1, ${Math.min(nRows, nCols)}] for a ${nRows}x${nCols} matrix, got ${k}`);
  }
  // Iterate on the short side: Gram-Schmidt over min(nRows, nCols) rows is the dominant dense cost.
  const transpose = nRows > nCols;
  const a = toCsr(entries, nRows, nCols, transpose);
  const m = a.nRows;
  const n = a.nCols;
  const l = Math.min(m, k + (options.oversample ?? Math.max(16, k)));
  const iterations = options.iterations ?? 16;

  const omega = gaussianBlock(n * l, options.seed);
  const q = new Float64Array(m * l);
  const z = new Float64Array(n * l);
  mulA(a, omega, l, q);
  orthonormalizeInPlace(q, m, l);
  for (let it = 0; it < iterations; it++) {
    mulAt(a, q, l, z);
    mulA(a, z, l, q);
    orthonormalizeInPlace(q, m, l);
  }
  mulAt(a, q, l, z); // z = Aᵀ Q = Bᵀ, n x l
  const gram = new Float64Array(l * l); // B Bᵀ = zᵀ z
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let x = 0; x < l; x++) {
      const zx = z[o + x];
      if (zx === 0) continue;
      for (let y = x; y < l; y++) gram[x * l + y] += zx * z[o + y];
    }
  }
  for (let x = 0; x < l; x++) for (let y = 0; y < x; y++) gram[x * l + y] = gram[y * l + x];
  const { values, vectors: w } = symmetricEigen(gram, l);

  const s = new Float64Array(k);
  const left = new Float64Array(m * k); // Q W
  const right = new Float64Array(n * k); // Z W / s
  for (let j = 0; j < k; j++) s[j] = Math.sqrt(Math.max(values[j], 0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let t = 0; t < l; t++) acc += q[i * l + t] * w[t * l + j];
      left[i * k + j] = acc;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      if (s[j] <= 1e-12 * s[0]) continue; // a zero singular value has no defined right vector: leave zeros
      let acc = 0;
      for (let t = 0; t < l; t++) acc += z[i * l + t] * w[t * l + j];
      right[i * k + j] = acc / s[j];
    }
  }
  const u = transpose ? right : left;
  const v = transpose ? left : right;
  fixSignsInPlace(u, v, nRows, nCols, k);
  return { u, v, s, k };
}

/** Flips component j of both factors when its largest-|value| loading in v is negative. */
function fixSignsInPlace(u: Float64Array, v: Float64Array, nRows: number, nCols: number, k: number): void {
  for (let j = 0; j < k; j++) {
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < nCols; i++) {
      const x = Math.abs(v[i * k + j]);
      if (x > bestAbs) {
        bestAbs = x;
        best = v[i * k + j];
      }
    }
    if (best >= 0) continue;
    for (let i = 0; i < nCols; i++) v[i * k + j] = -v[i * k + j];
    for (let i = 0; i < nRows; i++) u[i * k + j] = -u[i * k + j];
  }
}

/**
 * CF embeddings from an interaction matrix (pass values already transformed, e.g. log1p(plays)):
 * rows = U·sqrt(S) (nRows x k), cols = V·sqrt(S) (nCols x k), so rows·colsᵀ ≈ the rank-k approximation.
 * @example
 * const { rows, cols } = cfEmbeddings(plays.map(p => ({ row: u(p), col: a(p), value: Math.log1p(p.plays) })),
 *   1892, 17632, 64, { seed: 0 }); // rows 1892x64 (users), cols 17632x64 (artists)
 */
export function cfEmbeddings(entries: readonly SparseEntry[], nRows: number, nCols: number, k: number, options: SvdOptions): CfEmbeddings {
  const { u, v, s } = truncatedSvd(entries, nRows, nCols, k, options);
  const scale = (f: Float64Array, n: number) => {
    const out = matrix(n, k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = f[i * k + j] * Math.sqrt(s[j]) + 0; // + 0 turns -0 into 0
    return out;
  };
  return { rows: scale(u, nRows), cols: scale(v, nCols), singularValues: s };
}

/**
 * @file Dense symmetric positive definite (SPD) algebra in float64: Cholesky factorisation and the full inverse.
 *
 * Hand-written because nothing reachable here does it: TF.js has no matrix inverse, Cholesky or triangular solve,
 * and a native BLAS/LAPACK binding cannot be installed. EASE needs the inverse of a 2,823 x 2,823 Gram matrix,
 * ~n³/2 = 1.1e10 multiply-adds, in float64 (float32 loses too much on a Gram matrix whose entries reach the
 * thousands). The three steps (LAPACK's potrf, trtri, lauum) are written as dot products of contiguous rows of
 * row-major arrays, 4 x 2 register-blocked: each streamed row is read once for 4 dot products and each cached
 * row feeds 2. For n = 2,823 that took the inverse from 35 s (plain row-by-row dot products) to 7–12 s, both
 * measured with other jobs on this machine's 2 cores (scripts/bench-ease.ts prints it).
 */

/** Scratch for the 4 x 2 kernel's results (single-threaded, so one module-level buffer is safe). */
const acc = new Float64Array(8);

/**
 * acc[c] = Σ_{k ∈ [from, to)} x[xa + k] · y[yc + k] and acc[4 + c] the same with x[xb + k], for c = 0..3.
 * The one hot loop: 8 multiply-adds for 6 loads.
 */
function dot4x2(x: Float64Array, xa: number, xb: number, y: Float64Array, y0: number, y1: number, y2: number, y3: number, from: number, to: number): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  for (let k = from; k < to; k++) {
    const u = x[xa + k];
    const v = x[xb + k];
    const q0 = y[y0 + k], q1 = y[y1 + k], q2 = y[y2 + k], q3 = y[y3 + k];
    a0 += u * q0; a1 += u * q1; a2 += u * q2; a3 += u * q3;
    b0 += v * q0; b1 += v * q1; b2 += v * q2; b3 += v * q3;
  }
  acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
  acc[4] = b0; acc[5] = b1; acc[6] = b2; acc[7] = b3;
}

/** Σ_{k ∈ [from, to)} x[xo + k] · y[yo + k]. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += x[xo + k] * y[yo + k];
  return s;
}

function checkSquare(a: Float64Array, n: number): void {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) throw new RangeError(`expected an ${n}x${n} row-major matrix, got ${a.length} values`);
}

/**
 * The Cholesky factor L (lower triangular, A = L·Lᵀ) of an SPD matrix. Reads only the lower triangle of `a`
 * (row-major n x n) and returns a new array whose upper triangle is 0.
 * @throws RangeError naming the pivot when `a` is not positive definite (e.g. a Gram matrix without a ridge).
 * @example cholesky(Float64Array.of(4, 2, 2, 3), 2) // Float64Array [2, 0, 1, Math.SQRT2]
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  checkSquare(a, n);
  const l = new Float64Array(a);
  const entry = (i: number, j: number) => {
    const s = l[i * n + j] - dot(l, i * n, l, j * n, 0, j);
    if (i === j) {
      if (!(s > 0)) throw new RangeError(`matrix is not positive definite: pivot ${i} is ${s}`);
      l[i * n + i] = Math.sqrt(s);
    } else {
      l[i * n + j] = s / l[j * n + j];
    }
  };
  // Crout order by blocks of 4 columns: the block's own triangle first, then every row below it with the kernel.
  for (let j0 = 0; j0 < n; j0 += 4) {
    const jb = Math.min(4, n - j0);
    for (let j = j0; j < j0 + jb; j++) for (let i = j; i < j0 + jb; i++) entry(i, j);
    if (jb < 4) {
      for (let i = j0 + jb; i < n; i++) for (let j = j0; j < j0 + jb; j++) entry(i, j);
      continue;
    }
    const r0 = j0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    // Row ri's 4 entries of this block column, given acc[o..o+3] = its dots with the block's rows over k < j0.
    const finish = (ri: number, o: number) => {
      const l0 = (l[ri + j0] - acc[o]) / l[r0 + j0];
      const l1 = (l[ri + j0 + 1] - acc[o + 1] - l0 * l[r1 + j0]) / l[r1 + j0 + 1];
      const l2 = (l[ri + j0 + 2] - acc[o + 2] - l0 * l[r2 + j0] - l1 * l[r2 + j0 + 1]) / l[r2 + j0 + 2];
      const l3 = (l[ri + j0 + 3] - acc[o + 3] - l0 * l[r3 + j0] - l1 * l[r3 + j0 + 1] - l2 * l[r3 + j0 + 2]) / l[r3 + j0 + 3];
      l[ri + j0] = l0;
      l[ri + j0 + 1] = l1;
      l[ri + j0 + 2] = l2;
      l[ri + j0 + 3] = l3;
    };
    let i = j0 + 4;
    for (; i + 1 < n; i += 2) {
      dot4x2(l, i * n, (i + 1) * n, l, r0, r1, r2, r3, 0, j0);
      finish(i * n, 0);
      finish((i + 1) * n, 4);
    }
    if (i < n) {
      dot4x2(l, i * n, i * n, l, r0, r1, r2, r3, 0, j0);
      finish(i * n, 0);
    }
  }
  for (let i = 0; i < n; i++) l.fill(0, i * n + i + 1, (i + 1) * n);
  return l;
}

/**
 * Vᵀ = L⁻¹ for lower-triangular L: returns V (upper triangular, row-major), whose row m is the solution x of
 * L·x = e_m (x_i = 0 for i < m). Four right-hand sides at a time share each streamed row of L.
 */
function inverseLowerTransposed(l: Float64Array, n: number): Float64Array {
  const v = new Float64Array(n * n);
  for (let m0 = 0; m0 < n; m0 += 4) {
    const mb = Math.min(4, n - m0);
    // Rows past the end of a short last block alias the block's last row; their results are never written.
    const y = [0, 1, 2, 3].map((c) => (m0 + Math.min(c, mb - 1)) * n);
    const put = (i: number, o: number) => {
      const d = l[i * n + i];
      for (let c = 0; c < mb; c++) {
        const m = m0 + c;
        if (i >= m) v[m * n + i] = ((i === m ? 1 : 0) - acc[o + c]) / d;
      }
    };
    let i = m0;
    for (; i + 1 < n; i += 2) {
      dot4x2(l, i * n, (i + 1) * n, v, y[0], y[1], y[2], y[3], m0, i);
      put(i, 0);
      // Row i + 1 also needs the k = i term, known only now.
      const li = l[(i + 1) * n + i];
      for (let c = 0; c < 4; c++) acc[4 + c] += li * v[y[c] + i];
      put(i + 1, 4);
    }
    if (i < n) {
      dot4x2(l, i * n, i * n, v, y[0], y[1], y[2], y[3], m0, i);
      put(i, 0);
    }
  }
  return v;
}

/** Writes P = V·Vᵀ into `out` (full symmetric): P[a][b] = Σ_{k ≥ max(a, b)} V[a][k]·V[b][k], V upper triangular. */
function upperGram(v: Float64Array, n: number, out: Float64Array): void {
  const set = (a: number, b: number, s: number) => {
    out[a * n + b] = s;
    out[b * n + a] = s;
  };
  for (let a0 = 0; a0 < n; a0 += 4) {
    if (n - a0 < 4) {
      for (let a = a0; a < n; a++) for (let b = 0; b <= a; b++) set(a, b, dot(v, a * n, v, b * n, a, n));
      continue;
    }
    const r0 = a0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let b = 0;
    // V[a][k] = 0 for k < a, so starting every dot of the block at a0 is exact.
    for (; b + 1 < a0; b += 2) {
      dot4x2(v, b * n, (b + 1) * n, v, r0, r1, r2, r3, a0, n);
      for (let c = 0; c < 4; c++) {
        set(a0 + c, b, acc[c]);
        set(a0 + c, b + 1, acc[4 + c]);
      }
    }
    if (b < a0) {
      dot4x2(v, b * n, b * n, v, r0, r1, r2, r3, a0, n);
      for (let c = 0; c < 4; c++) set(a0 + c, b, acc[c]);
    }
    for (let a = a0; a < a0 + 4; a++) for (let bb = a0; bb <= a; bb++) set(a, bb, dot(v, a * n, v, bb * n, a, n));
  }
}

/**
 * The inverse of an SPD matrix (row-major n x n; only its lower triangle is read): A⁻¹ = L⁻ᵀ·L⁻¹ from the
 * Cholesky factor. Returns a new, full symmetric array. Memory: three n x n float64 arrays at the peak.
 * @throws RangeError when `a` is not positive definite.
 * @example spdInverse(Float64Array.of(4, 2, 2, 3), 2) // Float64Array [0.375, -0.25, -0.25, 0.5] (= [[3, -2], [-2, 4]] / 8)
 */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n);
  const v = inverseLowerTransposed(l, n);
  // L is no longer needed: its storage receives the inverse.
  upperGram(v, n, l);
  return l;
}

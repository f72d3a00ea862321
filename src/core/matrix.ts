/**
 * @file The one dense matrix type that crosses layer boundaries: row-major Float32Array with explicit shape.
 */

/** A dense row-major float32 matrix. `data.length === rows * cols`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** Wraps (or allocates) storage as a Matrix, checking the shape. */
export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix shape must be non-negative integers, got ${rows}x${cols}`);
  }
  const storage = data ?? new Float32Array(rows * cols);
  if (storage.length !== rows * cols) {
    throw new RangeError(`matrix data has ${storage.length} values, expected ${rows}x${cols}=${rows * cols}`);
  }
  return { rows, cols, data: storage };
}

/** A view (no copy) of row `i`. */
export function row(m: Matrix, i: number): Float32Array {
  if (i < 0 || i >= m.rows) throw new RangeError(`row ${i} out of range [0, ${m.rows})`);
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Builds a matrix from equal-length rows. */
export function fromRows(rows: ArrayLike<number>[], cols?: number): Matrix {
  const width = cols ?? (rows.length > 0 ? rows[0].length : 0);
  const out = matrix(rows.length, width);
  rows.forEach((r, i) => {
    if (r.length !== width) throw new RangeError(`row ${i} has ${r.length} values, expected ${width}`);
    out.data.set(r, i * width);
  });
  return out;
}

/** Copies of the selected rows, in the given order. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) out.data.set(row(m, indices[k]), k * m.cols);
  return out;
}

/** Dot product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Returns a copy whose rows have unit L2 norm (zero rows stay zero: norm floor 1e-10, never divide by zero). */
export function normalizeRows(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, new Float32Array(m.data));
  for (let i = 0; i < m.rows; i++) {
    const r = out.data.subarray(i * m.cols, (i + 1) * m.cols);
    const n = Math.max(Math.sqrt(dot(r, r)), 1e-10);
    for (let j = 0; j < r.length; j++) r[j] /= n;
  }
  return out;
}

/**
 * scores[i] = dot(m.row(i), v) for every row: the inner loop of brute-force retrieval.
 * @example matVec(fromRows([[1,0],[0,2]]), [3,4]) // Float32Array [3, 8]
 */
export function matVec(m: Matrix, v: ArrayLike<number>, out = new Float32Array(m.rows)): Float32Array {
  if (v.length !== m.cols) throw new RangeError(`vector has ${v.length} values, matrix has ${m.cols} columns`);
  const { data, cols } = m;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) s += data[base + j] * v[j];
    out[i] = s;
  }
  return out;
}

/**
 * x·W for a vector x (length r) and W (r x c, row-major): length c. Zero entries of x are skipped (sparse inputs).
 * @example vecMat([1, 2], Float32Array.of(1, 0, 0, 1, 1, 1), 3) // Float32Array [3, 2, 2]
 */
export function vecMat(x: ArrayLike<number>, w: Float32Array, c: number): Float32Array {
  const out = new Float32Array(c);
  const r = x.length;
  if (w.length !== r * c) throw new RangeError(`vector of ${r} values times a matrix of ${w.length} values with ${c} columns`);
  for (let i = 0; i < r; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const base = i * c;
    for (let j = 0; j < c; j++) out[j] += xi * w[base + j];
  }
  return out;
}

/**
 * Mean L2 norm of the rows, floor 1e-10 (so a zero block never divides by zero). Learned models divide each frozen
 * input block by it, so a block with large norms (CF, ~10) cannot drown one near unit norm (USE, ~1).
 * @example meanRowNorm(fromRows([[3, 4], [0, 0]])) // 2.5
 */
export function meanRowNorm(m: Matrix): number {
  let s = 0;
  for (let i = 0; i < m.rows; i++) {
    let n = 0;
    for (let j = 0; j < m.cols; j++) n += m.data[i * m.cols + j] ** 2;
    s += Math.sqrt(n);
  }
  return Math.max(s / Math.max(m.rows, 1), 1e-10);
}

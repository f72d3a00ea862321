/**
 * @file The one sparse matrix type: compressed sparse rows (CSR), e.g. users x items interaction counts.
 */

/** A CSR matrix: row r's entries are `indices[indptr[r] .. indptr[r+1])` with `values` alongside, columns ascending. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into `indices` / `values`. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** One (row, col, value) entry. */
export interface SparseEntry {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

/**
 * Builds a CSR matrix from entries in any order; duplicate (row, col) entries are summed.
 * @example csrFromEntries(2, 3, [{ row: 1, col: 2, value: 5 }, { row: 0, col: 1, value: 1 }]).indptr // Int32Array [0, 1, 2]
 */
export function csrFromEntries(rows: number, cols: number, entries: readonly SparseEntry[]): CsrMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new RangeError(`CSR shape must be non-negative integers, got ${rows}x${cols}`);
  const perRow = Array.from({ length: rows }, () => new Map<number, number>());
  for (const e of entries) {
    if (!Number.isInteger(e.row) || e.row < 0 || e.row >= rows) throw new RangeError(`entry row ${e.row} outside 0..${rows - 1}`);
    if (!Number.isInteger(e.col) || e.col < 0 || e.col >= cols) throw new RangeError(`entry col ${e.col} outside 0..${cols - 1}`);
    const m = perRow[e.row];
    m.set(e.col, (m.get(e.col) ?? 0) + e.value);
  }
  const indptr = new Int32Array(rows + 1);
  perRow.forEach((m, r) => (indptr[r + 1] = indptr[r] + m.size));
  const indices = new Int32Array(indptr[rows]);
  const values = new Float32Array(indptr[rows]);
  perRow.forEach((m, r) => {
    const cs = [...m.keys()].sort((a, b) => a - b);
    cs.forEach((c, k) => {
      indices[indptr[r] + k] = c;
      values[indptr[r] + k] = m.get(c)!;
    });
  });
  return { rows, cols, indptr, indices, values };
}

/** Row r's column indices and values (views, no copy). */
export function csrRow(m: CsrMatrix, r: number): { indices: Int32Array; values: Float32Array } {
  if (r < 0 || r >= m.rows) throw new RangeError(`row ${r} out of range [0, ${m.rows})`);
  return { indices: m.indices.subarray(m.indptr[r], m.indptr[r + 1]), values: m.values.subarray(m.indptr[r], m.indptr[r + 1]) };
}

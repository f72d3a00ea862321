/**
 * @file Exact cosine search in memory over a vector column, fast enough for the request path: rows with identical
 * vectors are stored once (Jamendo's 55,525 tag-text rows hold 21,229 distinct vectors); usearch's SIMD exact scan
 * over int8-quantized copies picks a generous shortlist (0.28 ms for 21k x 512, against 1.5 ms in float32 and
 * 6.4 ms for the best plain-JS loop), and the shortlist is rescored in float32: returned cosines are exact, and the
 * ranking is exact unless a vector outside the shortlist trails the k-th by less than the int8 rounding (~1e-2).
 */
import { createHash } from "node:crypto";
import usearch from "usearch";
import type { Matrix } from "../../core/matrix.js";

/** One hit: a row of the indexed matrix and its similarity with the query (cosine or inner product). */
export interface DenseHit {
  readonly row: number;
  readonly score: number;
}

/**
 * "cosine": rows and query are compared by direction only. "ip": by inner product (e.g. a learned model's item
 * vectors, whose norms carry meaning): rows are scaled by one global factor instead, so their ranking is kept.
 */
export type DenseMetric = "cosine" | "ip";

/** Exact top-k (cosine or inner product) over the rows of one matrix, with a row predicate applied while expanding duplicates. */
export class DenseIndex {
  private constructor(
    private readonly dims: number,
    /** Distinct non-zero rows, row-major: L2-normalised ("cosine") or divided by the largest row norm ("ip"). */
    private readonly distinct: Float32Array,
    /** The same rows scaled by 127 and rounded to int8: what the scan reads. */
    private readonly quantized: Int8Array,
    /** For distinct vector d, the matrix rows holding it: rowsOf[start[d] .. start[d + 1]). */
    private readonly start: Int32Array,
    private readonly rowsOf: Int32Array,
    /** Multiplies a rescored dot product back to the metric's scale (1 for cosine, the largest row norm for ip). */
    private readonly rowScale: number,
    readonly metric: DenseMetric,
  ) {}

  /** Number of distinct non-zero vectors. */
  get size(): number {
    return this.start.length - 1;
  }

  /** Indexes `m` (rows = items). All-zero rows have no direction and are never returned. */
  static build(m: Matrix, metric: DenseMetric = "cosine"): DenseIndex {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < m.rows; i++) {
      const r = m.data.subarray(i * m.cols, (i + 1) * m.cols);
      if (r.every((v) => v === 0)) continue;
      const key = createHash("sha1").update(new Uint8Array(r.buffer, r.byteOffset, r.byteLength)).digest("base64");
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    const distinct = new Float32Array(groups.size * m.cols);
    const start = new Int32Array(groups.size + 1);
    const rowsOf = new Int32Array([...groups.values()].reduce((n, g) => n + g.length, 0));
    const norms = [...groups.values()].map((g) => {
      let n = 0;
      for (const v of m.data.subarray(g[0] * m.cols, (g[0] + 1) * m.cols)) n += v * v;
      return Math.max(Math.sqrt(n), 1e-10);
    });
    // int8 holds values in [-1, 1]: for ip one global factor brings every row there without reordering scores.
    const maxNorm = norms.reduce((a, b) => Math.max(a, b), 1e-10);
    let d = 0;
    let off = 0;
    for (const g of groups.values()) {
      const src = m.data.subarray(g[0] * m.cols, (g[0] + 1) * m.cols);
      const inv = 1 / (metric === "cosine" ? norms[d] : maxNorm);
      for (let j = 0; j < m.cols; j++) distinct[d * m.cols + j] = src[j] * inv;
      start[d] = off;
      rowsOf.set(g, off);
      off += g.length;
      d++;
    }
    start[d] = off;
    const quantized = Int8Array.from(distinct, (v) => Math.round(v * 127));
    return new DenseIndex(m.cols, distinct, quantized, start, rowsOf, metric === "cosine" ? 1 : maxNorm, metric);
  }

  /**
   * The query scaled to unit length (`q`), its length (`qn`) and its int8 form (`q8`, what the scan reads). Throws
   * RangeError for a query of the wrong size.
   */
  private unitQuery(query: Float32Array): { q: Float32Array; q8: Int8Array; qn: number } {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} values, index has ${this.dims}`);
    let n = 0;
    for (const v of query) n += v * v;
    const qn = Math.max(Math.sqrt(n), 1e-10);
    const q = Float32Array.from(query, (v) => v / qn);
    // usearch reads the query's whole buffer from offset 0: always a fresh array, never a subarray.
    return { q, q8: Int8Array.from(q, (v) => Math.round(v * 127)), qn };
  }

  /**
   * About the `k` rows most similar to `query` among rows passing `accept`, in int8 order and without float
   * rescoring: for callers that score the rows themselves anyway (a model's shortlist). Half the cost of
   * {@link search}; rows trailing the k-th by less than the int8 rounding may be swapped with it.
   */
  candidates(query: Float32Array, k: number, accept: (row: number) => boolean = () => true): number[] {
    const { q8 } = this.unitQuery(query);
    if (this.size === 0) return [];
    for (let want = Math.min(this.size, k + 16); ; want = Math.min(this.size, want * 4)) {
      const found = usearch.exactSearch(this.quantized, q8, this.dims, want, usearch.MetricKind.IP, 1) as { keys: BigUint64Array };
      const rows: number[] = [];
      for (const key of found.keys) {
        const d = Number(key);
        for (let p = this.start[d]; p < this.start[d + 1] && rows.length < k; p++) if (accept(this.rowsOf[p])) rows.push(this.rowsOf[p]);
        if (rows.length >= k) return rows;
      }
      if (want >= this.size) return rows;
    }
  }

  /**
   * The `k` rows most similar to `query` (score descending; ties by row) among rows passing `accept`.
   * Widens the scan until k rows pass or every vector was seen, so a strict filter never loses results.
   */
  search(query: Float32Array, k: number, accept: (row: number) => boolean = () => true): DenseHit[] {
    const { q, q8, qn } = this.unitQuery(query);
    if (this.size === 0) return [];
    const dims = this.dims;
    const back = this.metric === "cosine" ? 1 : this.rowScale * qn;
    // Quantization moves cosines by ~1e-2 at most: a shortlist of 4k + 64 distinct vectors absorbs that.
    for (let want = Math.min(this.size, 4 * k + 64); ; want = Math.min(this.size, want * 4)) {
      const found = usearch.exactSearch(this.quantized, q8, dims, want, usearch.MetricKind.IP, 1) as { keys: BigUint64Array };
      const groups = Array.from(found.keys, (key) => {
        const d = Number(key);
        let dot = 0;
        for (let c = 0; c < dims; c++) dot += this.distinct[d * dims + c] * q[c];
        return { d, score: dot * back };
      });
      groups.sort((a, b) => b.score - a.score || this.rowsOf[this.start[a.d]] - this.rowsOf[this.start[b.d]]);
      // Expand best-first and stop once k rows pass: one vector can stand for tens of thousands of rows (every
      // untitled Jamendo track shares one title vector). Groups tied with the k-th score still join, so ties keep
      // their row order.
      const hits: DenseHit[] = [];
      for (const { d, score } of groups) {
        if (hits.length >= k && score < hits[hits.length - 1].score) break;
        for (let p = this.start[d]; p < this.start[d + 1]; p++) if (accept(this.rowsOf[p])) hits.push({ row: this.rowsOf[p], score });
      }
      if (hits.length >= k || want >= this.size) {
        hits.sort((a, b) => b.score - a.score || a.row - b.row);
        return hits.slice(0, k);
      }
    }
  }
}

import { describe, expect, it } from "vitest";
import { fromRows, matrix } from "../../core/matrix.js";
import { DenseIndex } from "./dense-index.js";

/** Brute-force reference: cosine of every non-zero row, descending, ties by row. */
function reference(m: ReturnType<typeof matrix>, q: Float32Array, k: number, accept: (r: number) => boolean) {
  const qn = Math.hypot(...q);
  const out: { row: number; cosine: number }[] = [];
  for (let i = 0; i < m.rows; i++) {
    const r = m.data.subarray(i * m.cols, (i + 1) * m.cols);
    const n = Math.hypot(...r);
    if (n === 0 || !accept(i)) continue;
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += r[j] * q[j];
    out.push({ row: i, cosine: s / (n * qn) });
  }
  return out.sort((a, b) => b.cosine - a.cosine || a.row - b.row).slice(0, k);
}

describe("DenseIndex", () => {
  it("stores duplicate rows once and returns every row of a matching vector", () => {
    const m = fromRows([[1, 0], [0, 1], [1, 0], [0, 0], [2, 0]]);
    const idx = DenseIndex.build(m);
    expect(idx.size).toBe(3); // [1,0] twice, [0,1], [2,0] (same direction, different bytes)
    const hits = idx.search(Float32Array.of(1, 0), 3);
    expect(hits.map((h) => h.row)).toEqual([0, 2, 4]);
    hits.forEach((h) => expect(h.score).toBeCloseTo(1, 6));
  });
  it("never returns all-zero rows", () => {
    const idx = DenseIndex.build(fromRows([[0, 0], [0, 1]]));
    expect(idx.search(Float32Array.of(0, 1), 5).map((h) => h.row)).toEqual([1]);
  });
  it("matches brute force on random data, with and without a strict filter", () => {
    let s = 11;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const m = matrix(500, 16);
    for (let i = 0; i < 300 * 16; i++) m.data[i] = rand();
    for (let i = 300; i < 500; i++) m.data.set(m.data.subarray((i % 50) * 16, (i % 50 + 1) * 16), i * 16); // duplicates
    const q = Float32Array.from({ length: 16 }, rand);
    const idx = DenseIndex.build(m);
    const rows = (hs: { row: number }[]) => hs.map((h) => h.row);
    expect(rows(idx.search(q, 20))).toEqual(rows(reference(m, q, 20, () => true)));
    const rare = (r: number) => r % 97 === 0; // only 6 rows pass: the scan must widen to find them all
    expect(rows(idx.search(q, 20, rare))).toEqual(rows(reference(m, q, 20, rare)));
  });
  it("ranks by inner product with metric ip, norms included, and returns exact inner products", () => {
    let s = 5;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const m = matrix(400, 8);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rand() * (1 + (Math.floor(i / 8) % 7)); // norms vary 7x
    const q = Float32Array.from({ length: 8 }, rand);
    const dots = Array.from({ length: m.rows }, (_, i) => ({ row: i, score: m.data.subarray(i * 8, i * 8 + 8).reduce((a, v, j) => a + v * q[j], 0) }));
    dots.sort((a, b) => b.score - a.score || a.row - b.row);
    const hits = DenseIndex.build(m, "ip").search(q, 10);
    expect(hits.map((h) => h.row)).toEqual(dots.slice(0, 10).map((h) => h.row));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(dots[i].score, 4));
    // The cosine ranking of the same data differs: norms matter only for ip.
    expect(DenseIndex.build(m).search(q, 10).map((h) => h.row)).not.toEqual(hits.map((h) => h.row));
  });
  it("candidates: the int8-order shortlist holds the exact top rows, passes the filter, and stops at k rows", () => {
    let s = 9;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const m = matrix(600, 16);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rand();
    for (let i = 0; i < 200; i++) m.data.set(m.data.subarray(0, 16), (400 + i) * 16); // rows 400..599 repeat row 0
    const q = Float32Array.from({ length: 16 }, rand);
    const idx = DenseIndex.build(m, "ip");
    const exact = idx.search(q, 5).map((h) => h.row);
    const rows = idx.candidates(q, 40);
    expect(rows).toHaveLength(40);
    for (const r of exact) expect(rows).toContain(r);
    const even = idx.candidates(q, 40, (r) => r % 2 === 0);
    expect(even.every((r) => r % 2 === 0)).toBe(true);
    expect(idx.candidates(q, 10_000).length).toBe(600);
  });
  it("accepts a query that is a view into a larger buffer", () => {
    const buf = Float32Array.of(9, 9, 0, 1, 9);
    const idx = DenseIndex.build(fromRows([[1, 0], [0, 1]]));
    expect(idx.search(buf.subarray(2, 4), 1)[0].row).toBe(1);
  });
  it("rejects a query of the wrong size", () => {
    expect(() => DenseIndex.build(fromRows([[1, 0]])).search(Float32Array.of(1), 1)).toThrow(/1 values, index has 2/);
  });
});

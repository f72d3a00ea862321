import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { cfEmbeddings, symmetricEigen, truncatedSvd, type SparseEntry } from "./cf.js";
import { readNpy } from "./npy.js";
import { realDataDirs } from "../datasets/testing.js";

/**
 * A block-diagonal sparse matrix whose blocks are rank-1 outer products a_b·c_bᵀ on disjoint rows and columns:
 * its singular values are exactly |a_b|·|c_b|, its singular vectors a_b/|a_b| and c_b/|c_b|.
 */
function blocks(spec: { rows: number[]; a: number[]; cols: number[]; c: number[] }[], nRows: number, nCols: number) {
  const entries: SparseEntry[] = [];
  for (const b of spec) b.rows.forEach((r, i) => b.cols.forEach((c, j) => entries.push({ row: r, col: c, value: b.a[i] * b.c[j] })));
  return { entries, nRows, nCols };
}
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

const spec = [
  { rows: [0, 3], a: [3, 4], cols: [1, 5], c: [2, 0] }, // σ = 5 * 2 = 10
  { rows: [1, 4, 6], a: [1, 2, 2], cols: [0, 2], c: [-1, -1] }, // σ = 3 * √2
  { rows: [2], a: [1], cols: [3, 4, 6], c: [1, 1, 1] }, // σ = √3
];
const m = blocks(spec, 7, 8);

describe("truncatedSvd", () => {
  it("recovers the singular values and vectors of a known block matrix", () => {
    const r = truncatedSvd(m.entries, m.nRows, m.nCols, 3, { seed: 7 });
    expect(Array.from(r.s)).toEqual([expect.closeTo(10, 10), expect.closeTo(3 * Math.SQRT2, 10), expect.closeTo(Math.sqrt(3), 10)]);
    // Component 2: v = ±(-1,-1)/√2 on cols 0 and 2; the sign rule makes the largest-|value| loading positive
    // (a tie: both equal magnitude, the first, col 0, decides), so v = (+1/√2 at 0, +1/√2 at 2), u = -a/|a|.
    expect(r.v[0 * 3 + 1]).toBeCloseTo(1 / Math.SQRT2, 10);
    expect(r.v[2 * 3 + 1]).toBeCloseTo(1 / Math.SQRT2, 10);
    expect(r.u[1 * 3 + 1]).toBeCloseTo(-1 / 3, 10);
    expect(r.u[4 * 3 + 1]).toBeCloseTo(-2 / 3, 10);
    // Component 1: v loads only on col 1 (c = (2, 0)), u = (3, 4)/5 on rows 0 and 3.
    expect(r.v[1 * 3 + 0]).toBeCloseTo(1, 10);
    expect(r.u[0 * 3 + 0]).toBeCloseTo(3 / 5, 10);
    expect(r.u[3 * 3 + 0]).toBeCloseTo(4 / 5, 10);
    expect(norm(spec[0].a) * norm(spec[0].c)).toBe(10);
  });

  it("handles a tall matrix (more rows than columns) via the transpose", () => {
    const tall = m.entries.map((e) => ({ row: e.col, col: e.row, value: e.value }));
    const r = truncatedSvd(tall, 8, 7, 2, { seed: 1 });
    expect(r.s[0]).toBeCloseTo(10, 10);
    expect(r.s[1]).toBeCloseTo(3 * Math.SQRT2, 10);
    expect(r.u.length).toBe(8 * 2);
    expect(r.v.length).toBe(7 * 2);
  });

  it("is bit-identical for the same seed and sums duplicate entries", () => {
    const a = truncatedSvd(m.entries, 7, 8, 2, { seed: 3 });
    const b = truncatedSvd(m.entries, 7, 8, 2, { seed: 3 });
    expect(a.u).toEqual(b.u);
    expect(a.v).toEqual(b.v);
    const halves = m.entries.flatMap((e) => [{ ...e, value: e.value / 2 }, { ...e, value: e.value / 2 }]);
    expect(truncatedSvd(halves, 7, 8, 1, { seed: 3 }).s[0]).toBeCloseTo(10, 10);
  });

  it("reconstructs a random low-rank matrix exactly and gives orthonormal factors", () => {
    // A = X Yᵀ with rank 4, dense 30 x 50, from a fixed LCG.
    let state = 12345;
    const rnd = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const X = Array.from({ length: 30 * 4 }, rnd);
    const Y = Array.from({ length: 50 * 4 }, rnd);
    const entries: SparseEntry[] = [];
    for (let i = 0; i < 30; i++) for (let j = 0; j < 50; j++) {
      let v = 0;
      for (let t = 0; t < 4; t++) v += X[i * 4 + t] * Y[j * 4 + t];
      entries.push({ row: i, col: j, value: v });
    }
    const r = truncatedSvd(entries, 30, 50, 4, { seed: 9 });
    let err = 0;
    for (const e of entries) {
      let v = 0;
      for (let t = 0; t < 4; t++) v += r.u[e.row * 4 + t] * r.s[t] * r.v[e.col * 4 + t];
      err = Math.max(err, Math.abs(v - e.value));
    }
    expect(err).toBeLessThan(1e-10);
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) {
      let du = 0;
      let dv = 0;
      for (let i = 0; i < 30; i++) du += r.u[i * 4 + x] * r.u[i * 4 + y];
      for (let j = 0; j < 50; j++) dv += r.v[j * 4 + x] * r.v[j * 4 + y];
      expect(du).toBeCloseTo(x === y ? 1 : 0, 10);
      expect(dv).toBeCloseTo(x === y ? 1 : 0, 10);
    }
    expect(r.s[0]).toBeGreaterThanOrEqual(r.s[1]);
  });

  it("rejects bad k and entries outside the matrix", () => {
    expect(() => truncatedSvd(m.entries, 7, 8, 8, { seed: 0 })).toThrow(/k must be/);
    expect(() => truncatedSvd([{ row: 7, col: 0, value: 1 }], 7, 8, 1, { seed: 0 })).toThrow(/outside the 7x8/);
    expect(() => truncatedSvd([{ row: 0, col: 0, value: NaN }], 7, 8, 1, { seed: 0 })).toThrow(/non-finite/);
  });
});

describe("symmetricEigen", () => {
  it("diagonalizes a 2x2 matrix by hand", () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0])).toBeCloseTo(1 / Math.SQRT2, 12);
  });
});

describe("cfEmbeddings", () => {
  it("scales factors by sqrt(S) so rows·colsᵀ is the rank-k approximation", () => {
    const { rows, cols, singularValues } = cfEmbeddings(m.entries, 7, 8, 1, { seed: 0 });
    expect(singularValues[0]).toBeCloseTo(10, 10);
    // Row 3 (a=4) x col 1 (c=2) = 8 lies in the first block.
    expect(rows.data[3] * cols.data[1]).toBeCloseTo(8, 5);
    expect([rows.rows, rows.cols, cols.rows, cols.cols]).toEqual([7, 1, 8, 1]);
  });

  it("matches the benchmark's ARPACK item_cf on Last.fm-2k (k=64)", async () => {
    const data = realDataDirs().data;
    const feats = path.join(realDataDirs().benchmarks, "lfm2k-tagq/features");
    const artists = JSON.parse(readFileSync(path.join(feats, "artists.json"), "utf8")) as number[];
    const users = JSON.parse(readFileSync(path.join(feats, "users.json"), "utf8")) as number[];
    const ai = new Map(artists.map((a, i) => [a, i]));
    const ui = new Map(users.map((u, i) => [u, i]));
    const entries = readFileSync(path.join(data, "lastfm-2k/user_artists.dat"), "utf8").trim().split("\n").slice(1).map((l) => {
      const [u, a, w] = l.split("\t").map(Number);
      return { row: ui.get(u)!, col: ai.get(a)!, value: Math.log1p(w) };
    });
    // Its speed is not asserted here (a timed unit test flakes on a loaded machine); ingest timings are in BENCHMARKS.md.
    const { cols, singularValues } = cfEmbeddings(entries, users.length, artists.length, 64, { seed: 0 });
    expect(singularValues[0]).toBeCloseTo(503.0699, 3);
    expect(singularValues[63]).toBeCloseTo(75.6594, 2);
    const ref = await readNpy(path.join(feats, "item_cf.npy"));
    // Same sign convention, same subspace: each component's item column agrees in direction (cosine > 0.999).
    for (const j of [0, 1, 31, 63]) {
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < ref.rows; i++) {
        d += cols.data[i * 64 + j] * ref.data[i * 64 + j];
        na += cols.data[i * 64 + j] ** 2;
        nb += ref.data[i * 64 + j] ** 2;
      }
      expect(d / Math.sqrt(na * nb)).toBeGreaterThan(0.999);
    }
  });
});

import { describe, expect, it } from "vitest";
import { mulberry32, randNormal } from "./random.js";
import { cholesky, spdInverse } from "./spd.js";

/** M·Mᵀ + ridge·I for a seeded random n x n M: SPD, with entries of mixed signs. */
function randomSpd(n: number, seed: number, ridge = 1): Float64Array {
  const rng = mulberry32(seed);
  const m = Float64Array.from({ length: n * n }, () => randNormal(rng));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? ridge : 0;
      for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

function maxDeviationFromIdentity(m: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(m[i * n + j] - (i === j ? 1 : 0)));
  return worst;
}

describe("cholesky", () => {
  it("factors a 2 x 2 matrix by hand: [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]", () => {
    // l00 = √4 = 2; l10 = 2 / 2 = 1; l11 = √(3 − 1²) = √2.
    const l = cholesky(Float64Array.of(4, 2, 2, 3), 2);
    expect(Array.from(l)).toEqual([2, 0, 1, Math.SQRT2]);
  });
  it.each([1, 2, 3, 4, 5, 8, 9, 13, 37])("reproduces A = L·Lᵀ with a zero upper triangle (n = %i: block edges)", (n) => {
    const a = randomSpd(n, n);
    const l = cholesky(a, n);
    const lt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lt[j * n + i] = l[i * n + j];
    const back = multiply(l, lt, n);
    for (let i = 0; i < n * n; i++) expect(back[i]).toBeCloseTo(a[i], 9);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
  });
  it("rejects a matrix that is not positive definite, naming the pivot, and a wrong shape", () => {
    // [[1, 2], [2, 1]]: pivot 1 is 1 − 2² = −3.
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive definite: pivot 1 is -3/);
    expect(() => cholesky(new Float64Array(5), 2)).toThrow(RangeError);
  });
});

describe("spdInverse", () => {
  it("inverts [[4, 2], [2, 3]] to [[3, −2], [−2, 4]] / 8", () => {
    // det = 4·3 − 2·2 = 8; adjugate = [[3, −2], [−2, 4]].
    const p = spdInverse(Float64Array.of(4, 2, 2, 3), 2);
    [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 14));
  });
  it.each([1, 3, 4, 7, 8, 10, 37, 64])("gives A·A⁻¹ = I and a symmetric inverse (n = %i)", (n) => {
    const a = randomSpd(n, 100 + n, 0.5);
    const p = spdInverse(a, n);
    expect(maxDeviationFromIdentity(multiply(a, p, n), n)).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(p[i * n + j]).toBe(p[j * n + i]);
  });
  it("reads only the lower triangle", () => {
    const a = randomSpd(9, 3);
    const lowerOnly = new Float64Array(a);
    for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) lowerOnly[i * 9 + j] = 1e6;
    expect(Array.from(spdInverse(lowerOnly, 9))).toEqual(Array.from(spdInverse(a, 9)));
  });
  it("inverts a 400 x 400 Gram matrix in well under a second", () => {
    const n = 400;
    const a = randomSpd(n, 11, 10);
    const t0 = performance.now();
    const p = spdInverse(a, n);
    const ms = performance.now() - t0;
    // Spot-check rows of A·P (the full product costs more than the inverse).
    for (const r of [0, 199, 399]) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[r * n + k] * p[k * n + c];
        expect(Math.abs(s - (r === c ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
    expect(ms).toBeLessThan(2000);
  });
});

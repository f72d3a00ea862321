import { describe, expect, it } from "vitest";
import { dot, fromRows, matVec, matrix, meanRowNorm, normalizeRows, row, selectRows, vecMat } from "./matrix.js";

describe("Matrix", () => {
  it("checks that data matches the shape", () => {
    expect(() => matrix(2, 3, new Float32Array(5))).toThrow(/expected 2x3=6/);
    expect(matrix(2, 3).data.length).toBe(6);
  });
  it("reads rows as views and selects rows as copies", () => {
    const m = fromRows([[1, 2], [3, 4], [5, 6]]);
    expect(Array.from(row(m, 1))).toEqual([3, 4]);
    const s = selectRows(m, [2, 0]);
    expect(Array.from(s.data)).toEqual([5, 6, 1, 2]);
    s.data[0] = 99;
    expect(m.data[4]).toBe(5);
    expect(() => row(m, 3)).toThrow(/out of range/);
  });
  it("normalises rows and leaves zero rows at zero", () => {
    const n = normalizeRows(fromRows([[3, 4], [0, 0]]));
    expect(Array.from(n.data)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
  });
  it("computes matrix-vector products", () => {
    expect(Array.from(matVec(fromRows([[1, 0], [0, 2]]), [3, 4]))).toEqual([3, 8]);
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(() => matVec(fromRows([[1, 0]]), [1])).toThrow(/1 values, matrix has 2 columns/);
    // [1, 2] x [[1, 0, 0], [1, 1, 1]] = [1 + 2, 2, 2]
    expect(Array.from(vecMat([1, 2], Float32Array.of(1, 0, 0, 1, 1, 1), 3))).toEqual([3, 2, 2]);
    expect(() => vecMat([1, 2], new Float32Array(5), 3)).toThrow(/2 values times a matrix of 5 values/);
  });
  it("averages row norms, never returning zero", () => {
    expect(meanRowNorm(fromRows([[3, 4], [0, 0]]))).toBeCloseTo((5 + 0) / 2, 6);
    expect(meanRowNorm(matrix(2, 3))).toBe(1e-10);
    expect(meanRowNorm(matrix(0, 3))).toBe(1e-10);
  });
});

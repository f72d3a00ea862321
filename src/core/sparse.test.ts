import { describe, expect, it } from "vitest";
import { csrFromEntries, csrRow } from "./sparse.js";

describe("csrFromEntries", () => {
  it("sorts columns within rows and sums duplicates", () => {
    const m = csrFromEntries(3, 4, [
      { row: 2, col: 3, value: 1 },
      { row: 0, col: 2, value: 2 },
      { row: 0, col: 0, value: 1 },
      { row: 0, col: 2, value: 3 },
    ]);
    expect(Array.from(m.indptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(csrRow(m, 0).indices)).toEqual([0, 2]);
    expect(Array.from(csrRow(m, 0).values)).toEqual([1, 5]);
    expect(csrRow(m, 1).indices.length).toBe(0);
    expect(Array.from(csrRow(m, 2).indices)).toEqual([3]);
  });

  it("rejects entries outside the shape", () => {
    expect(() => csrFromEntries(2, 2, [{ row: 2, col: 0, value: 1 }])).toThrow(/row 2 outside 0..1/);
    expect(() => csrFromEntries(2, 2, [{ row: 0, col: -1, value: 1 }])).toThrow(/col -1/);
  });
});

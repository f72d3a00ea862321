import { describe, expect, it } from "vitest";
import { carveHeldOutUsers, carveSelectionSet } from "./selection.js";
import type { LabeledQuery } from "./types.js";

const q = (qid: string, user?: number): LabeledQuery => ({ qid, text: qid, user, relevant: [0] });

describe("carveSelectionSet", () => {
  it("takes each user's latest 10% (at least one) when they have enough queries, and keeps the rest for fitting", () => {
    const train = [
      ...Array.from({ length: 10 }, (_, i) => q(`a${i}`, 1)),
      ...Array.from({ length: 3 }, (_, i) => q(`b${i}`, 2)),
      ...Array.from({ length: 20 }, (_, i) => q(`c${i}`, 3)),
    ];
    const { fit, selection } = carveSelectionSet(train);
    expect(selection.map((x) => x.qid)).toEqual(["a9", "c18", "c19"]);
    expect(fit.length + selection.length).toBe(train.length);
    expect(fit.some((x) => selection.includes(x))).toBe(false);
  });
  it("is deterministic", () => {
    const train = Array.from({ length: 50 }, (_, i) => q(`x${i}`, i % 4));
    expect(carveSelectionSet(train)).toEqual(carveSelectionSet(train));
  });
});

describe("carveHeldOutUsers", () => {
  /** User u listens to items 100..100+n-1 with value = item. */
  const rowsOf = (u: number, n: number) => Array.from({ length: n }, (_, i) => ({ user: u, item: 100 + i, value: 100 + i }));
  // 20 users: user u has 3 + u items (3..22), so users 0 and 1 have fewer than 5 and are never eligible.
  const rows = Array.from({ length: 20 }, (_, u) => rowsOf(u, 3 + u)).flat();

  it("moves round(10%) of the eligible users out of the fit rows, splitting each 80/20 with round(0.2 n) held out", () => {
    const { fit, selection } = carveHeldOutUsers(rows, { seed: 98765 });
    // 18 eligible users x 0.1 = 1.8 → 2 selection users.
    expect(selection.length).toBe(2);
    for (const s of selection) {
      const n = 3 + s.user;
      expect(s.user).toBeGreaterThanOrEqual(2);
      expect(s.heldOut.length).toBe(Math.max(1, Math.round(0.2 * n)));
      expect(s.foldIn.length + s.heldOut.length).toBe(n);
      const items = [...s.foldIn, ...s.heldOut].map((r) => r.item).sort((a, b) => a - b);
      expect(items).toEqual(rowsOf(s.user, n).map((r) => r.item));
      expect(fit.some((r) => r.user === s.user)).toBe(false);
    }
    expect(fit.length + selection.reduce((t, s) => t + 3 + s.user, 0)).toBe(rows.length);
  });
  it("holds out round(0.2 n): 1 of 7, 2 of 12, 3 of 14 items (as lfm2k-cf's val split does)", () => {
    const one = (n: number) => carveHeldOutUsers([...rowsOf(1, n), ...rowsOf(2, 1)], { seed: 1, userFraction: 1 }).selection[0];
    expect(one(7).heldOut.length).toBe(1); // 1.4 → 1
    expect(one(12).heldOut.length).toBe(2); // 2.4 → 2
    expect(one(14).heldOut.length).toBe(3); // 2.8 → 3
  });
  it("is deterministic per seed, and another seed draws other users or items", () => {
    expect(carveHeldOutUsers(rows, { seed: 5 })).toEqual(carveHeldOutUsers(rows, { seed: 5 }));
    const draws = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(carveHeldOutUsers(rows, { seed }).selection)));
    expect(draws.size).toBeGreaterThan(1);
  });
  it("always leaves a user to fit on, and selects nobody when no user has enough items", () => {
    const two = [...rowsOf(1, 6), ...rowsOf(2, 6)];
    const { fit, selection } = carveHeldOutUsers(two, { seed: 1, userFraction: 1 });
    expect(selection.length).toBe(1);
    expect(new Set(fit.map((r) => r.user)).size).toBe(1);
    expect(carveHeldOutUsers([...rowsOf(1, 3), ...rowsOf(2, 4)], { seed: 1 }).selection).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { mulberry32, randInt, randNormal, shuffleInPlace } from "./random.js";

describe("mulberry32", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });
  it("stays in [0, 1) with a roughly uniform mean", () => {
    const r = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
  it("randInt, shuffleInPlace and randNormal behave", () => {
    const r = mulberry32(7);
    for (let i = 0; i < 100; i++) expect(randInt(r, 3)).toBeLessThan(3);
    const a = shuffleInPlace(r, [1, 2, 3, 4, 5, 6]);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 20_000; i++) {
      const z = randNormal(r);
      s += z;
      s2 += z * z;
    }
    expect(s / 20_000).toBeCloseTo(0, 1);
    expect(s2 / 20_000).toBeCloseTo(1, 1);
  });
});

/**
 * @file The coalescing encoder: concurrent calls share passes, rows go back to the right caller, errors reach
 * every caller of the failed pass and later calls still work.
 */
import { describe, expect, it } from "vitest";
import { fakeEncode } from "../../store/testing.js";
import { coalescingEncoder } from "./coalescing-encoder.js";

function slowFake() {
  const batches: number[] = [];
  return {
    batches,
    id: "fake-8",
    dims: 8,
    async encode(texts: readonly string[]) {
      batches.push(texts.length);
      await new Promise((r) => setTimeout(r, 5));
      if (texts.includes("boom")) throw new Error("model failed");
      return fakeEncode(texts);
    },
  };
}

describe("coalescingEncoder", () => {
  it("merges concurrent calls into few passes and returns each caller its own rows", async () => {
    const inner = slowFake();
    const enc = coalescingEncoder(inner, 4);
    const inputs = [["a b c"], ["calm piano"], ["x", "y"], ["loud rock"], ["jazz"], ["z"]];
    const outs = await Promise.all(inputs.map((t) => enc.encode(t)));
    outs.forEach((m, i) => expect(m).toEqual(fakeEncode(inputs[i])));
    // 7 texts with at most 4 per pass: 2 passes instead of 6 calls.
    expect(inner.batches).toEqual([4, 3]);
    expect(enc.passes).toBe(2);
    expect((await enc.encode([])).rows).toBe(0);
  });

  it("runs passes side by side on a pool of encoders, each at most maxBatch texts", async () => {
    const a = slowFake();
    const b = slowFake();
    const enc = coalescingEncoder([a, b], 2);
    const inputs = ["one", "two", "three", "four", "five", "six", "seven"].map((t) => [t]);
    const outs = await Promise.all(inputs.map((t) => enc.encode(t)));
    outs.forEach((m, i) => expect(m).toEqual(fakeEncode(inputs[i])));
    expect(a.batches.length).toBeGreaterThan(0);
    expect(b.batches.length).toBeGreaterThan(0);
    expect([...a.batches, ...b.batches].every((n) => n <= 2)).toBe(true);
    expect([...a.batches, ...b.batches].reduce((x, y) => x + y, 0)).toBe(7);
    expect(() => coalescingEncoder([a, { ...b, id: "other" }])).toThrow(/pooled encoders differ/);
  });

  it("rejects every caller of a failed pass and keeps working afterwards", async () => {
    const enc = coalescingEncoder(slowFake());
    const results = await Promise.allSettled([enc.encode(["ok"]), enc.encode(["boom"])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await enc.encode(["ok"])).toEqual(fakeEncode(["ok"]));
  });
});

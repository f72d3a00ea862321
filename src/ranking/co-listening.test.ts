import { describe, expect, it } from "vitest";
import { CoListening, LISTENER_EVIDENCE } from "./co-listening.js";

const damp = (ny: number) => ny / (ny + LISTENER_EVIDENCE);

// u1..u4 play a; u1, u2 play b (2 in common); all 16 users play pop (4 in common with a); u5 also plays c.
const listens = [
  ...["u1", "u2", "u3", "u4"].map((user) => ({ user, item: "a" })),
  ...["u1", "u2"].map((user) => ({ user, item: "b" })),
  ...Array.from({ length: 16 }, (_, i) => ({ user: `u${i + 1}`, item: "pop" })),
  { user: "u5", item: "c" },
  { user: "u1", item: "a" }, // a repeated listen counts once
];

describe("CoListening", () => {
  const co = CoListening.fromListens(listens);
  it("counts users in common, each user once", () => {
    expect(co.listeners("a")).toBe(4);
    expect(co.common("a")).toEqual(new Map([["b", 2], ["pop", 4]]));
    expect(co.common("nobody")).toEqual(new Map());
  });
  it("ranks by the cosine of listener sets, damped for artists few people play", () => {
    // Cosines: b 2 / sqrt(4 * 2) = 0.707, pop 4 / sqrt(4 * 16) = 0.5, each damped by its listeners.
    const near = co.similar(["a"], 5);
    expect(near.map((x) => x.id)).toEqual(["pop", "b"]);
    expect(near[0].similarity).toBeCloseTo(0.5 * damp(16));
    expect(near[1].similarity).toBeCloseTo((2 / Math.sqrt(8)) * damp(2));
    // From b (2 listeners): pop 2 / sqrt(2 * 16) x damp(16) = 0.157 beats a 2 / sqrt(2 * 4) x damp(4) = 0.118.
    expect(co.similar(["b"], 5)).toEqual([
      { id: "pop", similarity: expect.closeTo((2 / Math.sqrt(32)) * damp(16), 5) },
      { id: "a", similarity: expect.closeTo((2 / Math.sqrt(8)) * damp(4), 5) },
    ]);
    // c shares its only listener with pop: 1 / sqrt(1 * 16).
    expect(co.similar(["c"], 5)).toEqual([{ id: "pop", similarity: expect.closeTo(damp(16) / 4, 5) }]);
  });
  it("averages over several named items, leaves them and rejected ids out, and skips unknown names", () => {
    const both = co.similar(["a", "b", "unknown"], 5);
    expect(both.map((x) => x.id)).toEqual(["pop"]);
    expect(both[0].similarity).toBeCloseTo(((4 / Math.sqrt(64) + 2 / Math.sqrt(32)) * damp(16)) / 2);
    expect(co.similar(["a"], 5, (id) => id !== "b").map((x) => x.id)).toEqual(["pop"]);
    expect(co.similar(["unknown"], 5)).toEqual([]);
  });
});

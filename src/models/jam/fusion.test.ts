import { describe, expect, it } from "vitest";
import { fusePair, fuseScores, fusionScratch, mixWeights, type Fusion, type PairDots } from "./fusion.js";

const f32 = (...xs: number[]) => Float32Array.from(xs);

describe("fusion kernel", () => {
  it("avg: equal weights, request and user parts are their means", () => {
    const f: Fusion = { mixing: "avg", topK: 2, scale: 1 };
    const dots: PairDots = { request: [f32(2), f32(4)], user: [f32(1), f32(-3)] };
    const scratch = fusionScratch(2);
    expect(fusePair(f, dots, 0, scratch)).toEqual({ request: 3, user: -1 });
    expect([...scratch.w]).toEqual([0.5, 0.5]);
    expect([...fuseScores(f, dots, f32(0.5), new Float32Array(1))]).toEqual([3 - 1 + 0.5]);
  });

  it("cross: softmax of request·v_m x scale, which the user part shares", () => {
    const f: Fusion = { mixing: "cross", topK: 2, scale: 0.5 };
    // logits 0 and ln 3 (request dots x 0.5): weights 1/4 and 3/4.
    const dots: PairDots = { request: [f32(0), f32(2 * Math.log(3))], user: [f32(4), f32(8)] };
    const scratch = fusionScratch(2);
    const parts = fusePair(f, dots, 0, scratch);
    expect(scratch.w[0]).toBeCloseTo(1 / 4, 6);
    expect(scratch.w[1]).toBeCloseTo(3 / 4, 6);
    expect(parts.request).toBeCloseTo((3 / 4) * 2 * Math.log(3), 5);
    expect(parts.user).toBeCloseTo((1 / 4) * 4 + (3 / 4) * 8, 5);
    expect(fuseScores(f, dots, f32(1), new Float32Array(1))[0]).toBeCloseTo(parts.request + parts.user + 1, 5);
  });

  it("moe: softmax over the top-k gate logits (with their bias), the other experts weigh 0", () => {
    const f: Fusion = { mixing: "moe", topK: 2, scale: 1, gateBias: [0, 0, 1] };
    // gate logits 1, 3, 1 + 1 = 2: experts 1 and 2 kept, weights e/(e+1) and 1/(e+1).
    const dots: PairDots = { request: [f32(10), f32(1), f32(2)], gate: [f32(1), f32(3), f32(1)] };
    const scratch = fusionScratch(3);
    const { request } = fusePair(f, dots, 0, scratch);
    const e = Math.E;
    expect(scratch.w[0]).toBe(0);
    expect(scratch.w[1]).toBeCloseTo(e / (e + 1), 6);
    expect(scratch.w[2]).toBeCloseTo(1 / (e + 1), 6);
    expect(request).toBeCloseTo(e / (e + 1) + 2 / (e + 1), 6);
    expect(() => fusePair({ mixing: "moe", topK: 2, scale: 1 }, { request: dots.request }, 0, scratch)).toThrow(/gate/);
  });

  it("fuseScores over many items equals fusePair item by item, for every fusion", () => {
    const n = 7;
    const col = (seed: number) => Float32Array.from({ length: n }, (_, j) => Math.sin(seed * 7 + j * 3));
    const dots: PairDots = { request: [col(1), col(2), col(3)], user: [col(4), col(5), col(6)], gate: [col(7), col(8), col(9)] };
    const bias = col(10);
    for (const f of [{ mixing: "avg", topK: 2, scale: 0.3 }, { mixing: "cross", topK: 2, scale: 0.3 }, { mixing: "moe", topK: 2, scale: 0.3, gateBias: [0.1, -0.2, 0] }] as Fusion[]) {
      const scores = fuseScores(f, dots, bias, new Float32Array(n));
      for (let j = 0; j < n; j++) {
        const p = fusePair(f, dots, j, fusionScratch(3));
        expect(scores[j]).toBeCloseTo(p.request + p.user + bias[j], 6);
      }
    }
  });

  it("mixWeights keeps ties at the lower expert index", () => {
    expect([...mixWeights("moe", [1, 1, 1], 1, new Float64Array(3))]).toEqual([1, 0, 0]);
    expect([...mixWeights("avg", [5, 0], 1, new Float64Array(2))]).toEqual([0.5, 0.5]);
  });
});

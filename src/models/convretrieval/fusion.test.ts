/**
 * @file Reciprocal-rank fusion of two fixed rankings, with the expected order worked out by hand.
 */
import { describe, expect, it } from "vitest";
import type { Recommender, RequestContext } from "../recommender.js";
import { RankFusionRecommender } from "./fusion.js";

/** A model that always ranks `order` (best first). */
function fixed(name: string, order: number[], uses: ("text" | "turns")[]): Recommender {
  return {
    name,
    context: { uses, needs: ["text"] },
    fit: async () => ({ trainSeconds: 0 }),
    rank: async (requests: readonly RequestContext[], o) => requests.map(() => ({ items: Int32Array.from(order.slice(0, o.k)), scores: new Float32Array(Math.min(o.k, order.length)) })),
    save: async () => {},
    load: async () => {},
    dispose: () => {},
  };
}

describe("RankFusionRecommender", () => {
  it("sums 1/(60 + rank) over the models", async () => {
    const m = new RankFusionRecommender([fixed("a", [1, 2, 3], ["text"]), fixed("b", [3, 4, 1], ["text", "turns"])]);
    expect(m.name).toBe("a+b");
    expect(m.context.uses).toEqual(["text", "turns"]);
    const [r] = await m.rank([{ text: "x" }], { k: 4 });
    // 1: 1/61 + 1/63; 3: 1/63 + 1/61 (tie, a's order first: 1 before 3); 2: 1/62; 4: 1/62 (2 first, a came first).
    expect(Array.from(r.items)).toEqual([1, 3, 2, 4]);
    expect(r.scores[0]).toBeCloseTo(1 / 61 + 1 / 63, 6);
  });
  it("needs two models", () => {
    expect(() => new RankFusionRecommender([fixed("a", [1], ["text"])])).toThrow(/two models/);
  });
});

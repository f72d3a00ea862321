import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { PopularityRecommender } from "./index.js";

runRecommenderSuite({
  name: "popularity",
  create: () => new PopularityRecommender(),
  expectFirst: "most-popular",
  requestIndependent: "popularity ignores the request by design; it is the floor others must beat",
});

describe("popularity", () => {
  it("scores every request with the train-split popularity", async () => {
    const domain = makeSyntheticDomain();
    const m = new PopularityRecommender();
    await m.fit(domain, { seed: 1 });
    const s = await m.score([{ text: "a" }, { text: "b" }]);
    expect(Array.from(s.data.subarray(0, 40))).toEqual(Array.from(domain.items.popularity));
    expect(Array.from(s.data.subarray(40))).toEqual(Array.from(domain.items.popularity));
    expect((await m.explain(({ text: "a" }), 3)).parts.popularity).toBe(domain.items.popularity[3]);
  });
  it("refuses to score before fit", async () => {
    await expect(new PopularityRecommender().score([{ text: "a" }])).rejects.toThrow(/before fit/);
  });
});

import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { UserHistoryRecommender } from "./index.js";

runRecommenderSuite({ name: "user-history", create: () => new UserHistoryRecommender() });

describe("user-history", () => {
  it("scores the listener's own items by log(1 + plays), from their user or a given history", async () => {
    const domain = makeSyntheticDomain();
    const m = new UserHistoryRecommender();
    await m.fit(domain, { seed: 1 });
    const s = await m.score([{ text: "ignored", user: 0 }, { text: "", history: { items: [5, 7], weights: [9, 0] } }, { text: "no history" }]);
    const n = domain.items.ids.length;
    const own = new Set(domain.train.filter((q) => q.user === 0).flatMap((q) => q.relevant));
    for (let i = 0; i < n; i++) {
      const prior = (await m.explain({ text: "" }, i)).parts.prior;
      expect(prior).toBeLessThan(1e-3);
      expect(s.data[i]).toBeCloseTo((own.has(i) ? Math.log(2) : 0) + prior, 6);
    }
    expect(s.data[n + 5]).toBeCloseTo(Math.log(10), 3);
    expect(s.data[n + 7]).toBeLessThan(1e-3);
    expect((await m.explain({ text: "", user: 0 }, [...own][0])).parts.history).toBeCloseTo(Math.log(2), 10);
  });
  it("refuses a domain without listening histories", async () => {
    await expect(new UserHistoryRecommender().fit(makeSyntheticDomain({ withUsers: false }), { seed: 1 })).rejects.toThrow(/has no interactions/);
  });
});

import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { TagPopularityRecommender } from "./index.js";

runRecommenderSuite({
  name: "tag-popularity",
  create: () => new TagPopularityRecommender(),
  seenTextsOnly: "it counts train pairs by their exact words, so words never seen in train rank by popularity alone",
});

describe("tag-popularity", () => {
  it("scores items by log(1 + train requests with the same words that list them); unseen words rank by popularity", async () => {
    const domain = makeSyntheticDomain();
    const m = new TagPopularityRecommender();
    await m.fit(domain, { seed: 1 });
    const text = domain.train[0].text;
    const counts = new Map<number, number>();
    for (const q of domain.train) if (q.text === text) for (const i of q.relevant) counts.set(i, (counts.get(i) ?? 0) + 1);
    const s = await m.score([{ text: `  ${text.toUpperCase()} ` }, { text: "never asked for" }]);
    const n = domain.items.ids.length;
    for (let i = 0; i < n; i++) expect(s.data[i]).toBeCloseTo(Math.log1p(counts.get(i) ?? 0), 3);
    const unseen = (await m.rank([{ text: "never asked for" }], { k: 3 }))[0];
    const byPopularity = Array.from({ length: n }, (_, i) => i).sort((a, b) => domain.items.popularity[b] - domain.items.popularity[a] || a - b);
    expect(Array.from(unseen.items)).toEqual(byPopularity.slice(0, 3));
    expect(s.data[n + byPopularity[0]]).toBeLessThanOrEqual(1e-4);
  });
});

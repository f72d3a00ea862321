import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { HistoryTagRecommender } from "./index.js";

runRecommenderSuite({ name: "history-tag", create: () => new HistoryTagRecommender() });

describe("history-tag", () => {
  it("blends history and tag counts by tagWeight; its parts add up to the score", async () => {
    const domain = makeSyntheticDomain();
    const m = new HistoryTagRecommender({ tagWeight: 0.25 });
    await m.fit(domain, { seed: 1 });
    const r = { text: domain.train[0].text, user: 2 };
    const s = await m.score([r]);
    for (const item of [0, 5, 13, 39]) {
      const p = (await m.explain(r, item)).parts;
      expect(p.history + p.tag + p.prior).toBeCloseTo(s.data[item], 5);
      expect(p.history === 0 || Math.abs(p.history - 0.75 * Math.log(2)) < 1e-9).toBe(true);
    }
  });
  it("chooses tagWeight on the selection set from the documented grid and reports it", async () => {
    const domain = makeSyntheticDomain();
    const m = new HistoryTagRecommender();
    const lines: string[] = [];
    const report = await m.fit(domain, { seed: 1, log: (l) => lines.push(l) });
    expect(lines.length).toBe(21);
    expect(typeof report.notes?.tagWeight).toBe("number");
    expect(report.notes?.selectionNdcg10).toBeGreaterThan(0.5);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { row } from "../../core/matrix.js";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { ApronRecommender } from "./index.js";

// The synthetic domain (16 users x 40 items, 4 genres, tags from each genre's words) trains in about a second.
const SMALL = { prototypes: 8, heads: 2, headDims: 4, featureDims: 4, hidden: 16, epochs: 40, patience: 40, batchSize: 8, learningRate: 0.01, controlTop: 5 };

runRecommenderSuite({ name: "apron", create: () => new ApronRecommender("apron", SMALL), minTestNdcg: 0.6 });
runRecommenderSuite({ name: "apron-nocontrol", create: () => new ApronRecommender("apron-nocontrol", SMALL), minTestNdcg: 0.6 });

describe("apron", () => {
  it("has the most frequent training tags as prototypes, each with an exemplar carrying the tag", async () => {
    const d = makeSyntheticDomain();
    const m = new ApronRecommender("apron", { ...SMALL, epochs: 2 });
    await m.fit(d, { seed: 3 });
    expect(m.prototypes.length).toBe(8);
    expect(m.prototypes[0].tag).toBe("music"); // every item carries it
    for (const p of m.prototypes) expect(d.items.texts.tags[p.exemplar].split(", ")).toContain(p.tag);
    m.dispose();
  });

  it("reads a profile per history, edits it, and the recommendations follow the edit", async () => {
    const d = makeSyntheticDomain();
    const m = new ApronRecommender("apron", SMALL);
    await m.fit(d, { seed: 42 });
    const probe = d.probes[0];
    const request = { text: "", history: probe.history };
    const { tags, weights } = await m.profiles([request]);
    const w = row(weights, 0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const strongest = tags[w.indexOf(Math.max(...w))];
    const edited = await m.profiles([{ ...request, profile: { prototypeWeights: { [strongest]: 0 } } }]);
    expect(edited.weights.data[tags.indexOf(strongest)]).toBe(0);
    const scores = await m.score([request, { ...request, profile: { prototypeWeights: { [strongest]: 0 } } }]);
    expect(Array.from(row(scores, 0))).not.toEqual(Array.from(row(scores, 1)));
    const explained = await m.explain(request, 0);
    expect(Object.keys(explained.prototypeWeights!)).toEqual([...tags]);
    await expect(m.score([{ ...request, profile: { prototypeWeights: { polka: 0 } } }])).rejects.toThrow(/"polka" is not one of this profile's 8 prototypes/);
    m.dispose();
  });

  it("refuses bad options, and control weights for apron-nocontrol", () => {
    expect(() => new ApronRecommender("apron", { heads: 0 })).toThrow(/bad apron options: heads/);
    expect(() => new ApronRecommender("apron-nocontrol", { controlWeight: 3 })).toThrow(/apron-nocontrol is apron with controlWeight and editWeight 0/);
    expect(() => new ApronRecommender("apron-nocontrol", { editWeight: 3 })).toThrow(/apron-nocontrol is apron with controlWeight and editWeight 0/);
    expect(() => new ApronRecommender("apron", { profileHead: "linear" })).toThrow(/profileHead "linear" needs historyPath/);
  });

  it.each([
    ["hidden", "hellinger"],
    ["linear", "removed"],
  ] as const)("with a history path (%s profile head) and the %s edited-profile loss: trains, logs the edit loss, and scores the same after save and load", async (profileHead, editLoss) => {
    const d = makeSyntheticDomain();
    const m = new ApronRecommender("apron", { ...SMALL, epochs: 3, historyPath: true, editWeight: 5, profileHead, editLoss });
    const lines: string[] = [];
    await m.fit(d, { seed: 5, log: (l) => lines.push(l) });
    expect(lines.some((l) => / edit \d/.test(l))).toBe(true);
    const request = { text: "", history: d.probes[1].history };
    const edited = { ...request, profile: { prototypeWeights: { music: 0 } } };
    const before = await m.score([request, edited]);
    // The history path adds the same row to both; only the profile differs, and it moves the scores.
    expect(Array.from(row(before, 0))).not.toEqual(Array.from(row(before, 1)));
    const dir = mkdtempSync(path.join(os.tmpdir(), "askmusic-apron-"));
    try {
      await m.save(dir);
      const loaded = new ApronRecommender("apron");
      await loaded.load(dir, d);
      const after = await loaded.score([request, edited]);
      expect(Array.from(after.data)).toEqual(Array.from(before.data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    m.dispose();
  });
});

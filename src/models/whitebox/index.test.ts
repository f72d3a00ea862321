import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { WhiteboxRecommender } from "./index.js";

const small = { epochs: 20, patience: 20, batchSize: 32, learningRate: 0.01, width: 16 };

runRecommenderSuite({ name: "whitebox", create: () => new WhiteboxRecommender(small), minTestNdcg: 0.7 });

describe("whitebox", () => {
  it("explains with word attention that sums to 1 and parts that add up to the score", async () => {
    const domain = makeSyntheticDomain();
    const m = new WhiteboxRecommender({ ...small, epochs: 3 });
    await m.fit(domain, { seed: 3 });
    const s = await m.score([{ text: "jazz swing" }]);
    const e = await m.explain({ text: "jazz swing" }, 7);
    expect(Object.keys(e.parts)).toEqual(["request", "cooccurrence", "popularity"]);
    expect(e.parts.request + e.parts.cooccurrence + e.parts.popularity).toBeCloseTo(s.data[7], 4);
    expect(e.wordAttributions?.map((w) => w.word)).toEqual(["jazz", "swing"]);
    expect(e.wordAttributions!.reduce((a, w) => a + w.weight, 0)).toBeCloseTo(1, 5);
    m.dispose();
  });

  it("keeps the tensor count flat and frees everything on dispose", async () => {
    const tf = await tfReady();
    const before = tf.memory().numTensors;
    const m = new WhiteboxRecommender({ ...small, epochs: 2 });
    await m.fit(makeSyntheticDomain(), { seed: 1 });
    await m.score([{ text: "rock" }, { text: "" }]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

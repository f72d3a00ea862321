import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { TalkRecRecommender } from "./index.js";

const small = { epochs: 30, patience: 30, batchSize: 32, learningRate: 0.01 };

runRecommenderSuite({ name: "talkrec", create: () => new TalkRecRecommender(small), minTestNdcg: 0.7 });
runRecommenderSuite({ name: "talkrec", create: () => new TalkRecRecommender(small), minTestNdcg: 0.7, domain: { withUsers: false } });

describe("talkrec", () => {
  it("ignores the user and explains with a request part and the co-occurrence prior's, which add up to the score", async () => {
    const domain = makeSyntheticDomain();
    const m = new TalkRecRecommender({ ...small, epochs: 3 });
    await m.fit(domain, { seed: 3 });
    const a = await m.score([{ text: "jazz swing", user: 0 }]);
    const b = await m.score([{ text: "jazz swing", user: 5 }]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const e = await m.explain({ text: "jazz swing" }, 7);
    expect(Object.keys(e.parts)).toEqual(["request", "cooccurrence"]);
    expect(e.parts.request + e.parts.cooccurrence).toBeCloseTo(a.data[7], 5);
    m.dispose();
  });

  it("draws at most positivesPerQuery relevant items per train query per epoch when the domain asks for it", async () => {
    const base = makeSyntheticDomain();
    const all = base.train.reduce((n, q) => n + q.relevant.length, 0);
    const capped = { ...base, positivesPerQuery: 1 };
    expect(all).toBeGreaterThan(base.train.length); // the cap binds on this domain
    const m = new TalkRecRecommender({ ...small, epochs: 2, patience: 2 });
    const report = await m.fit(capped, { seed: 5 });
    expect(report.notes?.positives).toBe(base.train.filter((q) => q.relevant.length > 0).length);
    m.dispose();
  });

  it("keeps the tensor count flat across epochs and frees everything on dispose", async () => {
    const tf = await tfReady();
    const domain = makeSyntheticDomain();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const m = new TalkRecRecommender({ ...small, epochs: 5, patience: 5 });
    const report = await m.fit(domain, { seed: 1, onProgress: (phase) => void (phase.endsWith(" epochs") && counts.push(tf.memory().numTensors)) });
    expect(counts.length).toBe(report.notes?.epochs);
    // After the first epoch (Adam creates its moment slots then), every epoch ends with the same count.
    expect(new Set(counts.slice(1)).size).toBe(1);
    await m.score([{ text: "rock" }]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reports the selected epoch and val NDCG@10", async () => {
    const logs: string[] = [];
    const m = new TalkRecRecommender(small);
    const r = await m.fit(makeSyntheticDomain(), { seed: 2, log: (l) => logs.push(l) });
    expect(Number(r.notes?.bestEpoch)).toBeGreaterThanOrEqual(1);
    expect(Number(r.notes?.valNdcg10)).toBeGreaterThan(0.7);
    // The prior's weights are fitted first, the start is a selection candidate (epoch 0), then the towers train.
    expect(logs[0]).toMatch(/^prior warm-up 1\/1: loss \d.*cooccurrence -?\d/);
    expect(logs[1]).toMatch(/^talkrec epoch 0 \(start\): selection ndcg@10 \d/);
    expect(logs[2]).toMatch(/^talkrec epoch 1: loss \d/);
    m.dispose();
  });
});

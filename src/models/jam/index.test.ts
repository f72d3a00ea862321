import { describe, expect, it } from "vitest";
import { row } from "../../core/matrix.js";
import { runRecommenderSuite } from "../conformance.js";
import { GENRE_WORDS, makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { fromRows } from "../../core/matrix.js";
import { JamRecommender, userHistory } from "./index.js";
import { MIXINGS } from "./options.js";
import { REQUEST_CACHE_LIMIT } from "./scoring.js";

// inputDims 16 < the synthetic 32-d text vectors, so the PCA path runs in every conformance check.
const small = { epochs: 25, patience: 25, batchSize: 32, learningRate: 0.01, dims: 16, inputDims: 16, idEmbeddings: "none" as const };

for (const mixing of MIXINGS) {
  runRecommenderSuite({ name: `jam-${mixing}`, create: () => new JamRecommender(mixing, small), minTestNdcg: 0.7 });
  runRecommenderSuite({ name: `jam-${mixing}`, create: () => new JamRecommender(mixing, small), minTestNdcg: 0.7, domain: { withUsers: false } });
}

// Learned ID embeddings (items and users) through the whole contract, save/load included.
runRecommenderSuite({ name: "jam-cross", create: () => new JamRecommender("cross", { ...small, idEmbeddings: "both", popularNegatives: 0.5 }), minTestNdcg: 0.7 });
// Regression: the moe gate bias must have one entry per expert including the `id` modality (was 3 for 4 experts).
runRecommenderSuite({ name: "jam-moe", create: () => new JamRecommender("moe", { ...small, idEmbeddings: "both" }), minTestNdcg: 0.7 });

runRecommenderSuite({ name: "jam-avg", create: () => new JamRecommender("avg", { ...small, userHistory: true }), minTestNdcg: 0.7 });

describe("jam", () => {
  it("userHistory: count-weighted mean of the user's train items per modality, scaled to mean norm 1", () => {
    const base = makeSyntheticDomain();
    const domain = { ...base, users: { ids: ["a", "b", "c"], features: {} }, train: [
      { qid: "1", text: "x", user: 0, relevant: [0, 1] },
      { qid: "2", text: "y", user: 0, relevant: [1] },
      { qid: "3", text: "z", user: 1, relevant: [2] },
    ] };
    const items = fromRows([[3, 0], [0, 3], [6, 8]]);
    const h = userHistory(domain, [items]);
    // user 0: (1/3)(3,0) + (2/3)(0,3) = (1, 2), norm √5; user 1: (6, 8), norm 10; user 2: no history.
    const scale = 2 / (Math.sqrt(5) + 10);
    expect(Array.from(h.data).map((x) => Number(x.toFixed(5)))).toEqual([1 * scale, 2 * scale, 6 * scale, 8 * scale, 0, 0].map((x) => Number(x.toFixed(5))));
  });

  it("explain: user + request + bias + the pair prior's terms add up to the score; modality weights are data summing to 1", async () => {
    const domain = makeSyntheticDomain();
    for (const mixing of MIXINGS) {
      const m = new JamRecommender(mixing, { ...small, epochs: 3 });
      await m.fit(domain, { seed: 3 });
      const s = await m.score([{ text: "jazz swing", user: 1 }]);
      const e = await m.explain({ text: "jazz swing", user: 1 }, 7);
      expect(Object.keys(e.parts)).toEqual(["user", "request", "bias", "history", "cooccurrence", "tagged"]);
      expect(Object.keys(e.modalityWeights ?? {})).toEqual(["tagtext", "name", "cf"]);
      expect(Object.values(e.parts).reduce((a, b) => a + b, 0)).toBeCloseTo(s.data[7], 4);
      const w = Object.values(e.modalityWeights!);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      if (mixing === "avg") expect(w).toEqual([1 / 3, 1 / 3, 1 / 3]);
      if (mixing === "moe") expect(w.filter((x) => x === 0).length).toBe(1); // top-2 of 3 experts
      m.dispose();
    }
  });

  it("cross attention weights depend on the request", async () => {
    const domain = makeSyntheticDomain();
    const m = new JamRecommender("cross", small);
    await m.fit(domain, { seed: 4 });
    const a = await m.explain({ text: "jazz swing" }, 1);
    const b = await m.explain({ text: "techno beats" }, 1);
    expect(a.modalityWeights!.tagtext).not.toBeCloseTo(b.modalityWeights!.tagtext, 6);
    expect(a.parts.user).toBeUndefined(); // no user named: the user term is absent, not a mean user
    m.dispose();
  });

  it("personalises: the same request scores differently for two users", async () => {
    const domain = makeSyntheticDomain();
    const m = new JamRecommender("avg", small);
    await m.fit(domain, { seed: 5 });
    const s = await m.score([{ text: "music", user: 0 }, { text: "music", user: 1 }]);
    expect(Array.from(row(s, 0))).not.toEqual(Array.from(row(s, 1)));
    m.dispose();
  });

  it("rejects bad options and unknown users with messages that name them", async () => {
    expect(() => new JamRecommender("cross", { dims: 0 })).toThrow(/bad jam options: dims/);
    expect(() => new JamRecommender("cross", { nonsense: 1 })).toThrow(/nonsense/);
    const m = new JamRecommender("avg", { ...small, epochs: 1 });
    await m.fit(makeSyntheticDomain(), { seed: 1 });
    await expect(m.score([{ text: "rock", user: 99 }])).rejects.toThrow(/user index 99/);
    await expect(m.explain({ text: "rock" }, 1000)).rejects.toThrow(/item index 1000/);
    m.dispose();
  });

  it("lays per-domain defaults under explicit options at fit time (jamendo: no item ID vectors)", async () => {
    const domain = { ...makeSyntheticDomain({ withUsers: false }), name: "jamendo" };
    const { idEmbeddings: _, ...rest } = small;
    const byDefault = new JamRecommender("avg", { ...rest, epochs: 1 });
    await byDefault.fit(domain, { seed: 1 });
    expect(byDefault.toServing().data.modalities).toEqual(["tagtext", "name", "cf"]);
    byDefault.dispose();
    const explicit = new JamRecommender("avg", { ...rest, epochs: 1, idEmbeddings: "items" });
    await explicit.fit(domain, { seed: 1 });
    expect(explicit.toServing().data.modalities).toEqual(["tagtext", "name", "cf", "id"]);
    explicit.dispose();
  });

  it("scores a batch of more than 1,024 distinct texts, some already cached (regression: the request cache was cleared under the batch, which then read undefined rows)", async () => {
    const domain = makeSyntheticDomain();
    const m = new JamRecommender("moe", { ...small, epochs: 1 });
    await m.fit(domain, { seed: 1 });
    const texts = Array.from({ length: REQUEST_CACHE_LIMIT + 76 }, (_, i) => `${GENRE_WORDS[i % 4][i % 3]} tune ${i}`);
    const early = await m.score(texts.slice(0, 10).map((text) => ({ text })));
    const all = await m.score(texts.map((text) => ({ text })));
    expect(all.rows).toBe(texts.length);
    for (let i = 0; i < 10; i++) expect(Array.from(row(all, i))).toEqual(Array.from(row(early, i)));
    const last = await m.score([{ text: texts[texts.length - 1] }]);
    expect(Array.from(row(all, texts.length - 1))).toEqual(Array.from(row(last, 0)));
    m.dispose();
  });

  it("keeps the tensor count flat across epochs and frees everything on dispose", async () => {
    const tf = await tfReady();
    const domain = makeSyntheticDomain();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const m = new JamRecommender("moe", { ...small, epochs: 4, patience: 4 });
    await m.fit(domain, { seed: 1, onProgress: (phase) => void (phase.endsWith(" epochs") && counts.push(tf.memory().numTensors)) });
    expect(new Set(counts.slice(1)).size).toBe(1);
    await m.score([{ text: "rock" }]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

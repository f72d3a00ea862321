import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { Text2TracksRecommender } from "./index.js";

const small = { levels: 2, codes: 4, hidden: 16, embed: 8, epochs: 30, patience: 30, batchSize: 32, learningRate: 0.02, beam: 8, idCache: "none" };

runRecommenderSuite({ name: "text2tracks-semantic", create: () => new Text2TracksRecommender("semantic", small), minTestNdcg: 0.6 });
runRecommenderSuite({ name: "text2tracks-semantic-prior", create: () => new Text2TracksRecommender("semantic", small, "prior"), minTestNdcg: 0.6 });
runRecommenderSuite({ name: "text2tracks-int", create: () => new Text2TracksRecommender("int", small), minTestNdcg: 0.6, domain: { withUsers: false } });

describe("text2tracks", () => {
  it("explains an item by its tokens' log-probabilities, which sum to its rank score", async () => {
    const domain = makeSyntheticDomain();
    const m = new Text2TracksRecommender("semantic", { ...small, epochs: 3 });
    await m.fit(domain, { seed: 3 });
    const [list] = await m.rank([{ text: "jazz swing", user: 4 }], { k: 3 });
    const e = await m.explain({ text: "jazz swing" }, list.items[0]);
    const sum = Object.values(e.parts).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(list.scores[0], 4);
    expect(Object.keys(e.parts)[0]).toMatch(/^1 1:\d$/);
    m.dispose();
  });

  it("ignores the user, reports its ids and frees every tensor it made", async () => {
    const tf = await tfReady();
    const before = tf.memory().numTensors;
    const m = new Text2TracksRecommender("content", { ...small, epochs: 2 });
    const r = await m.fit(makeSyntheticDomain(), { seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(String(r.notes?.idSource)).toMatch(/tagtext/);
    expect(Number(r.notes?.meanIdLength)).toBeLessThanOrEqual(3);
    const [a, b] = await m.rank([{ text: "loud guitar", user: 0 }, { text: "loud guitar", user: 7 }], { k: 10 });
    expect(Array.from(a.items)).toEqual(Array.from(b.items));
  });

  it("rejects unknown options and a saved model of another scheme", async () => {
    expect(() => new Text2TracksRecommender("semantic", { bogus: 1 })).toThrow(/bad model options/);
    const domain = makeSyntheticDomain();
    const m = new Text2TracksRecommender("int", { ...small, epochs: 1 });
    await m.fit(domain, { seed: 1 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-t2t-"));
    try {
      await m.save(dir);
      await expect(new Text2TracksRecommender("semantic", small).load(dir, domain)).rejects.toThrow(/holds a text2tracks-int model/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { TagPopularityRecommender } from "../tag-popularity/index.js";
import { meanNdcgAt10 } from "../validation.js";
import { Text2TracksRecommender } from "./index.js";

const small = { levels: 2, codes: 4, hidden: 16, embed: 8, epochs: 30, patience: 30, batchSize: 32, learningRate: 0.02, beam: 8, idCache: "none" };

runRecommenderSuite({ name: "text2tracks-semantic", create: () => new Text2TracksRecommender("semantic", small), minTestNdcg: 0.6 });
runRecommenderSuite({ name: "text2tracks-semantic-plain", create: () => new Text2TracksRecommender("semantic", small, "plain"), minTestNdcg: 0.6 });
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

  it("with the count prior, starts from counting and never ends below it on the selection set", async () => {
    const domain = makeSyntheticDomain();
    const counting = new TagPopularityRecommender();
    await counting.fit(domain, { seed: 1 });
    const want = await meanNdcgAt10(counting, domain.val, domain);
    // Steps too small to change a ranking: no epoch beats the start, which is kept, and ranks as counting does.
    const still = new Text2TracksRecommender("semantic", { ...small, epochs: 1, patience: 1, learningRate: 1e-9 });
    const r = await still.fit(domain, { seed: 1 });
    expect(r.notes?.start).toBe("counting kept (best on selection)");
    expect(r.notes?.priorWeights).toBe("1.000 1.000 1.000");
    const start = await meanNdcgAt10(still, domain.val, domain);
    expect(start).toBeCloseTo(Number(r.notes?.valNdcg10), 6);
    // Counting through the trie by beam search: tag-popularity's ranking up to the search's misses.
    expect(Math.abs(start - want)).toBeLessThan(0.01);
    // A wild step size: whatever epoch wins, the selection score is at least the start's.
    const wild = new Text2TracksRecommender("semantic", { ...small, epochs: 2, patience: 2, learningRate: 5 });
    const w = await wild.fit(domain, { seed: 1 });
    expect(String(w.notes?.start)).toMatch(/^(counting kept|trained from counting \(epoch [12] )/);
    expect(await meanNdcgAt10(wild, domain.val, domain)).toBeGreaterThanOrEqual(start - 1e-6);
    const plain = new Text2TracksRecommender("semantic", { ...small, epochs: 1 }, "plain");
    expect((await plain.fit(domain, { seed: 1 })).notes?.start).toBeUndefined();
  });

  it("caches its identifiers under $ASKMUSIC_HOME/cache by default, and reads them back on the next fit", async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-t2t-home-"));
    const before = process.env.ASKMUSIC_HOME;
    process.env.ASKMUSIC_HOME = home;
    try {
      const { idCache: _none, ...defaults } = small;
      const domain = makeSyntheticDomain();
      const first = await new Text2TracksRecommender("semantic", { ...defaults, epochs: 1 }).fit(domain, { seed: 1 });
      expect(first.notes?.idCached).toBe("no");
      expect((await fs.readdir(path.join(home, "cache", "text2tracks-ids"))).filter((f) => f.startsWith("semantic-"))).toHaveLength(1);
      const second = await new Text2TracksRecommender("semantic", { ...defaults, epochs: 1 }).fit(domain, { seed: 1 });
      expect(second.notes?.idCached).toBe("yes");
    } finally {
      if (before === undefined) delete process.env.ASKMUSIC_HOME;
      else process.env.ASKMUSIC_HOME = before;
      await fs.rm(home, { recursive: true, force: true });
    }
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

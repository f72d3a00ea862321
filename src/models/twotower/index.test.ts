import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataError, ModelFitError } from "../../errors.js";
import { TalkRecRecommender } from "../talkrec/index.js";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { TwoTowerRecommender } from "./index.js";

const small = { epochs: 30, patience: 30, batchSize: 32, learningRate: 0.01 };

runRecommenderSuite({ name: "twotower", create: () => new TwoTowerRecommender(small), minTestNdcg: 0.7 });

describe("twotower", () => {
  it("needs users: a domain without them fails with ModelFitError", async () => {
    const domain = makeSyntheticDomain({ withUsers: false });
    const fit = new TwoTowerRecommender(small).fit(domain, { seed: 1 });
    await expect(fit).rejects.toThrow(ModelFitError);
    await expect(new TwoTowerRecommender(small).fit(domain, { seed: 1 })).rejects.toThrow("twotower needs users; domain synthetic/no-users has none");
  });

  it("ignores the text, follows the user, and rejects an unknown user", async () => {
    const tf = await tfReady();
    const before = tf.memory().numTensors;
    const domain = makeSyntheticDomain();
    const m = new TwoTowerRecommender({ ...small, epochs: 10 });
    await m.fit(domain, { seed: 3 });
    const s = await m.score([{ text: "rock", user: 1 }, { text: "folk", user: 1 }, { text: "x" }]);
    expect(Array.from(s.data.subarray(0, 40))).toEqual(Array.from(s.data.subarray(40, 80)));
    const parts = (await m.explain({ text: "", user: 1 }, 4)).parts;
    expect(Object.keys(parts)).toEqual(["user", "history", "tagged"]);
    expect(parts.user + parts.history + parts.tagged).toBeCloseTo(s.data[4], 5);
    // Items the user played are the ones they ask for here: the prior learns to count plays up, not down.
    const played = domain.interactions!.indices[domain.interactions!.indptr[1]];
    expect((await m.explain({ text: "", user: 1 }, played)).parts.history).toBeGreaterThan(0);
    expect(s.data.subarray(80).every(Number.isFinite)).toBe(true); // no user: the mean user's profile
    await expect(m.score([{ text: "x", user: 99 }])).rejects.toThrow(/user index 99/);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses to load another model's weights or a domain of another size", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-twotower-"));
    try {
      const domain = makeSyntheticDomain();
      const talk = new TalkRecRecommender({ ...small, epochs: 1 });
      await talk.fit(domain, { seed: 1 });
      await talk.save(path.join(dir, "talkrec"));
      talk.dispose();
      await expect(new TwoTowerRecommender().load(path.join(dir, "talkrec"), domain)).rejects.toThrow(/not a askmusic\/twotower@1 model/);
      const tt = new TwoTowerRecommender({ ...small, epochs: 1 });
      await tt.fit(domain, { seed: 1 });
      await tt.save(path.join(dir, "twotower"));
      tt.dispose();
      const other = makeSyntheticDomain({ itemsPerGenre: 5 });
      const err = await new TwoTowerRecommender().load(path.join(dir, "twotower"), other).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(String(err)).toMatch(/saved for 40 items, domain synthetic\/users has 20: refit/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { TalkRecRecommender } from "./index.js";
import { TalkRecServing } from "./serving.js";

const small = { epochs: 4, patience: 4, batchSize: 32, learningRate: 0.01 };

describe("TalkRecServing", () => {
  for (const towers of [{ leftLayers: [16], itemLayers: [16] }, { leftLayers: [24, 16], itemLayers: [16] }]) {
    it(`request tower of ${towers.leftLayers.length} layer(s): after save and load, scores equal the trained model's`, async () => {
      const domain = makeSyntheticDomain();
      const model = new TalkRecRecommender({ ...small, ...towers });
      await model.fit(domain, { seed: 3 });
      const dir = await mkdtemp(path.join(os.tmpdir(), "talkrec-serving-"));
      try {
        await model.toServing({ epochs: 4 }).save(dir);
        const serving = await TalkRecServing.load(dir);
        expect(serving.data.training).toEqual({ epochs: 4 });
        expect(serving.data.itemIds).toEqual(domain.items.ids);
        expect(serving.data.encoderId).toBe(domain.queryEncoderId);
        const raw = (await domain.encodeQueries(["smooth jazz"])).data;
        const expected = await model.score([{ text: "smooth jazz" }]);
        expect(serving.data.pair?.features).toEqual(["cooccurrence"]);
        const got = serving.score(serving.query(raw, "smooth jazz"), Int32Array.from(domain.items.ids.keys()));
        got.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 4));
        const want = await model.explain({ text: "smooth jazz" }, 5);
        const parts = serving.explain(serving.query(raw, "smooth jazz"), 5);
        expect(Object.keys(parts)).toEqual(["request", "cooccurrence"]);
        for (const [k, v] of Object.entries(parts)) expect(v).toBeCloseTo(want.parts[k], 4);
      } finally {
        model.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("top: the exhaustive order under a row filter, with exact scores, the prior's rows included", async () => {
    const domain = makeSyntheticDomain({ itemsPerGenre: 100 });
    const model = new TalkRecRecommender(small);
    await model.fit(domain, { seed: 1 });
    const serving = model.toServing();
    model.dispose();
    for (const text of ["loud rock guitar", "techno"]) {
      const q = serving.query((await domain.encodeQueries([text])).data, text);
      const all = serving.score(q, Int32Array.from(domain.items.ids.keys()));
      const even = (r: number) => r % 2 === 0;
      const exhaustive = Array.from(all.keys()).filter(even).sort((a, b) => all[b] - all[a] || a - b).slice(0, 10);
      const top = serving.top(q, 10, even);
      expect(top.rows).toEqual(exhaustive);
      top.scores.forEach((s, i) => expect(s).toBe(all[top.rows[i]]));
    }
  });

  it("rejects a wrong-size request and a corrupt file, naming them", async () => {
    const domain = makeSyntheticDomain();
    const model = new TalkRecRecommender({ ...small, epochs: 1 });
    await model.fit(domain, { seed: 2 });
    const serving = model.toServing();
    model.dispose();
    expect(() => serving.query(new Float32Array(5), "jazz")).toThrow(/talkrec: request vector has 5 values, the model expects 32/);
    const dir = await mkdtemp(path.join(os.tmpdir(), "talkrec-serving-"));
    try {
      await serving.save(dir);
      const manifest = path.join(dir, "model.json");
      await writeFile(manifest, (await readFile(manifest, "utf8")).replace('"request/b0"', '"request/other"'));
      await expect(TalkRecServing.load(dir)).rejects.toThrow(/array request\/b0 is missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

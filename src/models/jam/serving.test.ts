import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { JamRecommender } from "./index.js";
import { MIXINGS } from "./options.js";
import { JamServing } from "./serving.js";

const small = { epochs: 3, patience: 3, batchSize: 32, learningRate: 0.01, dims: 16, inputDims: 16, topK: 2 };

describe("JamServing", () => {
  for (const mixing of MIXINGS) {
    it(`${mixing}: after save and load, scores and explanations equal the trained model's`, async () => {
      const domain = makeSyntheticDomain();
      const model = new JamRecommender(mixing, { ...small, idEmbeddings: "both" });
      await model.fit(domain, { seed: 5 });
      const dir = await mkdtemp(path.join(os.tmpdir(), "jam-serving-"));
      try {
        await model.toServing({ epochs: 3 }).save(dir);
        const serving = await JamServing.load(dir);
        expect(serving.data.modalities).toEqual(["tagtext", "name", "cf", "id"]);
        expect(serving.data.training).toEqual({ epochs: 3 });
        const raw = (await domain.encodeQueries(["jazz swing"])).data;
        const expected = await model.score([{ text: "jazz swing", user: 1 }]);
        const q = serving.query(raw, domain.users.ids[1], { text: "jazz swing" });
        expect(Object.keys(serving.data.pair!.features)).toHaveLength(3);
        const rows = Int32Array.from(domain.items.ids.keys());
        const got = serving.score(q, rows);
        got.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 3));
        const e = serving.explain(q, 7);
        const want = await model.explain({ text: "jazz swing", user: 1 }, 7);
        expect(e.request).toBeCloseTo(want.parts.request, 3);
        expect(e.user).toBeCloseTo(want.parts.user, 3);
        for (const [k, v] of Object.entries(e.prior)) expect(v).toBeCloseTo(want.parts[k], 4);
        expect(e.request + e.user + e.bias + Object.values(e.prior).reduce((a, b) => a + b, 0)).toBeCloseTo(got[7], 4);
        for (const [k, w] of Object.entries(want.modalityWeights!)) expect(e.modalityWeights[k]).toBeCloseTo(w, 4);
      } finally {
        model.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("top: equals exhaustive scoring, certified, and respects the row filter", async () => {
    const domain = makeSyntheticDomain({ itemsPerGenre: 200 });
    const model = new JamRecommender("cross", { ...small, idEmbeddings: "none" });
    await model.fit(domain, { seed: 1 });
    const serving = model.toServing();
    model.dispose();
    const n = domain.items.ids.length;
    for (const text of ["loud rock guitar", "smooth jazz", "techno"]) {
      const q = serving.query((await domain.encodeQueries([text])).data);
      const all = serving.score(q, Int32Array.from(domain.items.ids.keys()));
      const exhaustive = (accept: (r: number) => boolean) => Array.from(all.keys()).filter(accept).sort((a, b) => all[b] - all[a] || a - b).slice(0, 10);
      const top = serving.top(q, 10);
      expect(top.certified).toBe(true);
      expect(top.shortlisted).toBeLessThan(n);
      expect(top.rows).toEqual(exhaustive(() => true));
      top.scores.forEach((s, i) => expect(s).toBeCloseTo(all[top.rows[i]], 5));
      const odd = (r: number) => r % 2 === 1;
      expect(serving.top(q, 10, odd).rows).toEqual(exhaustive(odd));
      // The fast shortlist reads each list once in int8 order: on this data it finds the same top 10.
      const fast = serving.shortlist(q, 10, 40, odd);
      expect(fast.rows).toEqual(exhaustive(odd));
      expect(fast.shortlisted).toBeLessThanOrEqual(4 * 40);
    }
  });

  it("rejects an unknown user, a wrong-size request and a corrupt file, naming them", async () => {
    const domain = makeSyntheticDomain();
    const model = new JamRecommender("avg", { ...small, idEmbeddings: "none" });
    await model.fit(domain, { seed: 2 });
    const serving = model.toServing();
    model.dispose();
    const raw = (await domain.encodeQueries(["jazz"])).data;
    expect(() => serving.query(raw, "nobody")).toThrow(/unknown user "nobody"/);
    expect(() => serving.query(raw.subarray(1))).toThrow(/expects 32/);
    const dir = await mkdtemp(path.join(os.tmpdir(), "jam-serving-"));
    try {
      await serving.save(dir);
      const manifest = path.join(dir, "model.json");
      const text = (await import("node:fs/promises")).readFile(manifest, "utf8");
      await writeFile(manifest, (await text).replace('"items/tagtext"', '"items/other"'));
      await expect(JamServing.load(dir)).rejects.toThrow(/items\/tagtext is missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

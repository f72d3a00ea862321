import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSyntheticDomain, type SyntheticDomain } from "../../models/testing/synthetic-domain.js";
import type { AdapterHandle } from "../../models/recommender.js";
import { trainAdapter } from "../../models/whitebox/adapter.js";
import { WhiteboxRecommender } from "../../models/whitebox/index.js";
import { runServingSuite } from "./conformance.js";
import { whiteboxForm, WhiteboxServingModel } from "./whitebox.js";

const small = { epochs: 20, patience: 20, batchSize: 32, learningRate: 0.01, width: 16 };

runServingSuite({ name: "whitebox", form: whiteboxForm, options: small, withUsers: false });

describe("whitebox serving form", () => {
  let domain: SyntheticDomain;
  let model: WhiteboxRecommender;
  let served: WhiteboxServingModel;
  const request = async (text: string, adapter?: AdapterHandle) => {
    const words = served.words(text);
    const e = await domain.encodeQueries([text, ...words]);
    return { text, vector: e.data.slice(0, e.cols), wordVectors: e.data.slice(e.cols), ...(adapter !== undefined ? { adapter } : {}) };
  };

  beforeAll(async () => {
    domain = makeSyntheticDomain({ withUsers: false });
    model = new WhiteboxRecommender({ ...small, epochs: 3 });
    await model.fit(domain, { seed: 5 });
    served = new WhiteboxServingModel(model.toServing({ seed: 5 }));
  }, 120_000);
  afterAll(() => model.dispose());

  it("scores and attends as the TF.js model does (plain-JS forward pass), with and without a listener's adapter", async () => {
    const r = await trainAdapter(model, { text: "smooth jazz guitar", strengthen: ["guitar"], weaken: ["smooth"] }, { seed: 2 });
    const adapter: AdapterHandle = { user: "ann", model: "whitebox", version: 1, arrays: r.arrays };
    const all = [...domain.items.ids.keys()];
    for (const text of ["smooth jazz guitar", "loud rock", "club techno beats", ""]) {
      for (const a of [undefined, adapter]) {
        const expected = await model.score([{ text, ...(a !== undefined ? { adapter: a } : {}) }]);
        const prepared = served.prepare(await request(text, a));
        const got = prepared.score(all);
        all.forEach((row) => expect(got[row]).toBeCloseTo(expected.data[row], 4));
        const [att] = await model.attend([{ text, ...(a !== undefined ? { adapter: a } : {}) }]);
        const shown = prepared.explain(0).wordAttributions ?? [];
        expect(shown.map((w) => w.word)).toEqual(att.map((w) => w.word));
        shown.forEach((w, i) => expect(w.weight).toBeCloseTo(att[i].weight, 5));
      }
    }
  });

  it("applies an adapter to the request that carries it only, and reports it used", async () => {
    const r = await trainAdapter(model, { text: "loud rock guitar", strengthen: ["guitar"], weaken: ["loud"] }, { seed: 4 });
    const adapter: AdapterHandle = { user: "bo", model: "whitebox", version: 3, arrays: r.arrays };
    const plain = served.prepare(await request("loud rock guitar"));
    const adapted = served.prepare(await request("loud rock guitar", adapter));
    const weight = (p: typeof plain, w: string) => p.explain(0).wordAttributions!.find((a) => a.word === w)!.weight;
    expect(weight(adapted, "guitar")).toBeGreaterThan(weight(plain, "guitar"));
    expect(adapted.used).toContain("adapter");
    expect(plain.used).not.toContain("adapter");
    // Another listener without an adapter, after the adapted one: the shared weights are untouched.
    const again = served.prepare(await request("loud rock guitar"));
    expect(weight(again, "guitar")).toBeCloseTo(weight(plain, "guitar"), 6);
  });

  it("refuses a request whose word vectors are missing, naming the words", async () => {
    const e = await domain.encodeQueries(["jazz swing"]);
    expect(() => served.prepare({ text: "jazz swing", vector: e.data })).toThrow(/word by word.*jazz, swing/);
  });
});

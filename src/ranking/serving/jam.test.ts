import { describe, expect, it } from "vitest";
import { JamRecommender } from "../../models/jam/index.js";
import { MIXINGS } from "../../models/jam/options.js";
import { makeSyntheticDomain } from "../../models/testing/synthetic-domain.js";
import { runServingSuite } from "./conformance.js";
import { jamForm, JamServingModel, jamShortlist } from "./jam.js";

const small = { epochs: 6, patience: 6, batchSize: 32, learningRate: 0.01, dims: 16, inputDims: 16, idEmbeddings: "none" };

for (const mixing of MIXINGS) runServingSuite({ name: `jam-${mixing}`, form: jamForm(mixing), options: small });
runServingSuite({ name: "jam-cross without users", form: jamForm("cross"), options: small, withUsers: false });

describe("JAM through the serving port", () => {
  for (const mixing of MIXINGS) {
    it(`${mixing}: the port scores and explains exactly as JamRecommender does (eval measures what requests get)`, async () => {
      const domain = makeSyntheticDomain();
      const jam = new JamRecommender(mixing, { ...small, epochs: 3, idEmbeddings: "both" });
      await jam.fit(domain, { seed: 11 });
      try {
        const served = new JamServingModel(jam.toServing());
        for (const [text, user] of [["jazz swing", 1], ["loud rock", undefined]] as const) {
          const expected = await jam.score([{ text, user }]);
          const prepared = served.prepare({ text, vector: (await domain.encodeQueries([text])).data, ...(user !== undefined ? { user: domain.users.ids[user] } : {}) });
          expect(prepared.used).toEqual(user !== undefined ? ["text", "user"] : ["text"]);
          const got = prepared.score([...domain.items.ids.keys()]);
          got.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 4));
          for (const item of [3, 22]) {
            const want = await jam.explain({ text, user }, item);
            const e = prepared.explain(item);
            const prior = ["history", "cooccurrence", "tagged"];
            expect(Object.keys(e.parts)).toEqual(user !== undefined ? ["request", "user", "prior", ...prior] : ["request", "prior", ...prior]);
            for (const k of prior) expect(e.parts[k]).toBeCloseTo(want.parts[k], 4);
            expect(e.parts.request).toBeCloseTo(want.parts.request, 4);
            if (user !== undefined) expect(e.parts.user).toBeCloseTo(want.parts.user, 4);
            expect(e.parts.prior).toBeCloseTo(want.parts.bias, 5);
            for (const [k, w] of Object.entries(want.modalityWeights!)) expect(e.modalityWeights![k]).toBeCloseTo(w, 4);
          }
        }
      } finally {
        jam.dispose();
      }
    });
  }

  it("uses a user only when trained with users and that user is known", async () => {
    const jam = new JamRecommender("avg", { ...small, epochs: 1 });
    await jam.fit(makeSyntheticDomain({ withUsers: false }), { seed: 1 });
    const served = new JamServingModel(jam.toServing());
    jam.dispose();
    expect(served.context).toEqual({ uses: ["text"], needs: ["text"] });
    expect(served.prepare({ text: "rock", vector: new Float32Array(32), user: "user1" }).used).toEqual(["text"]);
  });

  it("sizes its shortlist lists by how the caller uses them", () => {
    expect(jamShortlist(10, "final")).toBe(64);
    expect(jamShortlist(100, "final")).toBe(400);
    expect(jamShortlist(100, "reranked")).toBe(100);
    expect(jamShortlist(250, "reranked")).toBe(250);
  });
});

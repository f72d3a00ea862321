import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { MultVaeRecommender } from "./index.js";

// Small layers and few epochs: the synthetic domain has 16 users x 40 items, so this trains in about a second.
const SMALL = { hidden: 32, latent: 8, epochs: 40, patience: 40, batchSize: 8, annealSteps: 40, learningRate: 0.01 };

runRecommenderSuite({ name: "multvae", create: () => new MultVaeRecommender(SMALL), minTestNdcg: 0.6 });

describe("multvae", () => {
  it("refuses bad options and a history-less request, naming them", async () => {
    expect(() => new MultVaeRecommender({ latent: 0 })).toThrow(/bad multvae options: latent/);
    const m = new MultVaeRecommender({ ...SMALL, epochs: 1 });
    await m.fit(makeSyntheticDomain(), { seed: 1 });
    await expect(m.score([{ text: "jazz" }])).rejects.toThrow(/multvae ranks from a listening history, and request 0 has none/);
    await expect(m.score([{ text: "", history: { items: [400] } }])).rejects.toThrow(/history item 400 is not an item/);
    m.dispose();
  });
});

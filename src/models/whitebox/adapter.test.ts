import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import type { AdapterHandle } from "../recommender.js";
import { checkFeedback, feedbackTexts, trainAdapter, tripletTexts } from "./adapter.js";
import { WhiteboxRecommender } from "./index.js";

const domain = makeSyntheticDomain();
const model = new WhiteboxRecommender({ epochs: 4, patience: 4, batchSize: 32, learningRate: 0.01, width: 16 });
const weightOf = (att: readonly { word: string; weight: number }[], w: string) => att.find((a) => a.word === w)!.weight;

beforeAll(async () => {
  await model.fit(domain, { seed: 11 });
});
afterAll(() => model.dispose());

describe("whitebox adapter", () => {
  it("rejects feedback naming a word the request does not have, or none", () => {
    expect(() => checkFeedback({ text: "jazz swing", strengthen: ["rock"], weaken: [] }, 12)).toThrow(/"rock" is not a word of the request/);
    expect(() => checkFeedback({ text: "jazz swing", strengthen: [], weaken: [] }, 12)).toThrow(/names no word/);
    expect(() => checkFeedback({ text: "jazz swing", strengthen: ["jazz"], weaken: ["jazz"] }, 12)).toThrow(/both/);
  });

  it("draws positives containing the strengthened word and negatives containing the weakened one", () => {
    const t = tripletTexts({ text: "jazz rock", strengthen: ["jazz"], weaken: ["rock"] }, feedbackTexts(domain, 12), 12, 4, 1);
    expect(t.positives.length).toBeGreaterThan(0);
    expect(t.positives.every((p) => p.split(" ").includes("jazz") && !p.split(" ").includes("rock"))).toBe(true);
    // A positive never carries another word of the request that is not strengthened (it would pull towards that word).
    const three = tripletTexts({ text: "jazz smooth rock", strengthen: ["jazz"], weaken: [] }, feedbackTexts(domain, 12), 12, 8, 1);
    expect(three.positives.every((p) => !p.split(" ").includes("smooth") && !p.split(" ").includes("rock"))).toBe(true);
    expect(t.negatives.every((p) => p.split(" ").includes("rock") && !p.split(" ").includes("jazz"))).toBe(true);
    // One-sided feedback: the other side is the request without the named words.
    expect(tripletTexts({ text: "jazz rock", strengthen: ["jazz"], weaken: [] }, feedbackTexts(domain, 12), 12, 4, 1).negatives).toEqual(["rock"]);
  });

  it("moves attention towards a strengthened word and away from a weakened one, for that adapter only", async () => {
    const text = "smooth guitar";
    const r = await trainAdapter(model, { text, strengthen: ["guitar"], weaken: ["smooth"] }, { seed: 3 });
    expect(weightOf(r.after, "guitar")).toBeGreaterThan(weightOf(r.before, "guitar"));
    expect(weightOf(r.after, "smooth")).toBeLessThan(weightOf(r.before, "smooth"));
    const adapter: AdapterHandle = { user: "u1", model: "whitebox", version: 1, arrays: r.arrays };
    // The adapter changes the scores of the request that carries it and of no other request in the same batch.
    const [withA, without] = await model.attend([{ text, adapter }, { text }]);
    expect(weightOf(withA, "guitar")).toBeCloseTo(weightOf(r.after, "guitar"), 5);
    expect(weightOf(without, "guitar")).toBeCloseTo(weightOf(r.before, "guitar"), 5);
    const s = await model.score([{ text, adapter }, { text }, { text, adapter: { ...adapter, model: "talkrec" } }]);
    const n = domain.items.ids.length;
    const row = (i: number) => Array.from(s.data.subarray(i * n, (i + 1) * n));
    expect(row(0)).not.toEqual(row(1));
    expect(row(2)).toEqual(row(1)); // another model's adapter is ignored
  });

  it("continues from a user's previous adapter and frees its tensors", async () => {
    const tf = await tfReady();
    const before = tf.memory().numTensors;
    const first = await trainAdapter(model, { text: "loud beats", strengthen: ["beats"], weaken: [] }, { seed: 1, steps: 10 });
    const base: AdapterHandle = { user: "u2", model: "whitebox", version: 1, arrays: first.arrays };
    const second = await trainAdapter(model, { text: "loud beats", strengthen: ["beats"], weaken: [] }, { seed: 1, steps: 10 }, base);
    expect(weightOf(second.before, "beats")).toBeCloseTo(weightOf(first.after, "beats"), 5);
    expect(tf.memory().numTensors).toBe(before);
  });
});

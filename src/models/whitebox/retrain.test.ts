import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSyntheticDomain, type SyntheticDomain } from "../testing/synthetic-domain.js";
import { fitAdapterFactors, trainAdapter } from "./adapter.js";
import { WhiteboxEncoder } from "./encoder.js";
import { WhiteboxRecommender } from "./index.js";
import { AdapterWorker, retrainServed } from "./retrain.js";
import type { WhiteboxServing } from "./serving.js";

const small = { epochs: 3, patience: 3, batchSize: 32, learningRate: 0.01, width: 16 };
let domain: SyntheticDomain;
let model: WhiteboxRecommender;
let form: WhiteboxServing;
const weightOf = (att: readonly { word: string; weight: number }[], w: string) => att.find((a) => a.word === w)!.weight;

beforeAll(async () => {
  domain = makeSyntheticDomain({ withUsers: false });
  model = new WhiteboxRecommender(small);
  await model.fit(domain, { seed: 9 });
  form = model.toServing();
}, 120_000);
afterAll(() => model.dispose());

describe("retraining a served whitebox model", () => {
  const feedback = { text: "smooth jazz guitar", strengthen: ["guitar"], weaken: ["smooth"] };

  it("gives the same adapter in process, from the serving form's weights, as on the fitted model", async () => {
    const encoder = WhiteboxEncoder.fromWeights(form.data.shape, form.data.weights);
    try {
      const served = await retrainServed(form, feedback, (ws) => domain.encodeQueries(ws), async (job) => fitAdapterFactors(encoder, job), { seed: 3 });
      const fitted = await trainAdapter(model, feedback, { seed: 3 });
      expect(served.positives).toEqual(fitted.positives);
      for (const [k, a] of Object.entries(fitted.arrays)) served.arrays[k].forEach((v, i) => expect(v).toBeCloseTo(a[i], 4));
      expect(weightOf(served.after, "guitar")).toBeGreaterThan(weightOf(served.before, "guitar"));
      expect(weightOf(served.after, "smooth")).toBeLessThan(weightOf(served.before, "smooth"));
    } finally {
      encoder.dispose();
    }
  });

  it("trains in a worker thread while this thread keeps answering, with the same result", async () => {
    const worker = new AdapterWorker(form);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const inWorker = await retrainServed(form, feedback, (ws) => domain.encodeQueries(ws), worker.fit, { seed: 3 });
      clearInterval(timer);
      // The event loop ran while the worker trained (TF.js on this thread would have blocked it).
      expect(ticks).toBeGreaterThan(3);
      const encoder = WhiteboxEncoder.fromWeights(form.data.shape, form.data.weights);
      const local = await retrainServed(form, feedback, (ws) => domain.encodeQueries(ws), async (job) => fitAdapterFactors(encoder, job), { seed: 3 });
      encoder.dispose();
      for (const [k, a] of Object.entries(local.arrays)) inWorker.arrays[k].forEach((v, i) => expect(v).toBeCloseTo(a[i], 4));
      // Two jobs at once are answered each with its own result.
      const [a, b] = await Promise.all([
        retrainServed(form, { text: "loud rock", strengthen: ["rock"], weaken: [] }, (ws) => domain.encodeQueries(ws), worker.fit, { seed: 1, steps: 5 }),
        retrainServed(form, { text: "loud rock", strengthen: [], weaken: ["rock"] }, (ws) => domain.encodeQueries(ws), worker.fit, { seed: 1, steps: 5 }),
      ]);
      expect(weightOf(a.after, "rock")).toBeGreaterThan(weightOf(b.after, "rock"));
    } finally {
      await worker.close();
    }
  }, 60_000);
});

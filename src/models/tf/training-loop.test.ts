import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { pairsPerEpoch, runEpochs, samplePairs, type EpochLoop } from "./training-loop.js";

/** A loop over a fake model whose "weights" are the epoch number and whose selection scores are given. */
function fakeLoop(scores: number[] | undefined, losses: (epoch: number) => number = () => 1): EpochLoop<number> & { weight: number } {
  const loop = {
    name: "fake",
    epochs: 6,
    patience: 2,
    learningRate: 0.1,
    weight: 0,
    queries: [{ row: 0, relevant: [1, 2] }, { row: 1, relevant: [3] }],
    positivesPerQuery: undefined,
    rng: mulberry32(1),
    batches: () => ({ count: 2, batches: [0, 1] }),
    step: (_b: number, _s: number, epoch: number) => {
      loop.weight = epoch;
      return losses(epoch);
    },
    // Weight 0 is the start (before any epoch); scores[e] is epoch e's, scores[0] the start's when selectStart.
    select: scores ? async () => scores[loop.weight - 1] ?? scores[-1] : undefined,
    snapshot: () => [Float32Array.of(loop.weight)],
    restore: (w: Float32Array[]) => {
      loop.weight = w[0][0];
    },
  };
  return loop;
}

describe("runEpochs", () => {
  it("stops after `patience` epochs without improvement and restores the best epoch's weights", async () => {
    const loop = fakeLoop([0.1, 0.3, 0.2, 0.25, 0.9, 1]);
    const r = await runEpochs(loop, {});
    expect(r).toMatchObject({ epochs: 4, bestEpoch: 2, bestVal: 0.3, positives: 3, lastLoss: 1 });
    expect(loop.weight).toBe(2);
  });
  it("with selectStart, keeps the start when no epoch beats it, and reports it as epoch 0", async () => {
    const loop = Object.assign(fakeLoop(Object.assign([0.1, 0.2, 0.3, 0.4], { [-1]: 0.5 })), { selectStart: true });
    const logs: string[] = [];
    const r = await runEpochs(loop, { log: (l) => logs.push(l) });
    expect(r).toMatchObject({ epochs: 2, bestEpoch: 0, bestVal: 0.5 });
    expect(loop.weight).toBe(0);
    expect(logs[0]).toBe("fake epoch 0 (start): selection ndcg@10 0.5000");
  });
  it("without selection runs every epoch and keeps the last weights", async () => {
    const loop = fakeLoop(undefined);
    const r = await runEpochs(loop, {});
    expect(r).toMatchObject({ epochs: 6, bestEpoch: 6, bestVal: undefined });
    expect(loop.weight).toBe(6);
  });
  it("fails on a non-finite loss, naming the epoch and step", async () => {
    await expect(runEpochs(fakeLoop([1, 1, 1], (e) => (e === 2 ? Number.NaN : 1)), {})).rejects.toThrow(/fake: loss is NaN at epoch 2, step 1; lower learningRate \(now 0.1\)/);
  });
  it("samplePairs keeps every positive, or a fresh deterministic sample of `cap` per query", () => {
    const queries = [{ row: 0, relevant: [1, 2, 3, 4] }, { row: 1, relevant: [5] }];
    expect(Array.from(samplePairs(queries, undefined, mulberry32(1)).item)).toEqual([1, 2, 3, 4, 5]);
    const a = samplePairs(queries, 2, mulberry32(7));
    expect(Array.from(a.left)).toEqual([0, 0, 1]);
    expect(new Set(a.item).size).toBe(3);
    expect(Array.from(samplePairs(queries, 2, mulberry32(7)).item)).toEqual(Array.from(a.item));
    expect(pairsPerEpoch(queries, 2)).toBe(a.left.length);
    expect(pairsPerEpoch(queries, undefined)).toBe(5);
  });
});

import { describe, expect, it } from "vitest";
import { matrix } from "../core/matrix.js";
import type { LabeledQuery } from "../domains/types.js";
import type { PrototypeProfiles, RankedList, RankOptions, Recommender, RequestContext } from "../models/recommender.js";
import { controllabilityDelta, pairDrop } from "./controllability.js";

/**
 * A profile model over 6 items with 2 prototypes (rock, jazz), one user's profile fixed at rock 0.7, jazz 0.3.
 * Unedited ranking: [0, 1, 2, 3, 4, 5]. Zeroing rock ranks the rock items (0, 1) last: [2, 3, 4, 5, 0, 1]. Zeroing
 * jazz changes nothing.
 */
function fakeProfileModel(): Recommender {
  return {
    name: "fake-profile",
    context: { uses: ["history", "profile"], needs: ["history"] },
    async fit() {
      return { trainSeconds: 0 };
    },
    async rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
      return requests.map((r, q) => {
        const order = r.profile?.prototypeWeights.rock === 0 ? [2, 3, 4, 5, 0, 1] : [0, 1, 2, 3, 4, 5];
        const items = order.filter((i) => !(options.exclude?.[q]?.has(i) ?? false)).slice(0, options.k);
        return { items: Int32Array.from(items), scores: Float32Array.from(items, (_, j) => -j) };
      });
    },
    async profiles(requests: readonly RequestContext[]): Promise<PrototypeProfiles> {
      return { tags: ["rock", "jazz"], weights: matrix(requests.length, 2, Float32Array.from(requests.flatMap(() => [0.7, 0.3]))) };
    },
    async save() {},
    async load() {},
    dispose() {},
  };
}

const ROCK = new Set([0, 1, 5]);
const JAZZ = new Set([3]);
const carries = (item: number, tag: string) => (tag === "rock" ? ROCK : JAZZ).has(item);

describe("pairDrop", () => {
  it("is NDCG@k before minus after against the restricted relevant set", () => {
    // Before: item 7 first -> 1. After: item 7 second -> 1/log2(3).
    const r = pairDrop([7, 3], [3, 7], new Set([7]), 2);
    expect(r.before).toBe(1);
    expect(r.drop).toBeCloseTo(1 - 1 / Math.log2(3), 12);
  });
});

describe("controllabilityDelta", () => {
  it("matches a hand-computed example at k = 3 with the top 2 prototypes", async () => {
    // The user's held-out items: 1 (rock), 3 (jazz), 4 (neither); fold-in item 0 is masked.
    const q: LabeledQuery = { qid: "u1", text: "", history: { items: [0] }, exclude: [0], relevant: [1, 3, 4] };
    const r = await controllabilityDelta(fakeProfileModel(), [q], carries, { k: 3, top: 2 });
    // Unedited top 3 (0 masked): [1, 2, 3]. Rock pair: R_rock = {1}; before = 1 (rank 1); after rock = 0: [2, 3, 4]
    // -> 0; drop 1. Jazz pair: R_jazz = {3}; before: rank 3 -> (1/log2(4)) / 1 = 0.5; after jazz = 0: unchanged; drop 0.
    expect(r).toBeDefined();
    expect(r!.pairs).toBe(2);
    expect(r!.skipped).toBe(0);
    expect(r!.delta).toBeCloseTo((1 + 0) / 2, 12);
    expect(r!.deltaRel).toBeCloseTo((1 + 0) / (1 + 0.5), 12);
    expect(r!.before).toBeCloseTo((1 + 0.5) / 2, 12);
  });

  it("skips and counts a pair whose tag no held-out item carries", async () => {
    const q: LabeledQuery = { qid: "u2", text: "", history: { items: [2] }, exclude: [2], relevant: [1] };
    const r = await controllabilityDelta(fakeProfileModel(), [q], carries, { k: 3, top: 2 });
    // Rock: R = {1}, before [0, 1, 3] -> rank 2: 1/log2(3); after [3, 4, 5] -> 0. Jazz: nothing held out carries it.
    expect(r!.pairs).toBe(1);
    expect(r!.skipped).toBe(1);
    expect(r!.delta).toBeCloseTo(1 / Math.log2(3), 12);
    expect(r!.deltaRel).toBeCloseTo(1, 12);
  });

  it("is undefined for a model without a profile", async () => {
    const { profiles: _, ...plain } = fakeProfileModel();
    expect(await controllabilityDelta(plain as Recommender, [], carries)).toBeUndefined();
  });
});

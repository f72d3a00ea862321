import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "./testing/synthetic-domain.js";
import { tinyPairDomain } from "./testing/pair-domain.js";
import { pairSupport, pairTables } from "./pair-features.js";
import { addPrior, pairFeaturesWithData, priorParts, priorScores, tablesFromArrays, tablesToArrays, type PairPrior } from "./pair-prior.js";

// tinyPairDomain: user 0 played item 1 nine times and item 2 once; train "indie rock" lists 2, 3 (user 0) and 3 (user 1).
const prior: PairPrior = { features: ["history", "cooccurrence", "tagged"], weights: Float32Array.of(0.5, 2, -1), tables: pairTables(tinyPairDomain()) };

describe("pair prior", () => {
  it("adds w_f · log(1 + count) per feature, as named parts that sum to the added score", () => {
    const request = { text: "indie rock", user: 0 };
    // item 2: one play, one other "indie rock" request lists it (user 0's), user 0 chose it once.
    const parts = priorParts(prior, request, 2);
    expect(parts.history).toBeCloseTo(0.5 * Math.log(2), 6);
    expect(parts.cooccurrence).toBeCloseTo(2 * Math.log(2), 6);
    expect(parts.tagged).toBeCloseTo(-Math.log(2), 6);
    expect(priorParts(prior, request, 0)).toEqual({ history: 0, cooccurrence: 0, tagged: 0 });
    const scores = priorScores(prior, request);
    expect([...scores.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(scores.get(1)).toBeCloseTo(0.5 * Math.log(10), 6);
    expect(scores.get(3)).toBeCloseTo(2 * Math.log(3) - Math.log(2), 6);
    const dense = new Float32Array(5).fill(1);
    addPrior(prior, request, dense);
    expect(dense[0]).toBe(1);
    expect(dense[3]).toBeCloseTo(1 + 2 * Math.log(3) - Math.log(2), 5);
    expect(Array.from(pairSupport(prior.tables, request))).toEqual([1, 2, 3, 4]);
  });

  it("reads a request's own history instead of the user's plays", () => {
    const scores = priorScores(prior, { text: "jazz", history: { items: [4], weights: [3] } });
    expect([...scores.keys()]).toEqual([4]);
    expect(scores.get(4)).toBeCloseTo(0.5 * Math.log(4), 6);
  });

  it("keeps only the features the domain has data for", () => {
    expect(pairFeaturesWithData(tinyPairDomain(), ["tagged", "history", "cooccurrence"])).toEqual(["history", "cooccurrence", "tagged"]);
    const noListening = makeSyntheticDomain({ withUsers: false });
    expect(pairFeaturesWithData(noListening, ["history", "cooccurrence", "tagged"])).toEqual(["cooccurrence"]);
  });

  it("round-trips through arrays, storing only the tables its features read", () => {
    const only: PairPrior = { ...prior, features: ["cooccurrence"], weights: Float32Array.of(2) };
    const stored = tablesToArrays(only, 2);
    expect(stored.arrays.map((a) => a.name).filter((n) => n.includes("plays") || n.includes("tagged"))).toEqual([]);
    const back = tablesFromArrays(only.features, stored.phrases, 5, 2, new Map(stored.arrays.map((a) => [a.name, a])), "model.json");
    expect([...priorScores(back, { text: "some sad indie rock" })].sort()).toEqual([...priorScores(only, { text: "some sad indie rock" })].sort());
    const all = tablesToArrays(prior, 2);
    const full = tablesFromArrays(prior.features, all.phrases, 5, 2, new Map(all.arrays.map((a) => [a.name, a])), "model.json");
    for (const item of [0, 1, 2, 3, 4]) expect(priorParts(full, { text: "indie rock", user: 0 }, item)).toEqual(priorParts(prior, { text: "indie rock", user: 0 }, item));
    const broken = new Map(all.arrays.filter((a) => a.name !== "pair/tagged/values").map((a) => [a.name, a]));
    expect(() => tablesFromArrays(prior.features, all.phrases, 5, 2, broken, "model.json")).toThrow(/model.json: array pair\/tagged\/values is missing/);
  });
});

/**
 * @file CPCD's official scoring on cases small enough to check by hand (expected values written as arithmetic).
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../errors.js";
import { CPCD_COLUMNS, remainingAt, scoreDialogues, seedTracks, toClusters, turnMetrics, type CpcdGold } from "./protocol.js";

/** `head`, then filler clusters f0, f1, ... up to `length` predictions. */
function ranked(head: readonly string[], length = 100): string[] {
  return [...head, ...Array.from({ length: length - head.length }, (_, i) => `f${i}`)];
}

/** `gold` placed at 1-based `ranks`, fillers everywhere else: 100 predictions. */
function withGoldAt(at: Readonly<Record<number, string>>, length = 100): string[] {
  let filler = 0;
  return Array.from({ length }, (_, i) => at[i + 1] ?? `f${filler++}`);
}

describe("toClusters (eval.py convert_to_cluster_ids)", () => {
  it("maps tracks to clusters and keeps each cluster once, at its first position", () => {
    const cluster: Record<string, string> = { a: "x", b: "y", c: "x", d: "z", e: "y" };
    expect(toClusters(["a", "b", "c", "d", "e"], (id) => cluster[id])).toEqual(["x", "y", "z"]);
    expect(toClusters([], (id) => cluster[id])).toEqual([]);
  });
});

describe("seedTracks (eval.py get_seed_tracks, num_previous_tracks = 3)", () => {
  it("turn 0 has none; turn t gets the first 3 liked results of turn t - 1; the last turn's likes seed nothing", () => {
    const turns = [{ liked: ["a", "b", "c", "d"] }, { liked: [] }, { liked: ["e", "f"] }, { liked: ["g"] }];
    expect(seedTracks(turns)).toEqual([[], ["a", "b", "c"], [], ["e", "f"]]);
    expect(seedTracks(turns, 1)).toEqual([[], ["a"], [], ["e"]]);
  });

  it("seeds accumulate: a turn is scored without the seeds of every turn up to it", () => {
    const gold: CpcdGold = { goal: ["g1", "g2", "g3", "g4"], seeds: [[], ["g1", "x"], [], ["g3"]] };
    expect(remainingAt(gold, 0, gold.goal)).toEqual(["g1", "g2", "g3", "g4"]);
    expect(remainingAt(gold, 1, gold.goal)).toEqual(["g2", "g3", "g4"]);
    expect(remainingAt(gold, 2, gold.goal)).toEqual(["g2", "g3", "g4"]);
    expect(remainingAt(gold, 3, ["x", "g3", "g2", "y"])).toEqual(["g2", "y"]);
  });
});

describe("turnMetrics (metrics.py compute_metrics)", () => {
  // gold g1 at rank 3, g2 at rank 7, g3 at rank 50; g4 not retrieved.
  const m = turnMetrics(withGoldAt({ 3: "g1", 7: "g2", 50: "g3" }), ["g1", "g2", "g3", "g4"]);

  it("hit@k: 1 when any of the top k is gold", () => {
    expect([m["hit@1"], m["hit@5"], m["hit@10"], m["hit@20"], m["hit@100"]]).toEqual([0, 1, 1, 1, 1]);
  });

  it("recall@k: gold clusters in the top k over all gold clusters", () => {
    expect(m["recall@1"]).toBe(0);
    expect(m["recall@5"]).toBeCloseTo(1 / 4, 12);
    expect(m["recall@10"]).toBeCloseTo(2 / 4, 12);
    expect(m["recall@20"]).toBeCloseTo(2 / 4, 12);
    expect(m["recall@100"]).toBeCloseTo(3 / 4, 12);
  });

  it("mrr@k: one over the rank of the first gold cluster, when it is within the top k", () => {
    expect(m["mrr@1"]).toBe(0);
    expect(m["mrr@5"]).toBeCloseTo(1 / 3, 12);
    expect(m["mrr@100"]).toBeCloseTo(1 / 3, 12);
    const first = turnMetrics(withGoldAt({ 1: "g1" }), ["g1"]);
    expect([first["mrr@1"], first["hit@1"], first["recall@1"]]).toEqual([1, 1, 1]);
  });

  it("has exactly the 15 report columns", () => {
    expect(Object.keys(m).sort()).toEqual([...CPCD_COLUMNS].sort());
    expect(CPCD_COLUMNS).toHaveLength(15);
  });

  it("refuses what metrics.py refuses: duplicates, and fewer than 100 predictions", () => {
    expect(() => turnMetrics(ranked(["g1", "g1"]), ["g1"])).toThrow(/Predictions should be unique/);
    expect(() => turnMetrics(ranked(["g1"]), ["g1", "g1"])).toThrow(/Gold item list should be unique/);
    expect(() => turnMetrics(ranked(["g1"], 99), ["g1"])).toThrow(/k is larger than the number of retrieved preds, 100 > 99/);
  });
});

describe("scoreDialogues (eval.py score_dataset)", () => {
  // A: goal g1 g2 g3; turn 1 is scored without seed g1, turn 2 without g1 and g2.
  // B: goal h1, which turn 1 seeds: turn 1 has no gold left and is skipped.
  // C: never predicted, so never scored.
  const gold = new Map<string, CpcdGold>([
    ["A", { goal: ["g1", "g2", "g3"], seeds: [[], ["g1"], ["g2"]] }],
    ["B", { goal: ["h1"], seeds: [[], ["h1"]] }],
    ["C", { goal: ["k1"], seeds: [[]] }],
  ]);
  const predictions = new Map<string, string[][]>([
    [
      "A",
      [
        ranked(["g1"]), // turn 0: g1 first
        ranked(["g1", "g2"], 101), // turn 1: the seed g1 is removed, so g2 is first of 100
        withGoldAt({ 10: "g3" }), // turn 2: g3 at rank 10
      ],
    ],
    ["B", [ranked([]), ranked(["h1"], 101)]], // turn 0: h1 not retrieved
  ]);
  const scores = scoreDialogues(gold, predictions);
  const s = scores.summary;

  it("macro: the mean over dialogues of each dialogue's mean over its scored turns", () => {
    expect(s.metrics["hit@1"]).toBeCloseTo(((1 + 1 + 0) / 3 + 0) / 2, 12);
    expect(s.metrics["recall@1"]).toBeCloseTo(((1 / 3 + 1 / 2 + 0) / 3 + 0) / 2, 12);
    expect(s.metrics["recall@10"]).toBeCloseTo(((1 / 3 + 1 / 2 + 1) / 3 + 0) / 2, 12);
    expect(s.metrics["mrr@10"]).toBeCloseTo(((1 + 1 + 1 / 10) / 3 + 0) / 2, 12);
    expect(s.metrics["mrr@5"]).toBeCloseTo(((1 + 1 + 0) / 3 + 0) / 2, 12);
  });

  it("micro: the mean over scored turns", () => {
    expect(scores.micro["hit@1"]).toBeCloseTo((1 + 1 + 0 + 0) / 4, 12);
    expect(scores.micro["mrr@10"]).toBeCloseTo((1 + 1 + 1 / 10 + 0) / 4, 12);
  });

  it("counts scored turns, skipped turns and dialogues; standard errors are over dialogue means", () => {
    expect([s.queries, s.skippedEmpty, scores.dialogues]).toEqual([4, 1, 2]);
    // hit@1 per dialogue: 2/3 and 0; mean 1/3; sample variance ((1/3)^2 + (1/3)^2) / 1; stderr sqrt(var / 2).
    expect(s.stderr["hit@1"]).toBeCloseTo(Math.sqrt((2 * (1 / 3) ** 2) / 2), 12);
  });

  it("zips each dialogue's predicted turns with its seed lists: turns past the shorter one are not scored", () => {
    const short = scoreDialogues(gold, new Map([["A", [ranked(["g1"])]]]));
    expect([short.summary.queries, short.summary.skippedEmpty, short.summary.metrics["hit@1"]]).toEqual([1, 0, 1]);
  });

  it("a dialogue without a scored turn (an empty goal playlist) adds nothing to the macro average", () => {
    const allSeeds = new Map<string, CpcdGold>([...gold, ["D", { goal: ["d1"], seeds: [[], []] }], ["E", { goal: [], seeds: [[]] }]]);
    const r = scoreDialogues(allSeeds, new Map([["D", [ranked(["d1"]), ranked([])]], ["E", [ranked([])]]]));
    expect([r.dialogues, r.summary.queries, r.summary.skippedEmpty, r.summary.metrics["hit@1"]]).toEqual([1, 2, 1, 1 / 2]);
  });

  it("stops where eval.py stops: fewer than 100 predictions left after seed removal, or an unknown dialogue", () => {
    const tooFew = new Map([["A", [ranked(["g1"]), ranked(["g1", "g2"], 100)]]]);
    const err = (() => {
      try {
        scoreDialogues(gold, tooFew);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^cpcd A:1: only 99 predicted clusters remain after cluster de-duplication and seed removal/);
    expect(() => scoreDialogues(gold, new Map([["Z", [ranked([])]]]))).toThrow(/predictions for dialogue Z, which the evaluated split does not have/);
  });
});

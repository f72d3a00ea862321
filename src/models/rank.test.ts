import { describe, expect, it } from "vitest";
import { fromRows } from "../core/matrix.js";
import { InputError } from "../errors.js";
import { checkCanRank, contextReport, presentParts, rankByScoring, rankFromScores } from "./rank.js";
import { fixedOrderModel } from "./testing/fixed-order.js";

describe("rankFromScores", () => {
  it("takes the top k per row, best first, ties by lower index, never an excluded item", () => {
    const scores = fromRows([
      [0.1, 0.9, 0.5, 0.9],
      [3, 2, 1, 0],
    ]);
    const lists = rankFromScores(scores, { k: 3, exclude: [new Set([1])] });
    expect(Array.from(lists[0].items)).toEqual([3, 2, 0]);
    expect(Array.from(lists[0].scores)).toEqual([Math.fround(0.9), Math.fround(0.5), Math.fround(0.1)]);
    expect(Array.from(lists[1].items)).toEqual([0, 1, 2]);
  });
  it("returns every allowed item when k exceeds them", () => {
    const lists = rankFromScores(fromRows([[1, 2, 3]]), { k: 10, exclude: [new Set([2])] });
    expect(Array.from(lists[0].items)).toEqual([1, 0]);
  });
  it("rejects a bad k and more masks than requests", () => {
    expect(() => rankFromScores(fromRows([[1]]), { k: 0 })).toThrow(InputError);
    expect(() => rankFromScores(fromRows([[1]]), { k: 1, exclude: [undefined, undefined] })).toThrow(/exclude has 2 entries for 1 requests/);
  });
});

describe("rankByScoring", () => {
  it("scores in batches and keeps each request's own mask", async () => {
    const lists = await rankByScoring(fixedOrderModel(5), [{ text: "a" }, { text: "b" }, { text: "c" }], { k: 2, exclude: [undefined, new Set([0]), new Set([0, 1])] }, 2);
    expect(lists.map((l) => Array.from(l.items))).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe("context parts", () => {
  it("lists the parts a request carries", () => {
    expect(presentParts({ text: "  " })).toEqual([]);
    expect(presentParts({ text: "jazz", user: 0, history: { items: [] } })).toEqual(["text", "user"]);
    expect(presentParts({ text: "", history: { items: [3] }, profile: { prototypeWeights: { rock: 0 } } })).toEqual(["history", "profile"]);
  });
  it("splits them into used and ignored", () => {
    expect(contextReport({ uses: ["text", "user"], needs: ["text"] }, ["text", "profile", "adapter"])).toEqual({ used: ["text"], ignored: ["profile", "adapter"] });
  });
  it("refuses a model that needs what a benchmark's requests never carry", () => {
    expect(() => checkCanRank("twotower", { uses: ["user"], needs: ["user"] }, ["text", "turns"], "cpcd")).toThrow(
      "model twotower cannot rank cpcd requests: it needs user, which they do not carry (they carry text, turns)",
    );
    expect(() => checkCanRank("bm25", { uses: ["text"], needs: ["text"] }, ["text", "turns"], "cpcd")).not.toThrow();
  });
});

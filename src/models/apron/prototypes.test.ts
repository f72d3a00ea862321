import { describe, expect, it } from "vitest";
import { fromRows, matrix } from "../../core/matrix.js";
import { csrFromEntries } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { buildPrototypes, itemPlays, prototypeVectors } from "./prototypes.js";

/** 4 items; tags: rock on items 0 (x3), 1 (x1), 3 (x1); jazz on 2 (x2); folk on 3 (x1). Plays per item by 2 users. */
function tagged(): Domain {
  const vocabulary = ["folk", "jazz", "rock"];
  return {
    name: "tiny",
    items: {
      ids: ["a", "b", "c", "d"],
      names: ["A", "B", "C", "D"],
      texts: {},
      features: {},
      popularity: new Float32Array(4),
      tagCounts: {
        vocabulary,
        counts: csrFromEntries(4, 3, [
          { row: 0, col: 2, value: 3 },
          { row: 1, col: 2, value: 1 },
          { row: 3, col: 2, value: 1 },
          { row: 2, col: 1, value: 2 },
          { row: 3, col: 0, value: 1 },
        ]),
      },
    },
    users: { ids: ["u", "v"], features: {} },
    train: [],
    val: [],
    // Plays: item 0: 5, item 1: 40 + 2 = 42, item 2: 7, item 3: 1.
    interactions: csrFromEntries(2, 4, [
      { row: 0, col: 0, value: 5 },
      { row: 0, col: 1, value: 40 },
      { row: 1, col: 1, value: 2 },
      { row: 1, col: 2, value: 7 },
      { row: 1, col: 3, value: 1 },
    ]),
    queryEncoderId: "none",
    encodeQueries: async (t) => matrix(t.length, 0),
  };
}

describe("buildPrototypes", () => {
  it("takes the most frequent training tags (ties by vocabulary order), each with its most-played carrier", () => {
    const d = tagged();
    expect(Array.from(itemPlays(d))).toEqual([5, 42, 7, 1]);
    const p = buildPrototypes(d, 2);
    // Totals: rock 3 + 1 + 1 = 5, jazz 2, folk 1.
    expect(p.list).toEqual([
      { tag: "rock", count: 5, exemplar: 1 }, // item 1 has 42 plays, more than item 0 (5) or item 3 (1)
      { tag: "jazz", count: 2, exemplar: 2 },
    ]);
    expect(Array.from(p.membership.data)).toEqual([3, 0, 1, 0, 0, 2, 1, 0]);
    expect(buildPrototypes(d, 80).list.map((x) => x.tag)).toEqual(["rock", "jazz", "folk"]);
  });

  it("refuses a domain without training tags", () => {
    const d = tagged();
    expect(() => buildPrototypes({ ...d, items: { ...d.items, tagCounts: undefined } })).toThrow(/no training tags/);
  });
});

describe("prototypeVectors", () => {
  it("is the count-weighted mean of the carriers' features", () => {
    const membership = fromRows([[3, 0], [1, 0], [0, 2], [1, 0]]);
    const features = fromRows([[1, 0], [0, 1], [2, 2], [0, 0]]);
    // rock: (3·[1,0] + 1·[0,1] + 1·[0,0]) / 5 = [0.6, 0.2]; jazz: [2, 2].
    const v = prototypeVectors(membership, features);
    expect(Array.from(v.data).map((x) => +x.toFixed(6))).toEqual([0.6, 0.2, 2, 2]);
  });
});

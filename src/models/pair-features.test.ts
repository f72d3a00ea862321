import { describe, expect, it } from "vitest";
import { tinyPairDomain as tiny } from "./testing/pair-domain.js";
import { pairFeatureRows, pairFeatures, pairSupport, pairTables, trainedPhrases } from "./pair-features.js";

describe("pair features", () => {
  const t = pairTables(tiny());

  it("finds trained phrases: the whole text, else the longest contained ones", () => {
    expect(trainedPhrases(t, "indie rock")).toEqual(["indie rock"]);
    expect(trainedPhrases(t, "some sad indie rock please")).toEqual(["sad", "indie rock"]);
    expect(trainedPhrases(t, "jazz")).toEqual([]);
  });

  it("gives log(1 + count) of plays, co-occurrence and the user's own earlier choices, per item", () => {
    const [history, cooc, tagged] = pairFeatures(t, { text: "indie rock", user: 0 });
    expect(Array.from(history)).toEqual([0, Math.log(10), Math.log(2), 0, 0].map(Math.fround));
    expect(Array.from(cooc)).toEqual([0, 0, Math.log(2), Math.log(3), 0].map(Math.fround));
    expect(Array.from(tagged)).toEqual([0, 0, Math.log(2), Math.log(2), Math.log(2)].map(Math.fround));
    const anonymous = pairFeatures(t, { text: "sad indie rock", history: { items: [4], weights: [3] } });
    expect(Array.from(anonymous[0])).toEqual([0, 0, 0, 0, Math.log(4)].map(Math.fround));
    expect(Array.from(anonymous[1])).toEqual([0, 0, Math.log(2), Math.log(3), Math.log(2)].map(Math.fround));
    expect(Array.from(anonymous[2])).toEqual([0, 0, 0, 0, 0]);
  });

  it("leaves a train query's own answers out when it is one of the counted queries", () => {
    const train = tiny().train;
    // q1 (user 0, "indie rock" -> [2, 3]): without itself, item 2 has no co-occurrence and no earlier choice, item 3 one of each... by user 1
    const rows = pairFeatureRows(t, train, [0, 0, 0], [2, 3, 4], { countsThemselves: true });
    expect(Array.from(rows)).toEqual([
      Math.log(2), 0, 0, // item 2: played once; its only co-occurrence and user-0 count were q1 itself
      0, Math.log(2), 0, // item 3: q2 (user 1) still lists it; user 0 chose it only in q1
      0, 0, Math.log(2), // item 4: not q1's answer: user 0's "sad" query still counts
    ].map(Math.fround));
  });

  it("lists the items any feature counts (where informative negatives come from)", () => {
    expect(Array.from(pairSupport(t, { text: "indie rock", user: 0 }))).toEqual([1, 2, 3, 4]);
    expect(Array.from(pairSupport(t, { text: "jazz" }))).toEqual([]);
  });

  it("gives the same values pair by pair as item by item", () => {
    const requests = [{ text: "indie rock", user: 0 }, { text: "sad", user: 1 }];
    const rows = pairFeatureRows(t, requests, [0, 0, 1, 1], [2, 4, 3, 4]);
    const dense = requests.map((r) => pairFeatures(t, r));
    const expected = [[0, 2], [0, 4], [1, 3], [1, 4]].flatMap(([r, i]) => dense[r].map((f) => f[i]));
    expect(Array.from(rows)).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { cotagEmbeddings, multiHot, tagVocabulary, topTagsByCount } from "./tags.js";

const cos = (m: { cols: number; data: Float32Array }, a: number, b: number) => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < m.cols; j++) {
    const x = m.data[a * m.cols + j];
    const y = m.data[b * m.cols + j];
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return d / Math.sqrt(na * nb);
};

describe("multiHot", () => {
  it("marks each item's tags, ignoring repeats and tags outside the vocabulary", () => {
    const { vocabulary, matrix } = multiHot([["rock"], ["pop", "rock", "rock"], []]);
    expect(vocabulary.tags).toEqual(["pop", "rock"]);
    expect(Array.from(matrix.data)).toEqual([0, 1, 1, 1, 0, 0]);
    const fixed = multiHot([["jazz", "rock"]], tagVocabulary([["rock"]]));
    expect(Array.from(fixed.matrix.data)).toEqual([1]);
  });
});

describe("cotagEmbeddings", () => {
  // Two tag communities: {rock, guitar, loud} and {ambient, piano, calm}; item 6 has no tags.
  const items = [
    ["rock", "guitar"],
    ["rock", "loud"],
    ["guitar", "loud", "rock"],
    ["ambient", "piano"],
    ["piano", "calm"],
    ["ambient", "calm", "piano"],
    [],
  ];

  it("puts items of the same community close and items of different ones apart", () => {
    const { items: m, vocabulary } = cotagEmbeddings(items, { k: 2, seed: 1 });
    expect([m.rows, m.cols]).toEqual([7, 2]);
    expect(vocabulary.tags.length).toBe(6);
    expect(cos(m, 0, 1)).toBeGreaterThan(0.9);
    expect(cos(m, 3, 4)).toBeGreaterThan(0.9);
    expect(Math.abs(cos(m, 0, 3))).toBeLessThan(0.1);
    expect(Array.from(m.data.subarray(12, 14))).toEqual([0, 0]);
  });

  it("is deterministic for a seed and caps k at the number of tags", () => {
    const a = cotagEmbeddings(items, { seed: 5 });
    const b = cotagEmbeddings(items, { seed: 5 });
    expect(a.items.cols).toBe(6);
    expect(a.items.data).toEqual(b.items.data);
  });

  it("drops a tag every item carries (idf 0)", () => {
    const { items: m, singularValues } = cotagEmbeddings([["x", "a"], ["x", "b"]], { k: 2, seed: 0 });
    // Only a and b remain, one per item: two equal singular values ln(2)·ln(2).
    expect(singularValues[0]).toBeCloseTo(Math.log(2) * Math.log(2), 10);
    expect(singularValues[1]).toBeCloseTo(Math.log(2) * Math.log(2), 10);
    expect(m.rows).toBe(2);
  });
});

describe("topTagsByCount", () => {
  it("orders by count descending, then tag id ascending, keeps k, and gives [] to untagged items", () => {
    const counts = [new Map([[7, 1], [3, 2], [5, 1], [9, 1]]), new Map<number, number>()];
    expect(topTagsByCount(counts, 3)).toEqual([[3, 5, 7], []]);
  });
});

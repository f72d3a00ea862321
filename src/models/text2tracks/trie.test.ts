import { describe, expect, it } from "vitest";
import { PrefixTrie } from "./trie.js";

const seqs = (xs: number[][]) => xs.map((s) => Int32Array.from(s));

describe("PrefixTrie", () => {
  it("maps token sequences to items and back, and counts leaves", () => {
    const t = PrefixTrie.build(seqs([[0, 1], [0, 2, 5], [0, 2, 6], [3]]));
    expect(t.items).toBe(4);
    expect([t.itemOf([0, 1]), t.itemOf([0, 2, 6]), t.itemOf([3]), t.itemOf([0, 2]), t.itemOf([9])]).toEqual([0, 2, 3, -1, -1]);
    expect(t.tokensOf(1)).toEqual([0, 2, 5]);
    expect(t.leaves[0]).toBe(4);
    expect(t.maxChildren).toBe(2);
  });

  it("refuses ids that could not be decoded to one item", () => {
    expect(() => PrefixTrie.build(seqs([[0, 1], [0, 1]]))).toThrow(/same identifier/);
    expect(() => PrefixTrie.build(seqs([[0], [0, 1]]))).toThrow(/prefix/);
    expect(() => PrefixTrie.build(seqs([[0, 1], [0]]))).toThrow(/prefix/);
    expect(() => PrefixTrie.build(seqs([[]]))).toThrow(/empty/);
  });

  it("marks a subtree dead only when all its items are excluded", () => {
    const t = PrefixTrie.build(seqs([[0, 1], [0, 2], [1, 0]]));
    const branch = t.child(0, 0);
    expect(t.deadNodes([0])(branch)).toBe(false);
    expect(t.deadNodes([0, 1])(branch)).toBe(true);
    expect(t.deadNodes([0, 1])(0)).toBe(false);
    expect(t.deadNodes([0, 1, 2])(0)).toBe(true);
    expect(t.deadNodes(undefined)(branch)).toBe(false);
  });
});

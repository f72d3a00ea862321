import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { beamSearch } from "./beam-search.js";
import { countsFromArrays, countsToArrays, nodeCounts, priorFeature } from "./count-prior.js";
import { GruDecoder, randomDecoderWeights } from "./decoder.js";
import { PrefixTrie } from "./trie.js";

const trie = PrefixTrie.build([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]].map((s) => Int32Array.from(s)));
const counts = new Map([["80s", new Map([[1, 40], [2, 25], [3, 1], [4, 9]])]]);

describe("count prior", () => {
  it("sums each counted item's count into every node on its path, by normalised text", () => {
    const n = nodeCounts(trie, counts, " 80S ")!;
    expect(n.get(0)).toBe(75);
    expect(n.get(trie.child(0, 0))).toBe(40);
    expect(n.get(trie.child(0, 1))).toBe(26);
    expect(n.get(trie.nodeOfItem[4])).toBe(9);
    expect(nodeCounts(trie, counts, "jazz")).toBeUndefined();
  });

  it("alone (decoder weights zero, prior weight 1) ranks items by their count, as counting does", () => {
    const w = randomDecoderWeights({ requestDims: 2, hidden: 4, embed: 2, vocab: 3, words: 0, depth: 2 }, mulberry32(1));
    for (const k of ["wq", "wc", "emb", "wx", "wh", "out"] as const) w[k].fill(0);
    w.pw.fill(1);
    const decoder = new GruDecoder(w);
    const n = nodeCounts(trie, counts, "80s")!;
    const depth = trie.depth;
    const out = beamSearch(trie, decoder, decoder.root(Float32Array.of(1, 0), "80s"), { k: 4, beam: 5, bias: (node) => w.pw[depth[node] - 1] * priorFeature(n.get(node) ?? 0, trie.leaves[node]) });
    expect(Array.from(out.items)).toEqual([1, 2, 4, 3]);
    // Telescoped: an item's score is log((count + α) / (all counts + α · items)).
    expect(out.scores[0]).toBeCloseTo(Math.log((40 + 0.01) / (75 + 0.01 * 5)), 5);
  });

  it("round-trips through its saved arrays", () => {
    const a = countsToArrays(counts);
    expect(countsFromArrays(a.texts, a.offsets, a.items, a.values)).toEqual(counts);
  });
});

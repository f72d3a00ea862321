import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { beamSearch } from "./beam-search.js";
import { countsFromArrays, countsToArrays, itemSmoothing, nodeCounts, PRIOR_SMOOTHING, priorFeature, smoothingMass } from "./count-prior.js";
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
    const mass = smoothingMass(trie);
    const depth = trie.depth;
    const out = beamSearch(trie, decoder, decoder.root(Float32Array.of(1, 0), "80s"), { k: 4, beam: 5, bias: (node) => w.pw[depth[node] - 1] * priorFeature(n.get(node) ?? 0, mass[node]) });
    expect(Array.from(out.items)).toEqual([1, 2, 4, 3]);
    // Telescoped: an item's score is log((count + α) / (all counts + α · items)).
    expect(out.scores[0]).toBeCloseTo(Math.log((40 + PRIOR_SMOOTHING) / (75 + PRIOR_SMOOTHING * 5)), 5);
  });

  it("breaks count ties and orders uncounted items by popularity (tag-popularity's order), each smoothing in (0, α]", () => {
    const popularity = Float32Array.of(5, 100, 0, 7, 3);
    const s = itemSmoothing(popularity);
    expect(Math.max(...s)).toBeCloseTo(PRIOR_SMOOTHING, 9);
    expect(Math.min(...s)).toBeGreaterThan(0);
    const w = randomDecoderWeights({ requestDims: 2, hidden: 4, embed: 2, vocab: 3, words: 0, depth: 2 }, mulberry32(1));
    w.out.fill(0);
    w.outB.fill(0);
    w.pw.fill(1);
    const decoder = new GruDecoder(w);
    const mass = smoothingMass(trie, s);
    const depth = trie.depth;
    const rank = (n: Map<number, number>) =>
      Array.from(beamSearch(trie, decoder, decoder.root(Float32Array.of(1, 0), ""), { k: 5, beam: 5, bias: (node) => priorFeature(n.get(node) ?? 0, mass[node]) * w.pw[depth[node] - 1] }).items);
    // Items 0 and 3 tie at 2 pairs: the more popular (3) first; the uncounted follow by popularity (1, 4, 2).
    const tied = nodeCounts(trie, new Map([["x", new Map([[0, 2], [3, 2]])]]), "x")!;
    expect(rank(tied)).toEqual([3, 0, 1, 4, 2]);
    // A text never seen in train: popularity alone.
    expect(rank(new Map())).toEqual([1, 3, 0, 4, 2]);
  });

  it("round-trips through its saved arrays", () => {
    const a = countsToArrays(counts);
    expect(countsFromArrays(a.texts, a.offsets, a.items, a.values)).toEqual(counts);
  });
});

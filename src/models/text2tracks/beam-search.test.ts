import { describe, expect, it } from "vitest";
import { fromRows } from "../../core/matrix.js";
import { mulberry32, randNormal } from "../../core/random.js";
import { beamSearch, sequenceScore } from "./beam-search.js";
import { GruDecoder, randomDecoderWeights } from "./decoder.js";
import { disambiguate } from "./ids/index.js";
import { residualQuantise } from "./ids/residual.js";
import { PrefixTrie } from "./trie.js";

/** A catalog of clustered random vectors named by 3 x 6 residual k-means codes (collisions disambiguated). */
function catalog(items: number, seed: number) {
  const rng = mulberry32(seed);
  const centres = Array.from({ length: 12 }, () => Array.from({ length: 6 }, () => randNormal(rng)));
  const x = fromRows(Array.from({ length: items }, (_, i) => centres[i % 12].map((c) => c + 0.3 * randNormal(rng))));
  const codes = residualQuantise(x, { levels: 3, codes: 6, seed });
  const raw = Array.from({ length: items }, (_, i) => codes.map((c, l) => l * 6 + c[i]));
  const ids = disambiguate(raw, Array.from({ length: 18 }, (_, t) => String(t)));
  return { trie: PrefixTrie.build(ids.sequences), sequences: ids.sequences, vocab: ids.tokens.length };
}

describe("constrained beam search", () => {
  const { trie, sequences, vocab } = catalog(1500, 3);
  const decoder = new GruDecoder(randomDecoderWeights({ requestDims: 8, hidden: 16, embed: 8, vocab, words: 0, depth: 4 }, mulberry32(9)));
  const rng = mulberry32(11);
  const request = () => Float32Array.from({ length: 8 }, () => 3 * randNormal(rng));

  it("decodes 3,000 random requests with random exclusions: 0 invalid ids, k valid distinct items, scores falling", () => {
    expect(sequences.some((s) => s.length === 4)).toBe(true); // the catalog has collisions to disambiguate
    let invalid = 0;
    let short = 0;
    for (let r = 0; r < 3000; r++) {
      const root = decoder.root(request(), "");
      const k = 1 + Math.floor(rng() * 20);
      const beam = 1 + Math.floor(rng() * 30);
      // Random items, plus (for half the requests) the request's own unrestricted best: the exclusions that matter.
      const exclude = new Set<number>(Array.from({ length: Math.floor(rng() * 300) }, () => Math.floor(rng() * trie.items)));
      if (rng() < 0.5) for (const it of beamSearch(trie, decoder, root, { k: 5, beam: 5 }).items) exclude.add(it);
      const out = beamSearch(trie, decoder, root, { k, beam, exclude });
      if (out.items.length !== Math.min(k, trie.items - exclude.size)) short++;
      for (const it of out.items) {
        const valid = Number.isInteger(it) && it >= 0 && it < trie.items && !exclude.has(it) && trie.itemOf(sequences[it]) === it;
        if (!valid) invalid++;
      }
      expect(new Set(out.items).size).toBe(out.items.length);
      for (let j = 1; j < out.scores.length; j++) expect(out.scores[j]).toBeLessThanOrEqual(out.scores[j - 1]);
    }
    expect(invalid).toBe(0);
    expect(short).toBe(0);
  });

  it("with a beam as wide as the catalog, finds the exact top k (every item scored along its path)", () => {
    for (let r = 0; r < 5; r++) {
      const root = decoder.root(request(), "");
      const all = Array.from({ length: trie.items }, (_, i) => ({ i, s: sequenceScore(trie, decoder, root, i).reduce((a, b) => a + b, 0) }));
      all.sort((a, b) => b.s - a.s || a.i - b.i);
      const out = beamSearch(trie, decoder, root, { k: 10, beam: trie.items });
      expect(Array.from(out.items)).toEqual(all.slice(0, 10).map((a) => a.i));
      out.scores.forEach((s, j) => expect(s).toBeCloseTo(all[j].s, 4));
    }
  });

  it("returns only the allowed items when fewer than k are left", () => {
    const keep = [7, 300, 301, 999, 1400];
    const exclude = new Set(Array.from({ length: trie.items }, (_, i) => i).filter((i) => !keep.includes(i)));
    const out = beamSearch(trie, decoder, decoder.root(request(), ""), { k: 10, beam: 4, exclude });
    expect([...out.items].sort((a, b) => a - b)).toEqual(keep);
  });

  it("honours an accept predicate, widening the beam until k accepted items are found", () => {
    const root = decoder.root(request(), "");
    const out = beamSearch(trie, decoder, root, { k: 10, beam: 10, accept: (i) => i % 97 === 0 });
    expect(out.items.length).toBe(10);
    for (const it of out.items) expect(it % 97).toBe(0);
  });

  it("excluding items does not change the scores of the others", () => {
    const root = decoder.root(request(), "");
    const a = beamSearch(trie, decoder, root, { k: 10, beam: 50 });
    const b = beamSearch(trie, decoder, root, { k: 9, beam: 50, exclude: [a.items[0]] });
    expect(Array.from(b.items)).toEqual(Array.from(a.items.subarray(1)));
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores.subarray(1)));
  });
});

import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../testing/synthetic-domain.js";
import { tfReady } from "../tf/backend.js";
import { beamSearch } from "./beam-search.js";
import { GruDecoder } from "./decoder.js";
import { ID_SCHEMES } from "./ids/schemes.js";
import { DecoderTrainer } from "./training.js";
import { PrefixTrie } from "./trie.js";

describe("teacher forcing", () => {
  it("learns a request -> item mapping under a sampled softmax (3 columns per position), without leaking tensors", async () => {
    const tf = await tfReady();
    const domain = makeSyntheticDomain();
    const ids = ID_SCHEMES.title.build(domain, { levels: 1, codes: 2, seed: 1 });
    const trie = PrefixTrie.build(ids.sequences);
    expect(trie.maxChildren).toBeGreaterThan(3); // the sample binds
    // 4 requests (one-hot vectors), each asking for the items of one genre.
    const requests = tf.tensor2d([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4]);
    const bags = tf.zeros([4, 1]) as never;
    const dims = { requestDims: 4, hidden: 16, embed: 8, vocab: ids.tokens.length, words: 0, depth: Math.max(...ids.sequences.map((s) => s.length)) };
    const trainer = new DecoderTrainer(dims, trie, ids.sequences, [], 3, undefined, 3);
    const optimizer = tf.train.adam(0.05);
    const pairs = domain.items.ids.map((_, i) => [domain.itemGenre[i], i]);
    const batch = { left: Int32Array.from(pairs, (p) => p[0]), item: Int32Array.from(pairs, (p) => p[1]) };
    const before = tf.memory().numTensors;
    const first = trainer.step(batch, requests, bags, optimizer);
    const afterFirst = tf.memory().numTensors; // Adam's slots appear at the first step
    let last = first;
    for (let s = 0; s < 80; s++) last = trainer.step(batch, requests, bags, optimizer);
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThan(before);
    expect(Number.isFinite(last)).toBe(true);
    // Decoded over the full trie, each request's top 5 are mostly its genre's items.
    const decoder = new GruDecoder(trainer.weights(1));
    for (let g = 0; g < 4; g++) {
      const v = Float32Array.from({ length: 4 }, (_, j) => (j === g ? 1 : 0));
      const top = beamSearch(trie, decoder, decoder.root(v, ""), { k: 5, beam: 10 }).items;
      expect(Array.from(top).filter((i) => domain.itemGenre[i] === g).length).toBeGreaterThanOrEqual(4);
    }
    trainer.dispose();
    optimizer.dispose();
    requests.dispose();
    (bags as { dispose(): void }).dispose();
  });
});

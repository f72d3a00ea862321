import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeSyntheticDomain } from "../../testing/synthetic-domain.js";
import { PrefixTrie } from "../trie.js";
import { cachedIds } from "./cache.js";
import { disambiguate, meanLength, type IdSchemeName } from "./index.js";
import { nameWords } from "./title.js";
import { ID_SCHEMES } from "./schemes.js";

const params = { levels: 2, codes: 4, seed: 1 };

describe("item ids", () => {
  it("disambiguates only the items that share a sequence", () => {
    const d = disambiguate([[0, 1], [0, 1], [1, 0]], ["a", "b"]);
    expect(d.sequences.map((s) => Array.from(s))).toEqual([[0, 1, 2], [0, 1, 3], [1, 0]]);
    expect(d.tokens).toEqual(["a", "b", "#0", "#1"]);
    expect(disambiguate([[0], [1]], ["a", "b"]).tokens).toEqual(["a", "b"]);
    // Ordered by priority within the group: the more popular item gets #0.
    expect(disambiguate([[0], [0], [1]], ["a", "b"], [1, 5, 0]).sequences.map((s) => Array.from(s))).toEqual([[0, 3], [0, 2], [1]]);
  });

  it.each(["semantic", "content", "int", "title"] as IdSchemeName[])("%s ids name every item of the synthetic catalog uniquely and decodably", (name) => {
    const domain = makeSyntheticDomain();
    const ids = ID_SCHEMES[name].build(domain, params);
    expect(ids.sequences.length).toBe(domain.items.ids.length);
    const trie = PrefixTrie.build(ids.sequences); // throws on duplicates or prefixes
    ids.sequences.forEach((s, i) => {
      expect(trie.itemOf(s)).toBe(i);
      for (const t of s) expect(t >= 0 && t < ids.tokens.length).toBe(true);
    });
  });

  it("semantic ids: L codes, plus one token only where items share a path; similar items share a first code", () => {
    const domain = makeSyntheticDomain();
    const ids = ID_SCHEMES.semantic.build(domain, params);
    for (const s of ids.sequences) expect(s.length === 2 || s.length === 3).toBe(true);
    expect(meanLength(ids)).toBeLessThanOrEqual(3);
    expect(ids.source).toMatch(/items\.features\.cf/);
    // The synthetic CF vectors cluster by genre (4 genres, 4 first-level codes): each genre mostly one first code.
    const byGenre = new Map<number, Map<number, number>>();
    ids.sequences.forEach((s, i) => {
      const g = domain.itemGenre[i];
      const m = byGenre.get(g) ?? new Map<number, number>();
      m.set(s[0], (m.get(s[0]) ?? 0) + 1);
      byGenre.set(g, m);
    });
    for (const m of byGenre.values()) expect(Math.max(...m.values())).toBeGreaterThanOrEqual(8);
  });

  it("int ids are fixed-width digits; title ids are the name's words and an end token", () => {
    const domain = makeSyntheticDomain();
    const ints = ID_SCHEMES.int.build(domain, params);
    expect(Array.from(ints.sequences[7])).toEqual([0, 7]);
    const titles = ID_SCHEMES.title.build(domain, params);
    const words = nameWords(domain.items.names[3]);
    expect(titles.sequences[3].length).toBeGreaterThanOrEqual(words.length + 1);
    expect(Array.from(titles.sequences[3].subarray(0, words.length), (t) => titles.tokens[t])).toEqual(words);
    expect(nameWords("!!!")).toEqual(["!!!"]);
    expect(nameWords("Röyksopp & The Knife")).toEqual(["röyksopp", "the", "knife"]);
  });

  it("title ids refuse a catalog whose items mostly have no name of their own", () => {
    const d = makeSyntheticDomain();
    const unnamed = { ...d, items: { ...d.items, names: d.items.ids } };
    expect(() => ID_SCHEMES.title.build(unnamed, params)).toThrow(/have no name of their own/);
  });

  it("are cached on disk by their inputs: read back identical, rebuilt when an input changes", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-ids-"));
    try {
      const domain = makeSyntheticDomain();
      const first = await cachedIds(ID_SCHEMES.semantic, domain, params, dir);
      const again = await cachedIds(ID_SCHEMES.semantic, domain, params, dir);
      expect([first.cached, again.cached]).toEqual([false, true]);
      expect(again.ids.sequences.map((s) => Array.from(s))).toEqual(first.ids.sequences.map((s) => Array.from(s)));
      expect(again.ids.tokens).toEqual(first.ids.tokens);
      const other = await cachedIds(ID_SCHEMES.semantic, domain, { ...params, seed: 2 }, dir);
      expect(other.cached).toBe(false);
      await fs.writeFile(first.file!, "{ broken");
      expect((await cachedIds(ID_SCHEMES.semantic, domain, params, dir)).cached).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

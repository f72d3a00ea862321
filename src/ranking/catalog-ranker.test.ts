import { describe, expect, it } from "vitest";
import { MemoryCatalog } from "../store/memory/index.js";
import { FAKE_DIMS, fakeEncode, syntheticItems } from "../store/testing.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { CatalogRanker, MAX_REQUEST_CHARS, type TasteSource } from "./catalog-ranker.js";
import { NotFoundError } from "../errors.js";

const encoder: TextEncoder = { id: "trigram-8", dims: FAKE_DIMS, encode: async (texts) => fakeEncode(texts) };
const items = syntheticItems(120);
const catalog = new MemoryCatalog("t", items, { tagtext: fakeEncode(items.map((it) => it.text)) }, encoder.id);

describe("CatalogRanker", () => {
  it("returns k results, best first, whose components sum to the score", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder);
    const answer = await ranker.ask("happy jazz piano", { k: 7 });
    expect(answer.results).toHaveLength(7);
    answer.results.forEach((r, i) => {
      expect(r.rank).toBe(i + 1);
      const sum = Object.values(r.components).reduce((s, v) => s + v, 0);
      expect(r.score).toBeCloseTo(sum, 6);
      if (i > 0) expect(r.score).toBeLessThanOrEqual(answer.results[i - 1].score);
    });
    // The lexical component rewards exact words: the best result carries at least one asked-for tag.
    expect(answer.results[0].item.tags.some((t) => ["happy", "jazz", "piano"].includes(t))).toBe(true);
  });

  it("never returns an item carrying a tag the request excludes", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder);
    const answer = await ranker.ask("Rock songs but no guitar", { k: 50 });
    expect(answer.request.excludeTags).toContain("guitar");
    expect(answer.results.length).toBeGreaterThan(0);
    for (const r of answer.results) expect(r.item.tags.map((t) => t.toLowerCase())).not.toContain("guitar");
  });

  it("a request that is only a constraint ('no guitar') embeds nothing: constraints over popularity (issue 15)", async () => {
    const seen: string[] = [];
    const spy: TextEncoder = { ...encoder, encode: async (texts) => (seen.push(...texts), fakeEncode(texts)) };
    const ranker = await CatalogRanker.open(catalog, spy);
    seen.length = 0;
    const answer = await ranker.ask("no guitar", { k: 10 });
    expect(seen).toEqual([]);
    expect(answer.request).toMatchObject({ text: "", excludeTags: expect.arrayContaining(["guitar"]) });
    expect(answer.results).toHaveLength(10);
    for (const r of answer.results) {
      expect(r.item.tags.map((t) => t.toLowerCase())).not.toContain("guitar");
      expect(r.components.semantic ?? 0).toBe(0);
    }
  });

  it("never returns an excluded artist, and every id exists in the catalog", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder);
    const answer = await ranker.ask("Morning songs, not by Artist 3", { k: 30 });
    expect(answer.request.excludeArtists).toEqual(["Artist 3"]);
    const ids = new Set(items.map((it) => it.id));
    for (const r of answer.results) {
      expect(r.item.artist).not.toBe("Artist 3");
      expect(ids.has(r.item.id)).toBe(true);
    }
  });

  it("adds a taste component for a user and lets it move the ranking", async () => {
    const favourite = items[77].id;
    const taste: TasteSource = {
      async affinities(user, ids) {
        if (user !== "u1") throw new NotFoundError("user", user, ["u1"]);
        return Float32Array.from(ids, (id) => (id === favourite ? 1 : 0));
      },
    };
    const ranker = await CatalogRanker.open(catalog, encoder, { taste, weights: { taste: 10 } });
    const plain = await ranker.ask(items[77].text, { k: 5 });
    expect(plain.results[0].components.taste).toBeUndefined();
    const personal = await ranker.ask(items[77].text, { k: 5, user: "u1" });
    expect(personal.results[0].item.id).toBe(favourite);
    expect(personal.results[0].components.taste).toBeCloseTo(10, 6);
    await expect(ranker.ask("jazz", { user: "nobody" })).rejects.toThrow(/unknown user "nobody"/);
  });

  it("rejects empty, oversized and k-out-of-range requests with a clear error", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder);
    await expect(ranker.ask("   ")).rejects.toThrow(/request is empty/);
    await expect(ranker.ask("x".repeat(MAX_REQUEST_CHARS + 1))).rejects.toThrow(/limit is 2000/);
    await expect(ranker.ask("jazz", { k: 0 })).rejects.toThrow(/k must be an integer from 1 to 100/);
    await expect(ranker.ask("jazz", { user: "u1" })).rejects.toThrow(/--user is not available/);
  });

  it("gives the same answers from its in-memory mirror as from the catalog's own search", async () => {
    const memory = await CatalogRanker.open(catalog, encoder);
    const store = await CatalogRanker.open(catalog, encoder, { search: "store" });
    for (const request of ["happy jazz piano", "Rock songs but no guitar", "Morning songs, not by Artist 3"]) {
      const a = await memory.ask(request, { k: 15 });
      const b = await store.ask(request, { k: 15 });
      expect(a.results.map((r) => r.item.id)).toEqual(b.results.map((r) => r.item.id));
    }
  });

  it("refuses a catalog built with another encoder", async () => {
    const other: TextEncoder = { ...encoder, id: "other" };
    await expect(CatalogRanker.open(catalog, other)).rejects.toThrow(/re-run askmusic ingest t/);
  });
});

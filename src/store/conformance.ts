/**
 * @file The shared Catalog test suite and its synthetic catalog: every implementation runs the same checks.
 */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { InputError, NotFoundError } from "../errors.js";
import { matchesFilter, normalizeFilter, type Catalog, type CatalogBatch, type CatalogFilter } from "./catalog.js";
import { fakeEncode, syntheticBatches, syntheticItems } from "./testing.js";

/** Options of {@link runCatalogSuite}. */
export interface CatalogSuiteOptions {
  /** Builds a catalog named `name` from the batches. */
  readonly create: (name: string, batches: CatalogBatch[]) => Promise<Catalog>;
  /** Items in the synthetic catalog [n=300]. */
  readonly n?: number;
}

/** The checks every Catalog implementation must pass. */
export function runCatalogSuite(label: string, { create, n = 300 }: CatalogSuiteOptions): void {
  describe(`${label}: Catalog conformance`, () => {
    const items = syntheticItems(n);
    const byId = new Map(items.map((it) => [it.id, it]));
    let catalog: Catalog;
    beforeAll(async () => {
      catalog = await create("synthetic", syntheticBatches(items));
    });
    afterAll(() => catalog?.close());

    it("counts, lists and describes its items", async () => {
      expect(await catalog.count()).toBe(n);
      expect(catalog.vectorColumns().sort()).toEqual(["name", "tagtext"]);
      expect(catalog.info()).toMatchObject({ name: catalog.name, count: n, vectorColumns: { tagtext: 8, name: 8 } });
      const all = await catalog.allItems();
      expect(all).toHaveLength(n);
      expect(new Map(all.map((it) => [it.id, it]))).toEqual(byId);
    });

    it("gets items by id in the order asked and leaves unknown ids out", async () => {
      const got = await catalog.get(["item_0042", "nope", "item_0007", "item_0042"]);
      expect(got.map((it) => it.id)).toEqual(["item_0042", "item_0007", "item_0042"]);
      expect(got[0]).toEqual(byId.get("item_0042"));
      expect(got[1].artist).toBe("Artist 0");
      expect((await catalog.get(["item_0000"]))[0].artist).toBeUndefined();
    });

    it("finds an item's own vector first, with distance ~0", async () => {
      const target = items[123];
      const q = fakeEncode([target.title!]).data;
      const hits = await catalog.vectorSearch(q, { column: "name", k: 5 });
      expect(hits).toHaveLength(5);
      expect(hits[0].item.id).toBe(target.id);
      expect(hits[0].distance).toBeLessThan(1e-4);
      for (let i = 1; i < hits.length; i++) expect(hits[i].distance).toBeGreaterThanOrEqual(hits[i - 1].distance - 1e-6);
    });

    it("returns every item when k exceeds the catalog", async () => {
      const hits = await catalog.vectorSearch(fakeEncode(["jazz"]).data, { column: "tagtext", k: n + 50 });
      expect(hits).toHaveLength(n);
    });

    it("never returns items whose vector in the column is all zeros", async () => {
      const hits = await catalog.vectorSearch(fakeEncode(["Song Night"]).data, { column: "name", k: n });
      const zeroed = items.filter((_, i) => i % 25 === 0).map((it) => it.id);
      expect(hits).toHaveLength(n - zeroed.length);
      for (const h of hits) expect(zeroed).not.toContain(h.item.id);
    });

    const filters: [string, CatalogFilter][] = [
      ["includeTags (case-insensitive)", { includeTags: ["ROCK", "piano"] }],
      ["excludeTags", { excludeTags: ["jazz", "sad", "rock"] }],
      ["excludeArtists (items without artist pass)", { excludeArtists: ["artist 1", "Artist 2", "ARTIST 3"] }],
      ["excludeIds", { excludeIds: items.slice(0, 150).map((it) => it.id) }],
      ["minPopularity", { minPopularity: 40 }],
      ["all at once", { includeTags: ["happy", "guitar"], excludeTags: ["Rock"], excludeArtists: ["Artist 4", "O'Brien"], excludeIds: ["item_0005"], minPopularity: 10 }],
      ["a filter nothing passes", { includeTags: ["polka"] }],
    ];
    it.each(filters)("vector search never violates a filter: %s", async (_label, filter) => {
      const norm = normalizeFilter(filter);
      const passing = items.filter((it) => matchesFilter(it, norm)).length;
      for (const text of ["jazz piano", "rock guitar", "happy"]) {
        const hits = await catalog.vectorSearch(fakeEncode([text]).data, { column: "tagtext", k: 20, filter });
        expect(hits).toHaveLength(Math.min(20, passing));
        for (const h of hits) expect(matchesFilter(h.item, norm), `${h.item.id} violates ${JSON.stringify(filter)}`).toBe(true);
      }
    });

    it("full-text search finds an exact title, with and without a filter", async () => {
      const target = items[77];
      const hits = await catalog.textSearch(target.title!, { k: 3 });
      expect(hits[0].item.id).toBe(target.id);
      expect(hits[0].score).toBeGreaterThan(0);
      const filtered = await catalog.textSearch(target.title!, { k: 10, filter: { excludeIds: [target.id], includeTags: ["pop"] } });
      for (const h of filtered) expect(h.item.id !== target.id && h.item.tags.map((t) => t.toLowerCase()).includes("pop")).toBe(true);
      expect(await catalog.textSearch("   ", { k: 3 })).toEqual([]);
      expect((await catalog.textSearch("O'Neil", { k: 5 })).length).toBeGreaterThan(0);
    });

    it("vectors(column) returns each item's stored vector", async () => {
      const { ids, matrix: m } = await catalog.vectors("tagtext");
      expect(ids).toHaveLength(n);
      expect(m.rows).toBe(n);
      const i = ids.indexOf("item_0201");
      const expected = fakeEncode([byId.get("item_0201")!.tags.join(" ")]).data;
      expect(Array.from(m.data.subarray(i * 8, i * 8 + 8))).toEqual(Array.from(expected));
    });

    it("rejects an unknown column, a wrong-size vector and a bad k", async () => {
      await expect(catalog.vectorSearch(new Float32Array(8), { column: "audio", k: 3 })).rejects.toThrow(NotFoundError);
      await expect(catalog.vectorSearch(new Float32Array(5), { column: "name", k: 3 })).rejects.toThrow(InputError);
      await expect(catalog.vectorSearch(new Float32Array(8), { column: "name", k: 0 })).rejects.toThrow(InputError);
    });
  });
}

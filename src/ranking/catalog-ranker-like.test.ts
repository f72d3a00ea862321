/**
 * @file "Like X" through the catalog ranker: with listening histories, X first and then the artists X's listeners
 * play, whatever their text says; without, the artists nearest X's text vector; hard constraints still hold.
 */
import { describe, expect, it } from "vitest";
import { fromRows } from "../core/matrix.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { CatalogItem } from "../store/catalog.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { CatalogRanker } from "./catalog-ranker.js";
import { CoListening } from "./co-listening.js";

// Coldplay and its tribute band sound alike on paper (same text vector); Keane shares Coldplay's listeners.
const ARTISTS: readonly (readonly [string, number, number])[] = [
  ["Coldplay", 1, 0],
  ["Coldplay Tribute", 1, 0],
  ["Keane", 0, 1],
  ["Snow Patrol", 0.2, 1],
  ["Slayer", -1, 0],
];
const items: CatalogItem[] = ARTISTS.map(([name], i) => ({ id: `a${i}`, name, artist: name, tags: ["rock"], popularity: 10, text: name }));
const encoder: TextEncoder = { id: "two-d", dims: 2, encode: async (texts) => fromRows(texts.map(() => [1, 0])) };
const catalog = new MemoryCatalog("artists", items, { tagtext: fromRows(ARTISTS.map(([, x, y]) => [x, y])) }, encoder.id);
const listens = [
  ...Array.from({ length: 30 }, (_, u) => [{ user: `u${u}`, item: "a0" }, { user: `u${u}`, item: "a2" }]).flat(),
  ...Array.from({ length: 10 }, (_, u) => ({ user: `u${u}`, item: "a3" })),
  ...Array.from({ length: 30 }, (_, u) => ({ user: `v${u}`, item: "a1" })),
  ...Array.from({ length: 30 }, (_, u) => ({ user: `v${u}`, item: "a4" })),
];
const names = (answer: { results: readonly { item: { name: string } }[] }) => answer.results.map((r) => r.item.name);

describe("CatalogRanker: like X", () => {
  it("with listening histories: X, then what X's listeners play, not what looks like X", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder, { coListening: CoListening.fromListens(listens) });
    const top = names(await ranker.ask("music like Coldplay", { k: 5, diversity: false }));
    expect(top.slice(0, 2)).toEqual(["Coldplay", "Keane"]);
    // Snow Patrol shares a third of Coldplay's listeners; Slayer none, and its text is the farthest.
    expect(top.indexOf("Snow Patrol")).toBeLessThan(top.indexOf("Slayer"));
  });
  it("without them: X, then the artists nearest its text vector", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder);
    expect(names(await ranker.ask("music like Coldplay", { k: 2, diversity: false }))).toEqual(["Coldplay", "Coldplay Tribute"]);
  });
  it("keeps hard constraints: an excluded neighbour never appears", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder, { coListening: CoListening.fromListens(listens) });
    const top = names(await ranker.ask("music like Coldplay, but no Keane", { k: 5, diversity: false }));
    expect(top[0]).toBe("Coldplay");
    expect(top).not.toContain("Keane");
  });
});

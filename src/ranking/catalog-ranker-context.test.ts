/**
 * @file The listener's context through the catalog ranker: history taste (cosine with the weighted mean of the
 * history's unit text vectors), and the context report of every answer (which parts were used, which ignored).
 */
import { describe, expect, it } from "vitest";
import { fromRows } from "../core/matrix.js";
import { NotFoundError } from "../errors.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { CatalogItem } from "../store/catalog.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { FAKE_DIMS, fakeEncode, syntheticBatches, syntheticItems } from "../store/testing.js";
import { CatalogRanker, type TasteSource } from "./catalog-ranker.js";
import { handJamModel } from "./testing.js";

/** Four 2-d items: a = x axis, b = y axis (scaled: only direction counts), c = diagonal, z = all-zero (no signal). */
function tinyCatalog(vectors: readonly (readonly [string, number, number])[]): { catalog: MemoryCatalog; encoder: TextEncoder } {
  const items: CatalogItem[] = vectors.map(([id]) => ({ id, name: `song ${id}`, tags: ["song"], popularity: 1, text: `song ${id}` }));
  const m = fromRows(vectors.map(([, x, y]) => [x, y]));
  const encoder: TextEncoder = { id: "two-d", dims: 2, encode: async (texts) => fromRows(texts.map(() => [1, 1])) };
  return { catalog: new MemoryCatalog("tiny", items, { tagtext: m }, encoder.id), encoder };
}

const tasteOf = (answer: { results: readonly { item: { id: string }; components: Readonly<Record<string, number>> }[] }) =>
  Object.fromEntries(answer.results.map((r) => [r.item.id, r.components.taste]));

describe("CatalogRanker history taste", () => {
  const { catalog, encoder } = tinyCatalog([["a", 1, 0], ["b", 0, 3], ["c", 1, 1], ["z", 0, 0]]);

  it("scores cosine with the normalized (weighted) mean of the history's unit vectors", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder, { weights: { taste: 1 } });
    // Text match: taste = weight x 2 x 0.5 x affinity = affinity. Mean of (1,0) and (0,1) = (1/√2, 1/√2).
    const even = tasteOf(await ranker.ask("song", { k: 4, history: { items: ["a", "b"] } }));
    expect(even.a).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(even.b).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(even.c).toBeCloseTo(1, 6);
    // Weights 3 and 1: (3, 1) / √10.
    const weighted = tasteOf(await ranker.ask("song", { k: 4, history: { items: ["a", "b"], weights: [3, 1] } }));
    expect(weighted.a).toBeCloseTo(3 / Math.sqrt(10), 6);
    expect(weighted.b).toBeCloseTo(1 / Math.sqrt(10), 6);
  });

  it("skips ids the catalog lacks; a history of unknown or vector-less items adds nothing", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder, { weights: { taste: 1 } });
    const unknown = await ranker.ask("song", { k: 4, history: { items: ["gone", "missing"] } });
    expect(unknown.results.every((r) => r.components.taste === undefined)).toBe(true);
    expect(unknown.context).toEqual({ used: ["text"], ignored: [] });
    const vectorless = tasteOf(await ranker.ask("song", { k: 4, history: { items: ["z", "gone"] } }));
    expect(Object.values(vectorless).every((t) => t === 0)).toBe(true);
    const one = tasteOf(await ranker.ask("song", { k: 4, history: { items: ["b", "z", "b"] } }));
    expect(one.a).toBeCloseTo(0, 6);
    expect(one.b).toBeCloseTo(1, 6);
    expect(one.c).toBeCloseTo(1 / Math.SQRT2, 6);
    await expect(ranker.ask("song", { history: { items: ["a", "b"], weights: [1] } })).rejects.toThrow(/history has 2 items but 1 weights/);
  });

  it("gives no taste when opposite items cancel out", async () => {
    const opposite = tinyCatalog([["p", 1, 0], ["n", -1, 0], ["q", 0, 1]]);
    const ranker = await CatalogRanker.open(opposite.catalog, opposite.encoder, { weights: { taste: 1 } });
    expect(Object.values(tasteOf(await ranker.ask("song", { k: 3, history: { items: ["p", "n"] } })))).toEqual([0, 0, 0]);
  });

  it("follows the history it is given, so a new like changes the next ranking", async () => {
    const items = syntheticItems(60);
    const mem = MemoryCatalog.fromBatches("t", "fake-8", syntheticBatches(items));
    const fake: TextEncoder = { id: "fake-8", dims: FAKE_DIMS, encode: async (t) => fakeEncode(t) };
    const ranker = await CatalogRanker.open(mem, fake, { weights: { taste: 2 } });
    const before = await ranker.ask("happy rock", { k: 5 });
    // Like an item that was not in the top 5: it (and items with its tags) must move up.
    const liked = items.find((it) => !before.results.some((r) => r.item.id === it.id) && it.tags.includes("jazz"))!;
    const after = await ranker.ask("happy rock", { k: 5, history: { items: [liked.id] } });
    expect(after.results.map((r) => r.item.id)).not.toEqual(before.results.map((r) => r.item.id));
    expect(after.results.some((r) => r.components.taste > 0)).toBe(true);
  });
});

describe("CatalogRanker context report", () => {
  const items = syntheticItems(120);
  const fake: TextEncoder = { id: "trigram-8", dims: FAKE_DIMS, encode: async (t) => fakeEncode(t) };
  const catalog = new MemoryCatalog("t", items, { tagtext: fakeEncode(items.map((it) => it.text)) }, fake.id);
  const model = () => handJamModel(items, { id: fake.id, dims: FAKE_DIMS, encode: fakeEncode }, { users: [["u7", 77]] });
  const lastfm: TasteSource = {
    async affinities(user, ids) {
      if (user !== "u1") throw new NotFoundError("user", user, ["u1"]);
      return Float32Array.from(ids, () => 0.5);
    },
  };
  const extras = { turns: [{ user: "something calm", liked: [items[3].id] }], profile: { prototypeWeights: { jazz: 0 } }, adapter: { user: "alice", model: "whitebox", version: 1, arrays: {} } };

  it("text match: the words and a history are used; turns, a profile edit and an adapter are reported ignored", async () => {
    const ranker = await CatalogRanker.open(catalog, fake);
    expect((await ranker.ask("happy jazz")).context).toEqual({ used: ["text"], ignored: [] });
    const full = await ranker.ask("happy jazz", { history: { items: [items[5].id] }, ...extras });
    expect(full.context).toEqual({ used: ["text", "history"], ignored: ["turns", "profile", "adapter"] });
  });

  it("with a model: a user it was trained with is its own; another user goes to the catalog's taste, or is an error without one", async () => {
    const ranker = await CatalogRanker.open(catalog, fake, { model: model(), taste: lastfm });
    const known = await ranker.ask("songs", { k: 5, user: "u7", profile: extras.profile });
    expect(known.context).toEqual({ used: ["text", "user"], ignored: ["profile"] });
    expect(known.results.every((r) => typeof r.components.user === "number" && r.components.taste === undefined)).toBe(true);
    const other = await ranker.ask("songs", { k: 5, user: "u1" });
    expect(other.context).toEqual({ used: ["text", "user"], ignored: [] });
    expect(other.results.every((r) => r.components.user === undefined && typeof r.components.taste === "number")).toBe(true);
    const history = await ranker.ask("songs", { k: 5, history: { items: [items[5].id] }, adapter: extras.adapter });
    expect(history.context).toEqual({ used: ["text", "history"], ignored: ["adapter"] });
    const bare = await CatalogRanker.open(catalog, fake, { model: model() });
    await expect(bare.ask("songs", { user: "u1" })).rejects.toThrow(/has no listening histories: --user is not available/);
  });
});

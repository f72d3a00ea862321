import { describe, expect, it } from "vitest";
import type { TextEncoder } from "../representations/text-encoder.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { FAKE_DIMS, fakeEncode, syntheticItems } from "../store/testing.js";
import { CatalogRanker } from "./catalog-ranker.js";
import { csrFromEntries } from "../core/sparse.js";
import { pairTablesFrom } from "../models/pair-features.js";
import { handJamModel } from "./testing.js";

const encoder: TextEncoder = { id: "trigram-8", dims: FAKE_DIMS, encode: async (texts) => fakeEncode(texts) };
const items = syntheticItems(120);
const catalog = new MemoryCatalog("t", items, { tagtext: fakeEncode(items.map((it) => it.text)) }, encoder.id);

const handModel = (ids?: readonly string[]) => handJamModel(items, { id: encoder.id, dims: FAKE_DIMS, encode: fakeEncode }, { users: [["u7", 77]], ids });

describe("CatalogRanker with a trained model", () => {
  it("ranks by the model: its exact top k, its parts as components, its modality weights", async () => {
    const model = handModel();
    const ranker = await CatalogRanker.open(catalog, encoder, { model });
    // Words that name no tag of the catalog: nothing but the model orders the results.
    const text = "something i might enjoy";
    const answer = await ranker.ask(text, { k: 8 });
    expect(answer.ranker).toBe("jam-cross");
    expect(answer.request.understood.wanted).toEqual([]);
    const prepared = model.prepare({ text, vector: (await encoder.encode([text])).data });
    const all = prepared.score([...items.keys()]);
    const best = Array.from(all.keys()).sort((a, b) => all[b] - all[a] || (items[a].id < items[b].id ? -1 : 1)).slice(0, 8);
    expect(answer.results.map((r) => r.item.id)).toEqual(best.map((i) => items[i].id));
    for (const r of answer.results) {
      expect(Object.keys(r.components)).toEqual(["request", "prior"]);
      expect(r.score).toBeCloseTo(r.components.request + r.components.prior, 6);
      const w = Object.values(r.modalityWeights!);
      expect(Object.keys(r.modalityWeights!)).toEqual(["tagtext", "name"]);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it("adds what was understood: tracks carrying the named tags first, each by weight x spread x tag score", async () => {
    const model = handModel();
    const ranker = await CatalogRanker.open(catalog, encoder, { model });
    const answer = await ranker.ask("happy jazz piano", { k: 8 });
    const wanted = answer.request.understood.wanted;
    expect(wanted.filter((t) => t.source === "literal").map((t) => t.tag).sort()).toEqual(["happy", "jazz", "piano"].filter((t) => items.some((it) => it.tags.includes(t))).sort());
    for (const r of answer.results) {
      const carried = wanted.filter((t) => r.item.tags.includes(t.tag)).reduce((a, t) => a + t.weight, 0);
      expect(r.components.understood > 0).toBe(carried > 0);
      expect(r.score).toBeCloseTo(r.components.request + r.components.prior + r.components.understood, 6);
    }
    // The understood component is proportional to the tag score, with one factor (UNDERSTOOD_WEIGHT x spread).
    const [a, b] = answer.results.filter((r) => r.components.understood > 0);
    const score = (r: typeof a) => wanted.filter((t) => r.item.tags.includes(t.tag)).reduce((s, t) => s + t.weight, 0);
    expect(a.components.understood / score(a)).toBeCloseTo(b.components.understood / score(b), 6);
  });

  it("keeps hard constraints and personalizes a user the model knows through its user part", async () => {
    const ranker = await CatalogRanker.open(catalog, encoder, { model: handModel() });
    const answer = await ranker.ask("Rock songs but no guitar", { k: 40 });
    expect(answer.results.length).toBeGreaterThan(0);
    for (const r of answer.results) expect(r.item.tags.map((t) => t.toLowerCase())).not.toContain("guitar");
    const personal = await ranker.ask("songs", { k: 5, user: "u7" });
    expect(personal.results.every((r) => typeof r.components.user === "number")).toBe(true);
    const plain = await ranker.ask("songs", { k: 5 });
    expect(personal.results.map((r) => r.item.id)).not.toEqual(plain.results.map((r) => r.item.id));
  });

  it("adds the pair prior: a known user's plays and an askmusic user's likes as `history`, the words' train co-occurrence", async () => {
    // u7 played item 5 twenty times; train requests "sad songs" listed item 9 three times. Weights large enough
    // for both to reach the top 10 of this hand model, whose other parts are large.
    const tables = pairTablesFrom({
      items: items.length,
      plays: csrFromEntries(1, items.length, [{ row: 0, col: 5, value: 20 }]),
      cooccurrence: new Map([["sad songs", new Map([[9, 3]])]]),
      tagged: new Map(),
    });
    const model = handJamModel(items, { id: encoder.id, dims: FAKE_DIMS, encode: fakeEncode }, { users: [["u7", 77]], pair: { features: ["history", "cooccurrence"], weights: Float32Array.of(100, 100), tables } });
    expect(model.context.uses).toEqual(["text", "user", "history"]);
    const ranker = await CatalogRanker.open(catalog, encoder, { model });
    const known = await ranker.ask("sad songs", { k: 10, user: "u7" });
    const played = known.results.find((r) => r.item.id === items[5].id)!;
    expect(played.components.history).toBeCloseTo(100 * Math.log(21), 3);
    const counted = known.results.find((r) => r.item.id === items[9].id)!;
    expect(counted.components.cooccurrence).toBeCloseTo(100 * Math.log(4), 3);
    for (const r of known.results) expect(r.score).toBeCloseTo(Object.values(r.components).reduce((a, b) => a + b, 0), 4);
    // Not a user of the model: their likes are the history the prior reads, and the answer says it used them.
    const likes = await ranker.ask("songs", { k: 10, history: { items: [items[40].id] } });
    expect(likes.results.find((r) => r.item.id === items[40].id)?.components.history).toBeCloseTo(100 * Math.log(2), 3);
    expect(likes.context.used).toContain("history");
  });

  it("refuses a model trained on another build of the catalog, saying how to fix it", async () => {
    const other = handModel(items.map((it, i) => (i === 5 ? "item_x" : it.id)));
    await expect(CatalogRanker.open(catalog, encoder, { model: other })).rejects.toThrow(/does not know item item_0005 .*askmusic train t/);
  });
});

describe("CatalogRanker entity awareness", () => {
  for (const withModel of [false, true]) {
    it(`${withModel ? "model" : "text match"}: a named artist's items come first, exact or with a typo; an excluded one never`, async () => {
      const ranker = await CatalogRanker.open(catalog, encoder, withModel ? { model: handModel() } : {});
      for (const request of ["songs like Artist 3", "more artst 3 please"]) {
        const answer = await ranker.ask(request, { k: 5 });
        expect(answer.entities.map((e) => e.artist)).toEqual(["Artist 3"]);
        expect(answer.results.map((r) => r.item.artist)).toEqual(Array(5).fill("Artist 3"));
        for (const r of answer.results) expect(r.score).toBeCloseTo(Object.values(r.components).reduce((a, b) => a + b, 0), 6);
      }
      const off = await CatalogRanker.open(catalog, encoder, { ...(withModel ? { model: handModel() } : {}), weights: { entity: 0 } });
      const plain = await off.ask("more artst 3 please", { k: 5 });
      expect(plain.entities).toEqual([]);
      // The hand model sees tags and titles only: without entity awareness it cannot know who Artist 3 is.
      if (withModel) expect(plain.results.filter((r) => r.item.artist === "Artist 3").length).toBeLessThan(5);
      const excluded = await ranker.ask("jazz, not by Artist 3", { k: 20 });
      expect(excluded.entities).toEqual([]);
      expect(excluded.results.some((r) => r.item.artist === "Artist 3")).toBe(false);
    });
  }
});

describe("CatalogRanker diversity", () => {
  it("keeps at most 2 per album and 3 per artist in the top k by default; false gives the ranked order; options change it", async () => {
    // Six albums of one artist each, two artists: the plain order would repeat them freely.
    const groups = new Map(items.map((it, i) => [it.id, { album: `album${i % 6}`, artist: `artist${i % 2}` }]));
    for (const model of [undefined, handModel()]) {
      const ranker = await CatalogRanker.open(catalog, encoder, { groups, ...(model ? { model } : {}) });
      const count = (ids: string[], key: "album" | "artist") => Math.max(...[...new Set(ids.map((id) => groups.get(id)![key]))].map((g) => ids.filter((id) => groups.get(id)![key] === g).length));
      const diverse = await ranker.ask("happy jazz piano", { k: 6 });
      const ids = diverse.results.map((r) => r.item.id);
      expect(diverse.diversity).toEqual({ maxPerAlbum: 2, maxPerArtist: 3, foldTitles: true, mmr: 0 });
      expect(ids).toHaveLength(6);
      expect(count(ids, "album")).toBeLessThanOrEqual(2);
      expect(count(ids, "artist")).toBeLessThanOrEqual(3);
      const plain = await ranker.ask("happy jazz piano", { k: 6, diversity: false });
      expect(plain.diversity).toBeNull();
      const one = await ranker.ask("happy jazz piano", { k: 6, diversity: { maxPerAlbum: 1, maxPerArtist: 0 } });
      expect(count(one.results.map((r) => r.item.id), "album")).toBe(1);
    }
  });
});

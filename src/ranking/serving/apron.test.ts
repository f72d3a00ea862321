import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import { MemoryCatalog } from "../../store/memory/index.js";
import { FAKE_DIMS, fakeEncode } from "../../store/testing.js";
import type { CatalogItem } from "../../store/catalog.js";
import { bindModel } from "../bound-model.js";
import { CatalogRanker } from "../catalog-ranker.js";
import { SERVABLE_MODELS, SERVING_FORMS } from "../serving-forms.js";
import type { ServingModel } from "../serving-model.js";
import { profileDomain, SMALL_APRON } from "../testing.js";

const domain = profileDomain();
let model: ServingModel;
let dir: string;
const vector = new Float32Array(FAKE_DIMS);
// Genre 0's listener: items 0, 4, 8 are of one genre (the synthetic domain deals items round-robin over 4 genres).
const liked = [0, 4, 8];

beforeAll(async () => {
  model = await SERVING_FORMS.apron.train(domain, { seed: 1, options: SMALL_APRON });
  dir = await mkdtemp(path.join(os.tmpdir(), "askmusic-apron-serving-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("apron serving form", () => {
  it("is a serving form that --model auto never picks, and knows the profile domain's items", () => {
    expect(SERVABLE_MODELS).toContain("apron");
    expect(SERVING_FORMS.apron.auto).toBe(false);
    expect(model.itemIds).toEqual(domain.items.ids);
    expect(model.partial).toBe(true);
    expect(model.context.uses).toEqual(["history", "profile"]);
    expect(typeof model.training.trainSeconds).toBe("number");
  });

  it("ranks a history's unseen items by exact scores under accept, explained by the profile behind them", () => {
    const prepared = model.prepare({ text: "anything", vector, history: { items: liked } });
    expect(prepared.used).toEqual(["history"]);
    const all = prepared.score([...domain.items.ids.keys()]);
    const odd = (m: number) => m % 2 === 1;
    const best = [...all.keys()].filter((m) => odd(m) && !liked.includes(m)).sort((a, b) => all[b] - all[a] || a - b).slice(0, 6);
    const top = prepared.candidates({ k: 6, accept: odd, use: "final" });
    expect(top.rows).toEqual(best);
    top.scores.forEach((s, i) => expect(s).toBeCloseTo(all[top.rows[i]], 6));
    const e = prepared.explain(best[0]);
    expect(e.parts.profile).toBeCloseTo(all[best[0]], 6);
    expect(Object.values(e.prototypeWeights!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("applies profile edits: the zeroed prototype is 0 and the scores move; says the profile was used", () => {
    const plain = model.prepare({ text: "x", vector, history: { items: liked } });
    const weights = plain.explain(1).prototypeWeights!;
    const strongest = Object.entries(weights).sort((a, b) => b[1] - a[1])[0][0];
    const edited = model.prepare({ text: "x", vector, history: { items: liked }, profile: { prototypeWeights: { [strongest]: 0 } } });
    expect(edited.used).toEqual(["history", "profile"]);
    expect(edited.explain(1).prototypeWeights![strongest]).toBe(0);
    const rows = [...domain.items.ids.keys()];
    expect(Array.from(edited.score(rows))).not.toEqual(Array.from(plain.score(rows)));
  });

  it("refuses a request without a history with one clear InputError", () => {
    expect(() => model.prepare({ text: "jazz", vector })).toThrow(InputError);
    expect(() => model.prepare({ text: "jazz", vector })).toThrow(/model apron ranks from a listener's profile/);
  });

  it("saves and loads back the same scores", async () => {
    const target = path.join(dir, "lastfm-2k", "apron");
    await model.save(target);
    const loaded = await SERVING_FORMS.apron.load(target);
    const rows = [...domain.items.ids.keys()];
    const request = { text: "", vector, history: { items: liked }, profile: { prototypeWeights: { music: 0.5 } } };
    expect(Array.from(loaded.prepare(request).score(rows))).toEqual(Array.from(model.prepare(request).score(rows)));
  });

  it("binds to a catalog with more items than it knows, whatever the encoder, and the ranker answers with it", async () => {
    // The catalog: the profile domain's items plus 10 it does not know.
    const items: CatalogItem[] = [...domain.items.ids, ...Array.from({ length: 10 }, (_, i) => `extra${i}`)].map((id, i) => {
      const tags = i < domain.items.ids.length ? domain.items.texts.tags[i].split(", ") : ["polka"];
      const artist = i < domain.items.ids.length ? undefined : `Zorblax Quartet ${i}`;
      return { id, name: `${id} name`, ...(artist !== undefined ? { artist } : {}), tags, popularity: 1, text: `${id} ${tags.join(" ")}` };
    });
    const bound = bindModel(model, "t", items.map((it) => it.id).reverse(), "some-encoder");
    expect(Array.from(bound.modelRow.slice(0, 10))).toEqual(Array(10).fill(-1));
    expect(bound.rankerRow[0]).toBe(items.length - 1);
    expect(() => bindModel(model, "t", items.slice(1).map((it) => it.id), "e")).toThrow(/knows item item0, which catalog "t" lacks/);

    const encoder: TextEncoder = { id: "trigram-8", dims: FAKE_DIMS, encode: async (texts) => fakeEncode(texts) };
    const catalog = new MemoryCatalog("t", items, { tagtext: fakeEncode(items.map((it) => it.text)) }, encoder.id);
    const ranker = await CatalogRanker.open(catalog, encoder, { model });
    const history = { items: liked.map((i) => domain.items.ids[i]) };
    // Words that name no tag: the model's candidates alone (the understood tags of a request may add liked items back).
    const answer = await ranker.ask("anything at all", { k: 5, history, profile: { prototypeWeights: { music: 0.5 } }, diversity: false });
    expect(answer.ranker).toBe("apron");
    expect(answer.request.understood.wanted).toEqual([]);
    expect(answer.context.used).toEqual(["text", "history", "profile"]);
    expect(answer.results).toHaveLength(5);
    for (const r of answer.results) {
      expect(history.items).not.toContain(r.item.id);
      expect(r.prototypeWeights!.music).toBeCloseTo(0.5, 5);
    }
    // A named artist the model does not know still answers, at the model's lowest candidate score.
    const named = await ranker.ask(`Zorblax Quartet ${domain.items.ids.length + 3}`, { k: 100, history, diversity: false });
    expect(named.entities.length).toBeGreaterThan(0);
    const extra = named.results.find((r) => r.item.id === "extra3");
    expect(extra?.components.unscored).toBeDefined();
    expect(extra!.components.unscored).toBeCloseTo(Math.min(...named.results.filter((r) => r.components.profile !== undefined).map((r) => r.components.profile)), 6);
  });
});

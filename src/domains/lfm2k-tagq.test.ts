import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { realDataConfig } from "../datasets/testing.js";
import { readNpy } from "../representations/npy.js";
import { fakeEncoder, fakeVector } from "../representations/fake-encoder.js";
import type { Config } from "../config.js";
import type { TagQuery } from "../datasets/benchmarks/index.js";
import { DataError } from "../errors.js";
import { buildLfm2kDomain, SHARED_QUERY_ENCODER_ID, toLabeledQueries, topTrainTags } from "./lfm2k-tagq.js";
import type { Domain } from "./types.js";

const q = (qid: string, user: number, tag: number, text: string, relevant: number[]): TagQuery => ({ qid, user, tag, text, relevant, date: "2009-01-01" });

describe("topTrainTags", () => {
  it("orders by count descending then tag id, keeps 10, and gives [] to untagged items", () => {
    const items = new Map([[100, 0], [200, 1], [300, 2]]);
    const train = [
      q("a", 1, 5, "rock", [100, 200]),
      q("b", 2, 5, "rock", [100]),
      q("c", 1, 3, "pop", [100]),
      q("d", 3, 9, "jazz", [100]),
      ...Array.from({ length: 12 }, (_, t) => q(`e${t}`, 4, 20 + t, `t${20 + t}`, [200])),
    ];
    const tags = topTrainTags(train, items, 3);
    expect(tags[0]).toEqual(["rock", "pop", "jazz"]);
    expect(tags[1]).toEqual(["rock", ...Array.from({ length: 9 }, (_, t) => `t${20 + t}`)]);
    expect(tags[2]).toEqual([]);
  });
});

describe("toLabeledQueries", () => {
  it("maps ids to dense indices and names the file and qid of an unknown id", () => {
    const users = new Map([[7, 0]]);
    const items = new Map([[100, 3]]);
    expect(toLabeledQueries([q("x", 7, 1, "rock", [100])], users, items, "f.jsonl")).toEqual([{ qid: "x", text: "rock", user: 0, relevant: [3] }]);
    expect(() => toLabeledQueries([q("y", 8, 1, "rock", [100])], users, items, "f.jsonl")).toThrow(/f\.jsonl: query y names user 8/);
    expect(() => toLabeledQueries([q("z", 7, 1, "rock", [101])], users, items, "f.jsonl")).toThrow(DataError);
  });
});

describe("buildLfm2kDomain on the real data", () => {
  let config: Config;
  let cleanup: () => Promise<void>;
  let shared: Domain;
  let own: Domain;
  const fallback = fakeEncoder(512, "fake-512@1");
  const ownEncoder = fakeEncoder(8, "fake-8@1");
  const feats = () => path.join(config.benchmarksDir, "lfm2k-tagq/features");

  beforeAll(async () => {
    ({ config, cleanup } = realDataConfig());
    [shared, own] = await Promise.all([
      buildLfm2kDomain(config, { features: "shared", encoder: fallback }),
      buildLfm2kDomain(config, { features: "own", encoder: ownEncoder }),
    ]);
  }, 60000);
  afterAll(async () => cleanup?.());

  it("has the benchmark's shapes and splits (shared)", () => {
    expect(shared.name).toBe("lfm2k-tagq/shared");
    expect(shared.items.ids.length).toBe(17632);
    expect(shared.items.ids[0]).toBe("1");
    expect(shared.items.names[0]).toBe("MALICE MIZER");
    const f = shared.items.features;
    expect([f.cf.rows, f.cf.cols, f.tagtext.rows, f.tagtext.cols, f.name.rows, f.name.cols]).toEqual([17632, 64, 17632, 512, 17632, 512]);
    expect([shared.users.ids.length, shared.users.features.cf.rows, shared.users.features.cf.cols]).toEqual([1892, 1892, 64]);
    expect(shared.train.length).toBe(18954);
    expect(shared.val.length).toBe(2853);
    expect(shared.queryEncoderId).toBe(SHARED_QUERY_ENCODER_ID);
    // First train line: {"qid": "u2-t13", "user": 2, "text": "chillout", "relevant": [52, 63, 73, 94, 6177]}.
    const first = shared.train[0];
    expect(first.qid).toBe("u2-t13");
    expect(shared.users.ids[first.user!]).toBe("2");
    expect(first.relevant.map((i) => shared.items.ids[i])).toEqual(["52", "63", "73", "94", "6177"]);
  });

  it("computes popularity from train queries only", () => {
    const pop = shared.items.popularity;
    let total = 0;
    for (const x of pop) total += x;
    expect(total).toBe(shared.train.reduce((s, x) => s + x.relevant.length, 0));
    const i52 = shared.items.ids.indexOf("52");
    expect(pop[i52]).toBe(shared.train.filter((x) => x.relevant.includes(i52)).length);
  });

  it("encodes a known tag text as its tags_use row and an unknown one with the fallback encoder", async () => {
    const tags = (await import(path.join(feats(), "tags.json"), { with: { type: "json" } })).default as { tag: number; text: string }[];
    const table = await readNpy(path.join(feats(), "tags_use.npy"));
    const r = tags.findIndex((t) => t.text === "chillout");
    const m = await shared.encodeQueries(["chillout", "no such tag text"]);
    expect(Array.from(m.data.subarray(0, 512))).toEqual(Array.from(table.data.subarray(r * 512, (r + 1) * 512)));
    expect(Array.from(m.data.subarray(512))).toEqual(Array.from(fakeVector("no such tag text", 512)));
    expect(fallback.seen).toEqual(["no such tag text"]);
  });

  it("builds own features with the same keys: SVD cf, train-only tag text, name copy for untagged artists", async () => {
    expect(own.name).toBe("lfm2k-tagq/own");
    expect(Object.keys(own.items.features).sort()).toEqual(["cf", "cotag", "name", "tagtext"]);
    expect(Object.keys(own.users.features)).toEqual(["cf"]);
    const { cf, tagtext, name, cotag } = own.items.features;
    expect([cf.rows, cf.cols, own.users.features.cf.rows, own.users.features.cf.cols]).toEqual([17632, 64, 1892, 64]);
    expect([tagtext.cols, name.cols, cotag.rows, cotag.cols]).toEqual([8, 8, 17632, 32]);
    // Own cf matches the shared ARPACK factors in direction (first component).
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < 17632; i++) {
      const a = cf.data[i * 64];
      const b = shared.items.features.cf.data[i * 64];
      d += a * b;
      na += a * a;
      nb += b * b;
    }
    expect(d / Math.sqrt(na * nb)).toBeGreaterThan(0.999);
    const tagsText = own.items.texts.tags;
    const untagged = tagsText.indexOf("");
    const tagged = tagsText.findIndex((t) => t !== "");
    expect(untagged).toBeGreaterThanOrEqual(0);
    expect(Array.from(tagtext.data.subarray(untagged * 8, untagged * 8 + 8))).toEqual(Array.from(fakeVector(own.items.names[untagged], 8)));
    expect(Array.from(tagtext.data.subarray(tagged * 8, tagged * 8 + 8))).toEqual(Array.from(fakeVector(tagsText[tagged], 8)));
    expect(tagsText.filter((t) => t !== "").length).toBe(10881); // the shared README's count of artists with train tags
    expect(own.queryEncoderId).toBe("fake-8@1");
    expect((await own.encodeQueries(["rock"])).data).toEqual(fakeVector("rock", 8));
  });

  it('selection "carve": selects on the latest train queries and computes popularity and tag texts without them', async () => {
    const carved = await buildLfm2kDomain(config, { features: "own", encoder: ownEncoder, selection: "carve" });
    const trainQids = new Set(carved.train.map((x) => x.qid));
    expect(carved.val.length).toBeGreaterThan(1000);
    expect(carved.val.some((x) => trainQids.has(x.qid))).toBe(false);
    expect(carved.train.length + carved.val.length).toBe(own.train.length);
    // No val.jsonl query is used for selection.
    const valFile = new Set(own.val.map((x) => x.qid));
    expect(carved.val.some((x) => valFile.has(x.qid))).toBe(false);
    // Popularity counts only the queries the model fits on...
    let total = 0;
    for (const x of carved.items.popularity) total += x;
    expect(total).toBe(carved.train.reduce((n, x) => n + x.relevant.length, 0));
    expect(total).toBeLessThan(own.train.reduce((n, x) => n + x.relevant.length, 0));
    // ...and so do the tag texts: an artist listed only by carved queries has none.
    const fitItems = new Set(carved.train.flatMap((x) => x.relevant));
    const onlyCarved = carved.val.flatMap((x) => x.relevant).find((i) => !fitItems.has(i));
    expect(onlyCarved).toBeDefined();
    expect(carved.items.texts.tags[onlyCarved!]).toBe("");
    expect(own.items.texts.tags[onlyCarved!]).not.toBe("");
    expect(carved.selectionNote).toMatch(/carved before any train statistic/);
  }, 60000);

  it("reproduces the shared tag-list strings (8340 distinct)", () => {
    expect(new Set(shared.items.texts.tags.filter((t) => t !== "")).size).toBe(8340);
  });
});

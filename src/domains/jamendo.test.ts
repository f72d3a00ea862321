import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../config.js";
import { jamendoTrack, realDataConfig } from "../datasets/testing.js";
import { fakeEncoder, fakeVector } from "../representations/fake-encoder.js";
import { buildJamendoFeatures } from "../representations/jamendo-features.js";
import { buildJamendoDomain, jamendoItems } from "./jamendo.js";
import type { Domain } from "./types.js";

const track = jamendoTrack;

describe("buildJamendoFeatures", () => {
  it("encodes distinct non-empty texts once and gives unnamed tracks a zero name vector", async () => {
    const tracks = [
      track(1, { genre: ["rock"], instrument: ["guitar"] }, "Song A", "X"),
      track(2, { genre: ["rock"], instrument: ["guitar"] }),
      track(3, { genre: ["jazz"], mood: ["calm"] }, "Song A", "X"),
      track(4, { genre: ["jazz"], instrument: ["piano"], mood: ["calm"] }),
    ];
    const enc = fakeEncoder(8);
    const f = await buildJamendoFeatures(tracks, enc);
    expect(enc.seen.sort()).toEqual(["Song A by X", "jazz; calm", "jazz; piano; calm", "rock; guitar"].sort());
    expect(f.texts.name).toEqual(["Song A by X", "", "Song A by X", ""]);
    expect(f.texts.tags).toEqual(["rock; guitar", "rock; guitar", "jazz; calm", "jazz; piano; calm"]);
    // Each text in one field only (a composite name + tags field made BM25 count every term twice).
    expect(Object.keys(jamendoItems(tracks, f).texts)).toEqual(["name", "tags"]);
    expect(Array.from(f.features.name.data.subarray(8, 16))).toEqual(new Array(8).fill(0));
    expect(Array.from(f.features.name.data.subarray(0, 8))).toEqual(Array.from(fakeVector("Song A by X", 8)));
    expect(Array.from(f.features.tagtext.data.subarray(24, 32))).toEqual(Array.from(fakeVector("jazz; piano; calm", 8)));
    expect([f.features.cotag.rows, f.features.cotag.cols]).toEqual([4, 4]); // k capped at min(4 tracks, 5 tags)
  });
});

describe("buildJamendoDomain on the real catalog (fake encoder)", () => {
  let config: Config;
  let cleanup: () => Promise<void>;
  let d: Domain;
  const enc = fakeEncoder(8);

  beforeAll(async () => {
    ({ config, cleanup } = realDataConfig());
    d = await buildJamendoDomain(config, { encoder: enc, seed: 0 });
  }, 60000);
  afterAll(async () => cleanup?.());

  it("has every track, no users, features of the right shapes and listens as popularity", () => {
    expect(d.name).toBe("jamendo");
    expect(d.items.ids.length).toBe(55525);
    expect(d.users.ids).toEqual([]);
    const f = d.items.features;
    expect([f.tagtext.rows, f.tagtext.cols, f.name.rows, f.cotag.rows, f.cotag.cols]).toEqual([55525, 8, 55525, 55525, 32]);
    expect(d.items.texts.name.filter((n) => n !== "").length).toBe(11565);
    expect(Object.keys(d.items.texts)).toEqual(["name", "tags"]);
    // Distinct texts only: every tag phrase and name was encoded once.
    expect(new Set(enc.seen).size).toBe(enc.seen.length);
    let listened = 0;
    for (const x of d.items.popularity) if (x > 0) listened++;
    expect(listened).toBeGreaterThan(9000);
    expect(d.queryEncoderId).toBe(enc.id);
  });

  it("has ~20k train and 1k val synthetic queries, disjoint, with 5..3000 relevant tracks", () => {
    expect(d.train.length).toBe(20000);
    expect(d.val.length).toBe(1000);
    for (const q of [...d.train, ...d.val]) {
      expect(q.relevant.length).toBeGreaterThanOrEqual(5);
      expect(q.relevant.length).toBeLessThanOrEqual(3000);
      expect(q.user).toBeUndefined();
      expect(Object.keys(q).sort()).toEqual(["qid", "relevant", "text"]);
    }
    const trainSets = new Set(d.train.map((q) => q.relevant.join(",")));
    expect(d.val.filter((q) => trainSets.has(q.relevant.join(","))).length).toBe(0);
  });
});

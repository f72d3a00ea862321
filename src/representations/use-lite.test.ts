import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { compareCodePoints } from "./cached-encoder.js";
import { readNpy } from "./npy.js";
import type { TextEncoder } from "./text-encoder.js";
import { createUseLiteEncoder, USE_LITE_BATCH, USE_LITE_DIMS, USE_LITE_ID } from "./use-lite.js";
import { realDataDirs } from "../datasets/testing.js";

// The one test that loads real weights (~0.3 s): it pins that our batching reproduces the benchmark's vectors.
describe("createUseLiteEncoder", () => {
  let enc: TextEncoder;
  beforeAll(async () => {
    enc = await createUseLiteEncoder();
  }, 30000);
  afterAll(() => enc?.dispose?.());

  it("has a stable identity", () => {
    expect(enc.id).toBe(USE_LITE_ID);
    expect(enc.dims).toBe(512);
    expect(USE_LITE_BATCH).toBe(128);
  });

  it("reproduces the first batch of the benchmark's tags_use.npy bit for bit", async () => {
    const feats = path.join(realDataDirs().benchmarks, "lfm2k-tagq/features");
    const tags = JSON.parse(readFileSync(path.join(feats, "tags.json"), "utf8")) as { text: string }[];
    const table = await readNpy(path.join(feats, "tags_use.npy"));
    // The README: distinct strings, sorted in Python order, consecutive batches of 128.
    const sorted = [...new Set(tags.map((t) => t.text))].sort(compareCodePoints).slice(0, USE_LITE_BATCH);
    const m = await enc.encode(sorted);
    expect([m.rows, m.cols]).toEqual([USE_LITE_BATCH, USE_LITE_DIMS]);
    const rowOf = new Map(tags.map((t, i) => [t.text, i]));
    for (const i of [0, 1, 64, 127]) {
      const r = rowOf.get(sorted[i])!;
      expect(Array.from(m.data.subarray(i * 512, (i + 1) * 512))).toEqual(Array.from(table.data.subarray(r * 512, (r + 1) * 512)));
    }
  });

  it("encodes more than one batch, keeping input order", async () => {
    const texts = Array.from({ length: 130 }, (_, i) => (i === 129 ? "calm piano music" : `filler ${i}`));
    const m = await enc.encode(texts);
    const single = await enc.encode(["calm piano music"]);
    expect(m.rows).toBe(130);
    // Batch composition changes padding only at the ~1e-7 level.
    for (let j = 0; j < 512; j++) expect(Math.abs(m.data[129 * 512 + j] - single.data[j])).toBeLessThan(1e-5);
  });
});

import { mkdtempSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, type Config } from "../../config.js";
import { matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { realDataConfig } from "../../datasets/testing.js";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import { overlapOf } from "./identity.js";
import { lfm2kCf } from "./lfm2k-cf.js";

const HEADER = "user\tartist\tplays\n";
const tsv = (rows: number[][]) => HEADER + rows.map((r) => r.join("\t")).join("\n") + "\n";

/** Training users 1..10, each playing artists 10..15 (6 artists, so all are eligible for selection). */
const TRAIN = Array.from({ length: 10 }, (_, k) => Array.from({ length: 6 }, (_, o) => [k + 1, 10 + o, 5 + o])).flat();

/** Just enough of a domain to bind a split: its candidate artists. */
function candidates(ids: string[]): Domain {
  return {
    name: "lfm2k-cf",
    items: { ids, names: ids, texts: {}, features: {}, popularity: new Float32Array(ids.length) },
    users: { ids: [], features: {} },
    train: [],
    val: [],
    queryEncoderId: "none",
    encodeQueries: async (texts) => matrix(texts.length, 0),
  };
}

describe("lfm2k-cf spec (fixture files)", () => {
  let root: string;
  let config: Config;
  const split = async (name: string, foldIn: number[][], heldOut?: number[][]): Promise<string> => {
    const file = path.join(root, `${name}_in.tsv`);
    await fs.writeFile(file, tsv(foldIn));
    if (heldOut !== undefined) await fs.writeFile(path.join(root, `${name}_out.tsv`), tsv(heldOut));
    return file;
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "askmusic-lfm2k-cf-"));
    config = resolveConfig({ ASKMUSIC_BENCHMARKS: root, ASKMUSIC_DATA: root, ASKMUSIC_HOME: root });
    await fs.mkdir(path.join(root, "lfm2k-cf"));
    await fs.writeFile(path.join(root, "lfm2k-cf", "train.tsv"), tsv(TRAIN));
  });
  afterAll(async () => fs.rm(root, { recursive: true, force: true }));

  it("declares the protocol: history only, the VAE-CF columns", () => {
    expect(lfm2kCf.carries).toEqual(["history"]);
    expect(lfm2kCf.columns).toEqual(["ndcg@100", "recall@20", "recall@50", "delta@20", "delta@20_rel"]);
  });

  it("makes one request per held-out user: fold-in history with plays, masked, held-out artists as answers", async () => {
    const file = await split("val", [[50, 11, 7], [50, 13, 2], [60, 10, 1], [70, 12, 4]], [[50, 14, 3], [60, 15, 9], [60, 12, 1]]);
    const read = await lfm2kCf.readSplit(config, file);
    // Candidates as a domain orders them; dense index = position.
    const set = read.bind(candidates(["10", "11", "12", "13", "14", "15"]));
    expect(set.depth).toBe(100);
    expect(set.requests).toEqual([
      { qid: "u50", text: "", history: { items: [1, 3], weights: [7, 2] }, exclude: [1, 3], relevant: [4] },
      { qid: "u60", text: "", history: { items: [0], weights: [1] }, exclude: [0], relevant: [5, 2] },
      // No held-out rows: no answers, so the metrics skip and count it.
      { qid: "u70", text: "", history: { items: [2], weights: [4] }, exclude: [2], relevant: [] },
    ]);
    expect(read.identities.map((i) => i.qid)).toEqual(["u50", "u60", "u70"]);
    // u50: answer 4 at rank 1 → NDCG@100 1, Recall@20 1/min(20, 1) = 1. u60: answers {5, 2}, hit 2 at rank 2 only →
    // NDCG@100 = (1/log2(3)) / (1 + 1/log2(3)), Recall@20 = 1/min(20, 2) = 1/2.
    const rank = (items: number[]) => ({ items: Int32Array.from(items), scores: new Float32Array(items.length) });
    const summary = set.summarize([rank([4, 0]), rank([3, 2, 1]), rank([0])]);
    expect(summary.queries).toBe(2);
    expect(summary.skippedEmpty).toBe(1);
    expect(summary.metrics["ndcg@100"]).toBeCloseTo((1 + 1 / Math.log2(3) / (1 + 1 / Math.log2(3))) / 2, 10);
    expect(summary.metrics["recall@20"]).toBeCloseTo((1 + 1 / 2) / 2, 10);
    expect(summary.metrics["recall@50"]).toBeCloseTo((1 + 1 / 2) / 2, 10);
  });

  it("rejects an artist outside the candidate set, naming the file, user and artist", async () => {
    const file = await split("odd", [[50, 11, 7]], [[50, 99, 3]]);
    const read = await lfm2kCf.readSplit(config, file);
    expect(() => read.bind(candidates(["10", "11"]))).toThrow(/odd_out\.tsv: user 50's artist 99 is not one of the 2 candidate artists/);
  });

  it("rejects a split that names a training user, before any domain is built", async () => {
    const file = await split("leak", [[3, 11, 7]], [[3, 12, 1]]);
    await expect(lfm2kCf.readSplit(config, file)).rejects.toThrow(/leak_in\.tsv: user 3 is a training user of train\.tsv/);
  });

  it("selects on training users: identities exist, are 10% of them, and cannot overlap an accepted split", async () => {
    const selection = await lfm2kCf.selectionIdentities(config);
    expect(selection.length).toBe(1);
    expect(Number(selection[0].qid.slice(1))).toBeGreaterThanOrEqual(1);
    expect(Number(selection[0].qid.slice(1))).toBeLessThanOrEqual(10);
    const read = await lfm2kCf.readSplit(config, await split("val", [[50, 11, 7]], [[50, 14, 3]]));
    expect(overlapOf(read.identities, selection)).toEqual({ byQid: 0, byContent: 0, queries: 0 });
  });
});

describe("lfm2k-cf spec on the real val split", () => {
  it("binds 185 users against the real domain's 2,823 candidates, none of them a selection user", async () => {
    const { config, cleanup } = realDataConfig();
    try {
      const read = await lfm2kCf.readSplit(config, path.join(config.benchmarksDir, "lfm2k-cf", "val_in.tsv"));
      expect(read.identities.length).toBe(185);
      expect(overlapOf(read.identities, await lfm2kCf.selectionIdentities(config)).queries).toBe(0);
      const domain = await lfm2kCf.buildDomain(config, { features: "own", encoder: fakeEncoder(8), seed: 42, selection: "default" });
      const set = read.bind(domain);
      expect(set.requests.length).toBe(185);
      expect(set.requests.reduce((t, q) => t + q.relevant.length, 0)).toBe(1421);
      expect(set.requests.reduce((t, q) => t + q.history!.items.length, 0)).toBe(5686);
    } finally {
      await cleanup();
    }
  }, 60000);
});

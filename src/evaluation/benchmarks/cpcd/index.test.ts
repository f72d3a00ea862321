/**
 * @file The cpcd benchmark on a made-up split small enough to check by hand: the pool, the requests a turn sees,
 * the depth, the official metrics, and the prediction file read back as eval.py reads it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../config.js";
import { tempFile } from "../../../datasets/testing.js";
import type { Domain } from "../../../domains/types.js";
import { InputError } from "../../../errors.js";
import { PopularityRecommender } from "../../../models/popularity/index.js";
import type { RankedList } from "../../../models/recommender.js";
import { fakeEncoder } from "../../../representations/fake-encoder.js";
import { evaluateModel } from "../../runner.js";
import type { SplitFile } from "../spec.js";
import { cpcd, type CpcdEvalSet } from "./index.js";
import { readPredictionFile } from "./predictions.js";
import { scoreDialogues, toClusters } from "./protocol.js";
import { syntheticCpcdDialogs, syntheticCpcdJsonl } from "./testing.js";

const config = resolveConfig({});
const encoder = fakeEncoder(8);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => Promise.all(cleanups.map((c) => c())));

async function splitOf(jsonl: string): Promise<SplitFile> {
  const t = await tempFile("dialogs.jsonl", jsonl);
  cleanups.push(t.cleanup);
  return cpcd.readSplit(config, t.file);
}
const build = (split: SplitFile) => cpcd.buildDomain(config, { features: "own", encoder, seed: 42, selection: "default", split });

let split: SplitFile;
let domain: Domain;
let evalSet: CpcdEvalSet;
let rankings: RankedList[];
beforeAll(async () => {
  split = await splitOf(syntheticCpcdJsonl());
  domain = await build(split);
  evalSet = split.bind(domain) as CpcdEvalSet;
  // Popularity is all 0 here, so it ranks in pool order (ties by lower index): a ranking checkable by hand.
  const model = new PopularityRecommender();
  await model.fit(domain, { seed: 42 });
  rankings = (await evaluateModel(model, evalSet, undefined)).rankings;
});

const dense = (id: string) => domain.items.ids.indexOf(id);

describe("cpcd split and domain", () => {
  it("one query per turn, qid <dialog_id>:<turn>", () => {
    expect(split.identities.map((q) => q.qid)).toEqual(["d1:0", "d1:1", "d1:2", "d2:0", "d2:1", "d3:0", "d3:1"]);
  });

  it("the pool is the union of the dialogues' tracks, each once, sorted by id; no users, nothing to train on", () => {
    expect(domain.items.ids).toHaveLength(60 + 60 + 10); // t005 is in d1 and d2, once
    expect(domain.items.ids.slice(0, 3)).toEqual(["t000", "t001", "t002"]);
    expect([...domain.items.ids].sort()).toEqual(domain.items.ids);
    const t002 = dense("t002");
    expect(domain.items.names[t002]).toBe("highlife song 1 (live) — highlife artist 1");
    expect([domain.items.texts.title[t002], domain.items.texts.artists[t002], domain.items.texts.album[t002]]).toEqual([
      "highlife song 1 (live)",
      "highlife artist 1",
      "highlife song 1 (live) (single)",
    ]);
    expect(domain.items.features.tagtext.rows).toBe(130);
    expect([domain.users.ids.length, domain.train.length, domain.val.length]).toEqual([0, 0, 0]);
    expect(domain.evaluatedDialogIds).toEqual(["d1", "d2", "d3"]);
  });

  it("buildDomain needs the split it ranks", async () => {
    await expect(cpcd.buildDomain(config, { features: "own", encoder, seed: 42, selection: "default" })).rejects.toThrow(InputError);
  });
});

describe("cpcd requests", () => {
  it("turn t sees its own words, and earlier turns with their seed likes (first 3) and all dislikes", () => {
    const r = evalSet.requests[2]; // d1:2
    expect(r.qid).toBe("d1:2");
    expect(r.text).toBe("more like these");
    expect(r.turns).toEqual([
      { user: "hello can you make me a playlist", system: "sure, any genre in mind?", liked: [], disliked: [] },
      { user: "some highlife please", system: "here are a few highlife songs", liked: ["t010", "t011", "t012"].map(dense), disliked: [dense("t020")] },
    ]);
    expect(evalSet.requests[0].turns).toEqual([]);
    expect(evalSet.requests.every((q) => q.exclude === undefined)).toBe(true);
  });

  it("relevant = pool tracks of the gold clusters left after seed removal (both members of a cluster)", () => {
    expect([...evalSet.requests[0].relevant].sort((a, b) => a - b)).toEqual(["t001", "t002", "t010", "t011", "t012", "t013"].map(dense));
    expect(evalSet.requests[2].relevant).toEqual(["t001", "t002", "t013"].map(dense));
    expect(evalSet.requests[4].relevant).toEqual([]); // d2:1: only "gone" is left, which has no track in the pool
    expect(evalSet.requests[6].relevant).toEqual([]); // d3:1: skipped
  });

  it("depth: 100 + one per duplicate track of a cluster + the most seed clusters any scored turn removes", () => {
    expect(evalSet.depth).toBe(100 + 1 + 3);
  });
});

describe("cpcd metrics (eval.py), on the pool-order ranking", () => {
  // Pool order, as clusters: t000 → 1, t001 → 2 (t002 is its duplicate), t00k → k for k = 3..59, u000 → 60, u005 → 65,
  // v000 → 120. d1:2 drops its seeds t010-t012, so t013 moves from 13 to 10.
  it("macro over dialogues of the mean over scored turns", () => {
    const s = evalSet.summarize(rankings);
    expect(s.metrics["hit@1"]).toBe(0);
    expect(s.metrics["hit@5"]).toBeCloseTo((1 + 0 + 0) / 3, 12);
    expect(s.metrics["recall@5"]).toBeCloseTo(((1 / 5 + 1 / 5 + 1 / 2) / 3 + 0 + 0) / 3, 12);
    expect(s.metrics["recall@10"]).toBeCloseTo(((2 / 5 + 2 / 5 + 2 / 2) / 3 + 0 + 0) / 3, 12);
    expect(s.metrics["recall@20"]).toBeCloseTo(((5 / 5 + 5 / 5 + 2 / 2) / 3 + 0 + 0) / 3, 12);
    expect(s.metrics["hit@100"]).toBeCloseTo((1 + (1 + 0) / 2 + 0) / 3, 12);
    expect(s.metrics["recall@100"]).toBeCloseTo((1 + (1 / 2 + 0) / 2 + 0) / 3, 12);
    expect(s.metrics["mrr@100"]).toBeCloseTo(((1 / 2 + 1 / 2 + 1 / 2) / 3 + (1 / 65 + 0) / 2 + 0) / 3, 12);
    expect([s.queries, s.skippedEmpty]).toEqual([6, 1]);
  });
});

describe("cpcd prediction file", () => {
  it("one line per scored turn, {docid: <dialog>:<turn>, neighbor: [{docid: <track id>}]}, cut once 100 clusters count", () => {
    const lines = evalSet.predictions(rankings);
    const parsed = lines.map((l) => JSON.parse(l) as { docid: string; neighbor: { docid: string }[] });
    expect(parsed.map((p) => p.docid)).toEqual(["d1:0", "d1:1", "d1:2", "d2:0", "d2:1", "d3:0"]);
    expect(Object.keys(parsed[0])).toEqual(["docid", "neighbor"]);
    expect(parsed[0].neighbor.slice(0, 3)).toEqual([{ docid: "t000" }, { docid: "t001" }, { docid: "t002" }]);
    // 100 distinct clusters outside the seeds: + 1 for the duplicate t002, + the seeds ranked before the 100th.
    expect(parsed.map((p) => p.neighbor.length)).toEqual([101, 101, 101 + 3, 101, 101 + 1, 101]);
  });

  it("read back as eval.py reads it, scores exactly what summarize reports", async () => {
    const t = await tempFile("predictions.jsonl", evalSet.predictions(rankings).map((l) => `${l}\n`).join(""));
    cleanups.push(t.cleanup);
    const read = await readPredictionFile(t.file);
    expect(read.get("d3")).toHaveLength(1); // turn 1 is absent (skipped), so eval.py never zips it
    const asClusters = new Map([...read].map(([d, turns]) => [d, turns.map((ids) => toClusters(ids, evalSet.clusterOf))]));
    const fromFile = scoreDialogues(evalSet.gold, asClusters).summary;
    const direct = evalSet.summarize(rankings);
    expect(fromFile.metrics).toEqual(direct.metrics);
    expect(fromFile.stderr).toEqual(direct.stderr);
    expect(fromFile.queries).toBe(direct.queries);
    // The file has no line for a skipped turn, so only summarize counts it.
    expect([fromFile.skippedEmpty, direct.skippedEmpty]).toEqual([0, 1]);
  });
});

describe("cpcd bad splits", () => {
  it("a pool too small for 100 predictions per scored turn fails before any model runs", async () => {
    const small = await splitOf(syntheticCpcdJsonl(syntheticCpcdDialogs().slice(2))); // d3 alone: 10 tracks
    const d = await build(small);
    expect(() => small.bind(d)).toThrow(/: turn d3:0 can keep only 10 candidate clusters after its seeds are removed; CPCD's eval.py needs 100/);
  });

  it("a domain built from another split is refused", async () => {
    const other = await build(await splitOf(syntheticCpcdJsonl(syntheticCpcdDialogs().slice(0, 2))));
    expect(() => split.bind(other)).toThrow(/^cpcd: the domain was not built from .*dialogs\.jsonl: it has 120 tracks, the split's pool 130/);
  });
});

describe("cpcd prediction reader (data.py load_results)", () => {
  it("splits docid at the first colon, fills absent turns with [], keeps the last of a repeated docid", async () => {
    const text = [
      '{"docid": "a:2", "neighbor": [{"docid": "x", "distance": 0.5}]}',
      '{"docid": "d:1", "neighbor": [{"docid": "y"}]}',
      '{"docid": "d:1", "neighbor": [{"docid": "z"}]}',
      "",
    ].join("\n");
    const t = await tempFile("p.jsonl", text);
    cleanups.push(t.cleanup);
    const read = await readPredictionFile(t.file);
    expect([...read.keys()]).toEqual(["a", "d"]);
    expect(read.get("a")).toEqual([[], [], ["x"]]);
    expect(read.get("d")).toEqual([[], ["z"]]);
  });

  it("names the line of a docid without a turn index", async () => {
    const t = await tempFile("p.jsonl", '{"docid": "d:0", "neighbor": []}\n{"docid": "d", "neighbor": []}\n');
    cleanups.push(t.cleanup);
    await expect(readPredictionFile(t.file)).rejects.toThrow(new RegExp(`${path.basename(t.file)}:2: field docid: expected "<dialog_id>:<turn index>", got "d"$`));
    const colons = await tempFile("p.jsonl", '{"docid": "a:b:2", "neighbor": []}\n'); // data.py: int("b:2") fails too
    cleanups.push(colons.cleanup);
    await expect(readPredictionFile(colons.file)).rejects.toThrow(/:1: field docid/);
  });
});

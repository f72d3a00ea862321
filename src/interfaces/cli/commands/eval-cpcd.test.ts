/**
 * @file `askmusic eval cpcd` end to end on a made-up dialog file (USE-lite encodes its 130 tracks): the report and the
 * official prediction file; and its bad input: one line naming file:line and field, a non-zero status, no file written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../config.js";
import { cpcd, type CpcdEvalSet } from "../../../evaluation/benchmarks/cpcd/index.js";
import { readPredictionFile } from "../../../evaluation/benchmarks/cpcd/predictions.js";
import { scoreDialogues, toClusters } from "../../../evaluation/benchmarks/cpcd/protocol.js";
import { syntheticCpcdDialogs, syntheticCpcdJsonl } from "../../../evaluation/benchmarks/cpcd/testing.js";
import { fakeEncoder } from "../../../representations/fake-encoder.js";
import { runCli } from "../testing.js";

let home: string;
let scratch: string;
const env = () => ({ ASKMUSIC_HOME: home, ASKMUSIC_DOWNLOAD: "never" });
const out = (name: string) => path.join(scratch, name);

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-eval-cpcd-home-"));
  scratch = mkdtempSync(path.join(os.tmpdir(), "askmusic-eval-cpcd-"));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes a split file and runs `eval cpcd` on it with --out and --predictions-out under `tag`. */
async function evalCpcd(tag: string, jsonl: string, models = "bm25") {
  const split = out(`${tag}.dialogs.jsonl`);
  writeFileSync(split, jsonl);
  const r = await runCli(["eval", "cpcd", "--split", split, "--models", models, "--out", out(`${tag}.json`), "--predictions-out", out(`${tag}.predictions.jsonl`)], env());
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("askmusic:"));
  return { ...r, split, errors, wrote: [out(`${tag}.json`), out(`${tag}.predictions.jsonl`)].filter((f) => existsSync(f)) };
}

describe("askmusic eval cpcd", () => {
  it("writes the report (15 official columns, macro over dialogues) and one prediction line per scored turn", async () => {
    const r = await evalCpcd("ok", syntheticCpcdJsonl());
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(out("ok.json"), "utf8"));
    expect(report.benchmark).toBe("cpcd");
    expect(report.columns).toHaveLength(15);
    expect(report.columns.slice(0, 5)).toEqual(["hit@1", "hit@5", "hit@10", "hit@20", "hit@100"]);
    const [bm25] = report.results;
    expect(bm25.model).toBe("bm25");
    expect([bm25.queries, bm25.skipped_empty]).toEqual([6, 1]);
    const lines = readFileSync(out("ok.predictions.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l: { docid: string }) => l.docid)).toEqual(["d1:0", "d1:1", "d1:2", "d2:0", "d2:1", "d3:0"]);
    expect(lines.every((l: { neighbor: { docid: string }[] }) => l.neighbor.length >= 100)).toBe(true);
    // The file, read back as eval.py reads it and scored against the split's answer key, gives the reported numbers.
    const config = resolveConfig(env());
    const split = await cpcd.readSplit(config, r.split);
    const evalSet = split.bind(await cpcd.buildDomain(config, { features: "own", encoder: fakeEncoder(8), seed: 42, selection: "default", split })) as CpcdEvalSet;
    const read = await readPredictionFile(out("ok.predictions.jsonl"));
    const scored = scoreDialogues(evalSet.gold, new Map([...read].map(([d, turns]) => [d, turns.map((ids) => toClusters(ids, evalSet.clusterOf))])));
    for (const key of report.columns) expect(scored.summary.metrics[key], key).toBeCloseTo(bm25.metrics[key], 12);
    expect(r.stdout).toMatch(/^\| bm25 \| /m);
  }, 120_000);

  const turnOf = (d: Record<string, unknown>, i: number) => (d.turns as Record<string, unknown>[])[i];
  const badCases: [string, (dialogs: Record<string, unknown>[]) => string, RegExp][] = [
    ["malformed JSON", (ds) => `${JSON.stringify(ds[0])}\n{"id": "d2", "turns": [\n`, /\.dialogs\.jsonl:2: malformed JSON/],
    [
      "a turn without a field",
      (ds) => {
        delete turnOf(ds[1], 1).liked_results;
        return syntheticCpcdJsonl(ds);
      },
      /\.dialogs\.jsonl:2: field turns\.1\.liked_results: Required$/,
    ],
    [
      "a field of the wrong type",
      (ds) => {
        turnOf(ds[2], 0).system_response = ["here"];
        return syntheticCpcdJsonl(ds);
      },
      /\.dialogs\.jsonl:3: field turns\.0\.system_response: Expected string, received array$/,
    ],
    [
      "a liked result not in tracks",
      (ds) => {
        turnOf(ds[0], 1).liked_results = ["t010", "nope"];
        return syntheticCpcdJsonl(ds);
      },
      /\.dialogs\.jsonl:1: field turns\.1\.liked_results\.1: track "nope" is not in tracks$/,
    ],
  ];
  for (const [name, make, message] of badCases) {
    it(`bad input, ${name}: one line naming file:line and field, non-zero status, no file written`, async () => {
      const tag = name.replace(/\W+/g, "-");
      const r = await evalCpcd(tag, make(syntheticCpcdDialogs()));
      expect(r.status).not.toBe(0);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(message);
      expect(r.errors[0]).toContain(r.split);
      expect(r.wrote).toEqual([]);
    });
  }

  it("a model that needs what cpcd requests do not carry: one line naming the model and what it lacks", async () => {
    const r = await evalCpcd("twotower", syntheticCpcdJsonl(), "twotower");
    expect(r.status).not.toBe(0);
    expect(r.errors).toEqual([
      "askmusic: error: model twotower cannot rank cpcd requests: it needs user, which they do not carry (they carry text, turns)",
    ]);
    expect(r.wrote).toEqual([]);
  });
});

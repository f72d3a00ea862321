/**
 * @file The CLI's bad-input contract: one line naming the problem, a non-zero status, nothing written.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";

let home: string;
let scratch: string;
const env = () => ({
  ASKMUSIC_HOME: home,
  ASKMUSIC_DATA: process.env.ASKMUSIC_DATA ?? path.resolve("../shared/data"),
  ASKMUSIC_BENCHMARKS: process.env.ASKMUSIC_BENCHMARKS ?? path.resolve("../shared/benchmarks"),
  ASKMUSIC_DOWNLOAD: "never",
});

/** Runs the CLI in-process and returns its status and what it wrote to stderr. */
async function run(...argv: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const status = await main(argv, env());
    return { status, stderr };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-cli-home-"));
  scratch = mkdtempSync(path.join(os.tmpdir(), "askmusic-cli-"));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("askmusic CLI bad input", () => {
  it("unknown benchmark: lists the known ones", async () => {
    const r = await run("eval", "nope", "--split", "x.jsonl");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown benchmark "nope"; must be one of: lfm2k-tagq, jamendo-captions, cpcd, lfm2k-cf/);
  });
  it("missing split file: names the file", async () => {
    const r = await run("eval", "lfm2k-tagq", "--split", path.join(scratch, "missing.jsonl"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/split file not found: .*missing\.jsonl/);
  });
  it("unknown model: lists the known ones, before any work", async () => {
    const split = path.join(scratch, "one.jsonl");
    writeFileSync(split, '{"qid":"u2-t13","user":2,"tag":13,"text":"chillout","relevant":[52],"date":"2009-04-01"}\n');
    const r = await run("eval", "lfm2k-tagq", "--split", split, "--models", "popularity,nosuchmodel", "--out", path.join(scratch, "r.json"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown model "nosuchmodel"; must be one of: .*popularity/);
    expect(existsSync(path.join(scratch, "r.json"))).toBe(false);
  });
  it("bad feature set for a benchmark", async () => {
    const split = path.join(scratch, "one.jsonl");
    const r = await run("eval", "jamendo-captions", "--split", split, "--features", "shared");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--features "shared" is not available for jamendo-captions/);
  });
  it("malformed split file: names the file and line, before any feature building", async () => {
    const bad = path.join(scratch, "bad.jsonl");
    writeFileSync(bad, '{"qid":"u2-t13","user":2,"tag":13,"text":"chillout","relevant":[52],"date":"2009-04-01"}\n{"qid": 5,\n');
    const started = Date.now();
    const r = await run("eval", "lfm2k-tagq", "--split", bad, "--models", "popularity");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.jsonl:2/);
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("askmusic:"))).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
  describe("eval lfm2k-cf", () => {
    const cfSplit = (name: string, content: string) => {
      const file = path.join(scratch, name);
      writeFileSync(file, content);
      return file;
    };
    /** Runs eval lfm2k-cf with --out and checks the one-line, non-zero, nothing-written contract. */
    const failsCleanly = async (split: string, models: string, message: RegExp) => {
      const out = path.join(scratch, "cf-report.json");
      const r = await run("eval", "lfm2k-cf", "--split", split, "--models", models, "--out", out);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("askmusic:"))).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    };
    it("a fold-in file without its _out sibling: names the missing file", async () => {
      const split = cfSplit("lonely_in.tsv", "user\tartist\tplays\n2\t53\t10\n");
      await failsCleanly(split, "popularity", /lonely_out\.tsv: no such file/);
    });
    it("a split not ending in _in.tsv", async () => {
      const split = cfSplit("val.tsv", "user\tartist\tplays\n2\t53\t10\n");
      await failsCleanly(split, "popularity", /val\.tsv: an lfm2k-cf split must name a fold-in file ending in "_in\.tsv"/);
    });
    it("a malformed row: names file and line", async () => {
      const split = cfSplit("bad_in.tsv", "user\tartist\tplays\n2\t53\t10\n2\tfifty\t3\n");
      cfSplit("bad_out.tsv", "user\tartist\tplays\n2\t51\t7\n");
      await failsCleanly(split, "popularity", /bad_in\.tsv:3: column artist: expected a non-negative integer, got "fifty"/);
    });
    it.each(["bm25", "dense"])("%s, which needs words its requests do not carry: names the model and what it lacks", async (model) => {
      const split = path.join(env().ASKMUSIC_BENCHMARKS, "lfm2k-cf", "val_in.tsv");
      await failsCleanly(split, `popularity,${model}`, new RegExp(`model ${model} cannot rank lfm2k-cf requests: it needs text, which they do not carry \\(they carry history\\)`));
    });
  });
  it("empty and 10 kB requests", async () => {
    const empty = await run("ask", "   ");
    expect(empty.status).not.toBe(0);
    expect(empty.stderr).toMatch(/request is empty/);
    const huge = await run("ask", "rock ".repeat(2048));
    expect(huge.status).not.toBe(0);
    expect(huge.stderr).toMatch(/characters long; the limit is 2000/);
  });
  it("unknown catalog, and a known one that is not built yet", async () => {
    const unknown = await run("ask", "calm piano", "--catalog", "spotify");
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown catalog "spotify"; must be one of: jamendo, lastfm-2k/);
    const unbuilt = await run("ask", "calm piano", "--catalog", "jamendo");
    expect(unbuilt.status).not.toBe(0);
    expect(unbuilt.stderr).toMatch(/not built yet .* run `npx askmusic ingest jamendo` first/);
  });
  it("bad -k", async () => {
    const r = await run("ask", "calm piano", "-k", "0");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/-k must be an integer from 1 to 100, got "0"/);
  });
  it("unknown ingest source", async () => {
    const r = await run("ingest", "spotify");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown catalog source "spotify"/);
  });
  it("train: unknown catalog or model, bad --epochs; nothing written", async () => {
    const catalog = await run("train", "spotify");
    expect(catalog.status).toBe(2);
    expect(catalog.stderr).toMatch(/unknown trainable catalog "spotify"; must be one of: jamendo, lastfm-2k/);
    const model = await run("train", "jamendo", "--model", "jam-best");
    expect(model.status).toBe(2);
    expect(model.stderr).toMatch(/unknown model "jam-best"; must be one of: jam-cross, jam-avg, jam-moe, talkrec, whitebox, text2tracks-semantic, apron$/m);
    const epochs = await run("train", "jamendo", "--epochs", "0");
    expect(epochs.status).toBe(2);
    expect(epochs.stderr).toMatch(/--epochs must be an integer from 1 to 1000/);
    expect(existsSync(path.join(home, "models"))).toBe(false);
  });
  it("ask --model: an unknown ranker is named before anything loads", async () => {
    const unknown = await run("ask", "calm piano", "--model", "jam-best");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown ranker "jam-best"; must be one of: auto, none, jam-cross, jam-avg, jam-moe, talkrec, whitebox, text2tracks-semantic, apron$/m);
    const serve = await run("serve", "--model", "jam-best");
    expect(serve.status).toBe(2);
    expect(serve.stderr).toMatch(/unknown ranker "jam-best"; must be one of: auto, none, jam-cross, jam-avg, jam-moe, talkrec, whitebox, text2tracks-semantic, apron$/m);
  });
  it("leaves nothing behind in the workspace after these failures", () => {
    const entries = existsSync(home) ? readdirSync(home) : [];
    expect(entries.filter((e) => e.endsWith(".tmp"))).toEqual([]);
  });
});

import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataError } from "../../errors.js";
import { realDataDirs, tempFile } from "../testing.js";
import { loadCaptionQueries, loadCfSplit, loadCfTrain, loadTagQueries } from "./index.js";

const BENCH = realDataDirs().benchmarks;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function file(name: string, content: string): Promise<string> {
  const t = await tempFile(name, content);
  cleanups.push(t.cleanup);
  return t.file;
}
const TAGQ = { qid: "u2-t32", user: 2, tag: 32, text: "avant-garde", relevant: [3894], date: "2009-05-01" };
const CAP = { qid: "mc-1", text: "A calm piano piece.", tags: ["piano", "calm"], relevant: ["track_0000948", "track_0000012"] };

describe("loadTagQueries", () => {
  it("parses valid lines", async () => {
    expect(await loadTagQueries(await file("q.jsonl", JSON.stringify(TAGQ) + "\n"))).toEqual([TAGQ]);
  });
  it("names file and line of bad JSON, a bad field, a duplicate qid; rejects an empty file", async () => {
    const good = JSON.stringify(TAGQ);
    await expect(loadTagQueries(await file("q.jsonl", `${good}\n{"qid":`))).rejects.toThrow(/q\.jsonl:2: malformed JSON/);
    await expect(loadTagQueries(await file("q.jsonl", `${good}\n${JSON.stringify({ ...TAGQ, qid: "x", user: "2" })}\n`))).rejects.toThrow(
      /q\.jsonl:2: field user: Expected number, received string/,
    );
    await expect(loadTagQueries(await file("q.jsonl", `${good}\n${JSON.stringify({ ...TAGQ, qid: "y", text: " " })}\n`))).rejects.toThrow(/q\.jsonl:2: field text: must not be empty/);
    await expect(loadTagQueries(await file("q.jsonl", `${good}\n${good}\n`))).rejects.toThrow(/q\.jsonl:2: duplicate qid "u2-t32"/);
    const empty = await file("empty.jsonl", "");
    await expect(loadTagQueries(empty)).rejects.toBeInstanceOf(DataError);
    await expect(loadTagQueries(empty)).rejects.toThrow(/empty\.jsonl: empty file/);
  });
});

describe("loadCaptionQueries", () => {
  it("drops the answer key: the returned objects have no tags", async () => {
    const [q] = await loadCaptionQueries(await file("c.jsonl", JSON.stringify(CAP) + "\n"));
    expect(q).toEqual({ qid: "mc-1", text: "A calm piano piece.", relevant: ["track_0000948", "track_0000012"] });
    expect(Object.keys(q).sort()).toEqual(["qid", "relevant", "text"]);
    expect("tags" in q).toBe(false);
  });
  it("rejects a relevant entry that is not a track id, with the line", async () => {
    await expect(loadCaptionQueries(await file("c.jsonl", JSON.stringify({ ...CAP, relevant: [948] })))).rejects.toThrow(/c\.jsonl:1: field relevant\.0: Expected string/);
  });
});

describe("lfm2k-cf splits", () => {
  it("reads the fold-in file and its _out sibling", async () => {
    const inFile = await file("val_in.tsv", "user\tartist\tplays\n2\t53\t10\n2\t55\t3\n");
    await fs.writeFile(path.join(path.dirname(inFile), "val_out.tsv"), "user\tartist\tplays\n2\t51\t7\n");
    expect(await loadCfSplit(inFile)).toEqual({
      foldIn: [
        { user: 2, artist: 53, plays: 10 },
        { user: 2, artist: 55, plays: 3 },
      ],
      heldOut: [{ user: 2, artist: 51, plays: 7 }],
    });
  });
  it("rejects a name without _in.tsv, a missing sibling, mismatched users, an empty file, a bad row", async () => {
    await expect(loadCfSplit(await file("val.tsv", "user\tartist\tplays\n1\t2\t3\n"))).rejects.toThrow(/must name a fold-in file ending in "_in\.tsv"/);
    const lonely = await file("test_in.tsv", "user\tartist\tplays\n1\t2\t3\n");
    await expect(loadCfSplit(lonely)).rejects.toThrow(/test_out\.tsv: no such file/);
    await fs.writeFile(path.join(path.dirname(lonely), "test_out.tsv"), "user\tartist\tplays\n9\t2\t3\n");
    await expect(loadCfSplit(lonely)).rejects.toThrow(/user 9 has held-out rows but no fold-in rows/);
    await expect(loadCfTrain(await file("train.tsv", "user\tartist\tplays\n"))).rejects.toThrow(/train\.tsv: no interactions/);
    await expect(loadCfTrain(await file("train.tsv", "user\tartist\tplays\n1\t2\n"))).rejects.toThrow(/train\.tsv:2: expected 3 tab-separated columns, got 2/);
  });
  it("rejects a (user, artist) pair listed twice in a file, or in both the fold-in and the held-out file, by line", async () => {
    await expect(loadCfTrain(await file("train.tsv", "user\tartist\tplays\n1\t2\t3\n1\t5\t3\n1\t2\t4\n"))).rejects.toThrow(
      /train\.tsv:4: user 1 and artist 2 are already paired on line 2/,
    );
    const inFile = await file("val_in.tsv", "user\tartist\tplays\n2\t53\t10\n2\t55\t3\n");
    await fs.writeFile(path.join(path.dirname(inFile), "val_out.tsv"), "user\tartist\tplays\n2\t51\t7\n2\t55\t3\n");
    await expect(loadCfSplit(inFile)).rejects.toThrow(/val_out\.tsv:3: user 2's artist 55 is also in the fold-in file/);
  });
});

describe("the real benchmark files", () => {
  it("load with the documented sizes, and caption queries carry no tags", async () => {
    expect((await loadTagQueries(path.join(BENCH, "lfm2k-tagq/train.jsonl"))).length).toBe(18_954);
    const val = await loadTagQueries(path.join(BENCH, "lfm2k-tagq/val.jsonl"));
    expect(val.length).toBe(2_853);
    expect(new Set(val.map((q) => q.user)).size).toBe(1_221);
    const captions = await loadCaptionQueries(path.join(BENCH, "jamendo-captions/val.jsonl"));
    expect(captions.length).toBe(444);
    expect(captions.every((q) => !("tags" in q) && q.relevant.length >= 5 && q.relevant.length <= 3000)).toBe(true);
    const { foldIn, heldOut } = await loadCfSplit(path.join(BENCH, "lfm2k-cf/val_in.tsv"));
    expect(new Set(foldIn.map((p) => p.user)).size).toBe(185);
    expect(new Set(heldOut.map((p) => p.user)).size).toBe(185);
    expect(new Set((await loadCfTrain(path.join(BENCH, "lfm2k-cf/train.tsv"))).map((p) => p.user)).size).toBe(1_489);
  });
});

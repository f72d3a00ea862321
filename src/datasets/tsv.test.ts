import { afterEach, describe, expect, it } from "vitest";
import { DataError } from "../errors.js";
import { tempFile } from "./testing.js";
import { parseIntField, parseNumberField, readLines, readTsv } from "./tsv.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function fixture(name: string, content: string | Uint8Array): Promise<string> {
  const t = await tempFile(name, content);
  cleanups.push(t.cleanup);
  return t.file;
}
async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe("readLines", () => {
  it("strips CRLF and numbers lines from 1", async () => {
    const file = await fixture("a.txt", "one\r\ntwo\nthree");
    expect(await collect(readLines(file))).toEqual([
      { text: "one", lineNo: 1 },
      { text: "two", lineNo: 2 },
      { text: "three", lineNo: 3 },
    ]);
  });

  it("decodes latin-1 when asked", async () => {
    const file = await fixture("l.txt", Buffer.from([0x74, 0x72, 0x6f, 0x70, 0x69, 0x63, 0xe1, 0x6c, 0x69, 0x61])); // "tropicália" in latin-1
    expect((await collect(readLines(file, "latin1")))[0].text).toBe("tropicália");
  });

  it("keeps line numbers and multi-byte characters intact across 1 MiB read chunks", async () => {
    const line = "é".repeat(999); // 1998 bytes + "\n": lines straddle every chunk boundary at odd offsets
    const file = await fixture("big.txt", `${line}\n`.repeat(1200));
    const lines = await collect(readLines(file));
    expect(lines.length).toBe(1200);
    expect(lines.every((l, i) => l.text === line && l.lineNo === i + 1)).toBe(true);
  });

  it("names a missing file", async () => {
    await expect(collect(readLines("/nonexistent/x.tsv"))).rejects.toThrow(/\/nonexistent\/x\.tsv: no such file/);
  });
});

describe("readTsv", () => {
  it("checks the header, skips blank lines and yields fields with line numbers", async () => {
    const file = await fixture("a.tsv", "a\tb\n1\t2\n\n3\t4\n");
    expect(await collect(readTsv(file, { header: ["a", "b"] }))).toEqual([
      { fields: ["1", "2"], lineNo: 2 },
      { fields: ["3", "4"], lineNo: 4 },
    ]);
  });

  it("reports a wrong column count with file and line", async () => {
    const file = await fixture("a.tsv", "a\tb\n1\t2\n3\n");
    const err = await collect(readTsv(file, { header: ["a", "b"] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe(`${file}:3: expected 2 tab-separated columns, got 1`);
    expect((err as DataError).path).toBe(file);
  });

  it("reports a wrong header on line 1, and an empty file", async () => {
    const bad = await fixture("h.tsv", "x\ty\n1\t2\n");
    await expect(collect(readTsv(bad, { header: ["a", "b"] }))).rejects.toThrow(`${bad}:1: expected header`);
    const empty = await fixture("e.tsv", "");
    await expect(collect(readTsv(empty, { header: ["a", "b"] }))).rejects.toThrow(/empty file/);
  });
});

describe("numeric fields", () => {
  it("accepts plain integers and rejects everything else with file, line and column", () => {
    expect(parseIntField("42", "f", 3, "plays")).toBe(42);
    for (const bad of ["", "-1", "1.5", "1e3", " 4", "x"]) {
      expect(() => parseIntField(bad, "f", 3, "plays")).toThrow(`f:3: column plays: expected a non-negative integer, got "${bad}"`);
    }
    expect(parseNumberField("7.5", "f", 1, "avg")).toBe(7.5);
    expect(() => parseNumberField("", "f", 9, "avg")).toThrow("f:9: column avg: expected a number");
  });
});

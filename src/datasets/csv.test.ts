import { afterEach, describe, expect, it } from "vitest";
import { DataError } from "../errors.js";
import { parseCsvText, readCsv } from "./csv.js";
import { tempFile } from "./testing.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe("parseCsvText", () => {
  it("handles quoted commas, doubled quotes, CRLF and a quoted newline (line numbers = start line)", () => {
    const text = 'id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,plain\r\n';
    expect(parseCsvText(text)).toEqual([
      { fields: ["id", "text"], lineNo: 1 },
      { fields: ["1", "a, b"], lineNo: 2 },
      { fields: ["2", 'say "hi"'], lineNo: 3 },
      { fields: ["3", "two\nlines"], lineNo: 4 },
      { fields: ["4", "plain"], lineNo: 6 },
    ]);
  });

  it("keeps empty fields and a last record without a newline, skips blank lines", () => {
    expect(parseCsvText("a,,c\n\n,x,")).toEqual([
      { fields: ["a", "", "c"], lineNo: 1 },
      { fields: ["", "x", ""], lineNo: 3 },
    ]);
  });

  it("supports a tab delimiter with quoted tabs (song-describer's format)", () => {
    expect(parseCsvText('1\t"Mix)\t by X "\tlic\n', "f", "\t")[0].fields).toEqual(["1", "Mix)\t by X ", "lic"]);
  });

  it("keeps a quote inside an unquoted field as data", () => {
    expect(parseCsvText('a"b,c\n')[0].fields).toEqual(['a"b', "c"]);
  });

  it("rejects text after a closing quote, naming the line", () => {
    expect(() => parseCsvText('a,b\n1,"x"y\n', "f.csv")).toThrow('f.csv:2: unexpected "y" after a closing quote');
  });

  it("rejects an unterminated quote, naming the line where it opened", () => {
    const err = (() => {
      try {
        parseCsvText('a,b\n1,2\n3,"open\nmore\n', "f.csv");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe("f.csv:3: unterminated quoted field (no closing quote before the end of the file)");
  });
});

describe("readCsv", () => {
  it("gives the same records as parseCsvText when a quoted field spans stream chunks", async () => {
    // Longer than one 64 KiB read chunk, with "" and a newline near the boundary.
    const long = "x".repeat(70_000);
    const text = `h1,h2\n1,"${long.slice(0, 65_530)}""\n${long.slice(65_530)}"\n2,end\n`;
    const t = await tempFile("big.csv", text);
    cleanups.push(t.cleanup);
    const got = [];
    for await (const r of readCsv(t.file)) got.push(r);
    expect(got).toEqual(parseCsvText(text, t.file));
    expect(got[1].fields[1]).toBe(`${long.slice(0, 65_530)}"\n${long.slice(65_530)}`);
    expect(got[2]).toEqual({ fields: ["2", "end"], lineNo: 4 });
  });
});

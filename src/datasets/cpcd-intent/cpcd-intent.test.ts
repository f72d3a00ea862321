import { afterAll, afterEach, describe, expect, it } from "vitest";
import { makeMirror, realDataConfig, tempFile } from "../testing.js";
import { CPCD_INTENT_FILE, loadCpcdIntent, parseCpcdIntentFile, parsePythonStringList, withoutDialogs } from "./index.js";

const HEADER = "index,dialog_id,unique_id,role,content,intent,music_attribute\r\n";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function file(content: string): Promise<string> {
  const t = await tempFile("intent.csv", content);
  cleanups.push(t.cleanup);
  return t.file;
}

describe("parsePythonStringList", () => {
  it("parses pandas-written lists of strings", () => {
    expect(parsePythonStringList("['initial_query', 'greeting']")).toEqual(["initial_query", "greeting"]);
    expect(parsePythonStringList("[]")).toEqual([]);
    expect(parsePythonStringList("")).toEqual([]);
    expect(parsePythonStringList(`["it's", 'a\\'b']`)).toEqual(["it's", "a'b"]);
  });
  it("rejects anything else", () => {
    expect(() => parsePythonStringList("initial_query")).toThrow(/expected a Python list/);
    expect(() => parsePythonStringList("['a' 'b']")).toThrow(/expected ","/);
    expect(() => parsePythonStringList("[1, 2]")).toThrow(/expected a quoted string/);
    expect(() => parsePythonStringList("['a]")).toThrow(/unterminated string/);
  });
});

describe("withoutDialogs", () => {
  it("drops every row of an evaluated dialogue, by dialog id, and keeps the rest in order", () => {
    const row = (index: number, dialogId: string) => ({ index, dialogId, uniqueId: `${dialogId}:${index}:user`, role: "user" as const, content: "x", intents: [], musicAttributes: [] });
    const rows = [row(0, "a"), row(1, "b"), row(2, "a"), row(3, "c")];
    expect(withoutDialogs(rows, ["a", "zz"]).map((r) => r.index)).toEqual([1, 3]);
    expect(withoutDialogs(rows, undefined)).toEqual(rows);
  });
});

describe("parseCpcdIntentFile", () => {
  it("reads quoted fields with commas, quotes and newlines", async () => {
    const f = await file(
      HEADER +
        `2,d1,d1:0:user,user,"hi, I'd like ""Tubular Bells""\nplease","['initial_query', 'greeting']","['artist', 'year']"\r\n` +
        "3,d1,d1:0:system,system,Super!,['sympathetic_response'],[]\r\n",
    );
    expect(await parseCpcdIntentFile(f)).toEqual([
      { index: 2, dialogId: "d1", uniqueId: "d1:0:user", role: "user", content: 'hi, I\'d like "Tubular Bells"\nplease', intents: ["initial_query", "greeting"], musicAttributes: ["artist", "year"] },
      { index: 3, dialogId: "d1", uniqueId: "d1:0:system", role: "system", content: "Super!", intents: ["sympathetic_response"], musicAttributes: [] },
    ]);
  });

  it("names the line of a malformed row (after a multi-line record)", async () => {
    const first = `2,d1,d1:0:user,user,"two\nlines",[],[]\n`;
    await expect(parseCpcdIntentFile(await file(HEADER + first + "3,d1,d1:1:user,wizard,x,[],[]\n"))).rejects.toThrow(/intent\.csv:4: column role: expected "user" or "system", got "wizard"/);
    await expect(parseCpcdIntentFile(await file(HEADER + first + "3,d1,d1:1:user,user,x,[oops],[]\n"))).rejects.toThrow(/intent\.csv:4: column intent: expected a quoted string/);
    await expect(parseCpcdIntentFile(await file(HEADER + "3,d1,user,x\n"))).rejects.toThrow(/intent\.csv:2: expected 7 columns, got 4/);
    await expect(parseCpcdIntentFile(await file("a,b\n"))).rejects.toThrow(/intent\.csv:1: expected header/);
    await expect(parseCpcdIntentFile(await file(HEADER))).rejects.toThrow(/no data rows/);
  });

  it("loads through the verified mirror", async () => {
    const m = await makeMirror({ [CPCD_INTENT_FILE]: HEADER + "5,d,d:0:user,user,hey,['greeting'],[]\n" });
    cleanups.push(m.cleanup);
    expect((await loadCpcdIntent(m.config)).map((r) => r.index)).toEqual([5]);
  });
});

describe("cpcd_intent.csv on the real data", () => {
  const real = realDataConfig();
  afterAll(() => real.cleanup());

  it("has 9,338 rows of both roles with parsed label lists", async () => {
    const rows = await loadCpcdIntent(real.config);
    expect(rows.length).toBe(9_338);
    expect(rows[0]).toMatchObject({ index: 2, role: "user", intents: ["initial_query", "greeting", "add_filter"], musicAttributes: ["artist", "year"] });
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(["user", "system"]));
    expect(rows.every((r) => r.intents.length > 0)).toBe(true);
  });
});

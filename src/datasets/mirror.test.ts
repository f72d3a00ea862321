import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DataError } from "../errors.js";
import { clearChecksumMemo, resolveDataFile } from "./mirror.js";
import { makeMirror, sha256, type TempMirror } from "./testing.js";
import { upstreamFor } from "./upstream.js";

const mirrors: TempMirror[] = [];
afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((m) => m.cleanup()));
});
async function mirror(...args: Parameters<typeof makeMirror>): Promise<TempMirror> {
  const m = await makeMirror(...args);
  mirrors.push(m);
  return m;
}
const REL = "mtg-jamendo/data/autotagging_moodtheme.tsv";
const URL = "https://raw.githubusercontent.com/MTG/mtg-jamendo-dataset/master/data/autotagging_moodtheme.tsv";

describe("resolveDataFile", () => {
  it("returns the absolute path of a verified mirror file", async () => {
    const m = await mirror({ [REL]: "hello\n" });
    expect(await resolveDataFile(m.config, REL)).toBe(path.join(m.config.dataDir, REL));
    expect(await resolveDataFile(m.config, `./${REL}`)).toBe(path.join(m.config.dataDir, REL));
  });

  it("rejects a corrupted file with the path and expected vs actual hash", async () => {
    const m = await mirror({ [REL]: "hello\n" });
    await fs.writeFile(path.join(m.config.dataDir, REL), "hellO\n");
    const err = await resolveDataFile(m.config, REL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const e = err as DataError;
    expect(e.path).toBe(path.join(m.config.dataDir, REL));
    expect(e.expected).toBe(sha256("hello\n"));
    expect(e.actual).toBe(sha256("hellO\n"));
    expect(e.message).toContain(`checksum mismatch for ${e.path}: expected sha256 ${e.expected}, got ${e.actual}`);
  });

  it("rejects a file not listed in SHA256SUMS, and a path escaping the mirror", async () => {
    const m = await mirror({ [REL]: "x" });
    await expect(resolveDataFile(m.config, "mtg-jamendo/other.tsv")).rejects.toThrow(/is not listed in .*SHA256SUMS/);
    await expect(resolveDataFile(m.config, "../etc/passwd")).rejects.toThrow(/must be relative to the data mirror/);
  });

  it("names SHA256SUMS when the mirror is absent", async () => {
    const m = await mirror({});
    await fs.rm(path.join(m.config.dataDir, "SHA256SUMS"));
    await expect(resolveDataFile(m.config, REL)).rejects.toThrow(/no checksum list at .*SHA256SUMS.*ASKMUSIC_DATA/);
  });

  it("a missing file with downloads off: one line naming the file, where it looked, and the URL", async () => {
    const m = await mirror({}, { listedOnly: { [REL]: "hello\n" }, download: "never" });
    const err = (await resolveDataFile(m.config, REL).catch((e: unknown) => e)) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain(`missing data file "${REL}"`);
    expect(err.message).toContain(path.join(m.config.dataDir, REL));
    expect(err.message).toContain(path.join(m.config.homeDir, "downloads", REL));
    expect(err.message).toContain(URL);
  });

  it("a missing file when the download fails (offline): the URL and the reason", async () => {
    const m = await mirror({}, { listedOnly: { [REL]: "hello\n" }, download: "auto" });
    const fetchImpl = vi.fn(async () => {
      throw new TypeError("fetch failed", { cause: new Error("getaddrinfo ENOTFOUND raw.githubusercontent.com") });
    }) as unknown as typeof fetch;
    const err = (await resolveDataFile(m.config, REL, { fetchImpl }).catch((e: unknown) => e)) as DataError;
    expect(err.message).toMatch(/downloading it failed \(fetch failed: getaddrinfo ENOTFOUND/);
    expect(err.message).toContain(`get it from ${URL}`);
    expect(fetchImpl).toHaveBeenCalledWith(URL, expect.anything());
  });

  it("downloads a missing file into homeDir/downloads, verified, and uses the cached copy next time", async () => {
    const m = await mirror({}, { listedOnly: { [REL]: "hello\n" }, download: "auto" });
    const fetchImpl = vi.fn(async () => new Response("hello\n")) as unknown as typeof fetch;
    const target = path.join(m.config.homeDir, "downloads", REL);
    expect(await resolveDataFile(m.config, REL, { fetchImpl })).toBe(target);
    expect(await fs.readFile(target, "utf8")).toBe("hello\n");
    clearChecksumMemo();
    expect(await resolveDataFile(m.config, REL, { fetchImpl })).toBe(target);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("never writes a download whose checksum is wrong", async () => {
    const m = await mirror({}, { listedOnly: { [REL]: "hello\n" }, download: "auto" });
    const fetchImpl = (async () => new Response("changed upstream\n")) as unknown as typeof fetch;
    await expect(resolveDataFile(m.config, REL, { fetchImpl })).rejects.toThrow(/checksum mismatch for .* downloaded from https:/);
    await expect(fs.stat(path.join(m.config.homeDir, "downloads", REL))).rejects.toThrow();
  });

  it("an HTTP error is reported with its status", async () => {
    const m = await mirror({}, { listedOnly: { [REL]: "hello\n" }, download: "auto" });
    const fetchImpl = (async () => new Response("nope", { status: 404 })) as unknown as typeof fetch;
    await expect(resolveDataFile(m.config, REL, { fetchImpl })).rejects.toThrow(/downloading it failed \(HTTP 404\)/);
  });

  it("Last.fm files live in a zip: the error names the archive URL without trying to download", async () => {
    const m = await mirror({}, { listedOnly: { "lastfm-2k/tags.dat": "x" }, download: "auto" });
    const fetchImpl = vi.fn() as unknown as typeof fetch;
    await expect(resolveDataFile(m.config, "lastfm-2k/tags.dat", { fetchImpl })).rejects.toThrow(
      /get it from https:\/\/files\.grouplens\.org\/datasets\/hetrec2011\/hetrec2011-lastfm-2k\.zip \(a zip archive/,
    );
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it("verifies by content: a byte changed in place with size and mtime restored is caught (issue 15, finding 3)", async () => {
    const m = await mirror({ [REL]: "hello\n" });
    const file = path.join(m.config.dataDir, REL);
    const when = new Date(1_700_000_000_000); // whole milliseconds, so utimes can restore it exactly
    await fs.utimes(file, when, when);
    await expect(resolveDataFile(m.config, REL)).resolves.toBe(file);
    // Same size and mtime, different bytes: caught in this process (ctime moved) and in a fresh one.
    await fs.writeFile(file, "hellO\n");
    await fs.utimes(file, when, when);
    await expect(resolveDataFile(m.config, REL)).rejects.toThrow(/checksum mismatch/);
    clearChecksumMemo();
    await expect(resolveDataFile(m.config, REL)).rejects.toThrow(/checksum mismatch/);
    await expect(fs.stat(path.join(m.config.homeDir, "checksums.json"))).rejects.toThrow(/ENOENT/);
  });

  it("names a garbage SHA256SUMS line with its control bytes escaped", async () => {
    const m = await mirror({ [REL]: "hello\n" });
    await fs.appendFile(path.join(m.config.dataDir, "SHA256SUMS"), "\u001b[31mnot a sum\u0007\n");
    clearChecksumMemo();
    const err = (await resolveDataFile(m.config, REL).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain("\\u001b[31mnot a sum\\u0007");
    expect(err.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe("upstreamFor", () => {
  it("maps each mirror prefix to its raw upstream URL", () => {
    expect(upstreamFor("mtg-jamendo/splits/split-0/autotagging-test.tsv")?.url).toBe(
      "https://raw.githubusercontent.com/MTG/mtg-jamendo-dataset/master/data/splits/split-0/autotagging-test.tsv",
    );
    expect(upstreamFor("song-describer/jamendo_stats.tsv")?.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/ilaria-manco\/song-describer\/.*\/jamendo_stats\.tsv$/);
    expect(upstreamFor("cpcd-intent/cpcd_intent.csv")?.url).toMatch(/DaeyongKwon98\/Intent_Classification\/.*\/cpcd_intent\.csv$/);
    expect(upstreamFor("cpcd/cpcd_v1.dialogs.sample.jsonl")).toMatchObject({ kind: "excerpt" });
    expect(upstreamFor("cpcd/cpcd_v1.dialogs.sample.jsonl")?.url).toMatch(/google-research-datasets\/cpcd\/.*dev\.val\.jsonl$/);
    expect(upstreamFor("lastfm-2k/artists.dat")).toMatchObject({ kind: "archive" });
    expect(upstreamFor("unknown/file")).toBeUndefined();
  });
});

/**
 * @file `askmusic synth-dialogs` bad input: one line, a non-zero status, nothing written.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../testing.js";

const home = mkdtempSync(path.join(os.tmpdir(), "askmusic-synth-cli-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { ASKMUSIC_HOME: home, ASKMUSIC_DOWNLOAD: "never" };

describe("askmusic synth-dialogs", () => {
  it.each([
    [["--n", "0"], /--n/],
    [["--seed", "x"], /--seed/],
    [["--catalog", "nope"], /catalog/],
    [["--catalog", "jamendo"], /not built yet/],
  ])("rejects %j with one line and writes nothing", async (args, message) => {
    const out = path.join(home, "d.jsonl");
    const r = await runCli(["synth-dialogs", "--out", out, ...args], env);
    expect(r.status).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("askmusic:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
  it("needs --out", async () => {
    const r = await runCli(["synth-dialogs", "--n", "5"], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });
});

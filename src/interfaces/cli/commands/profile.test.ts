import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../config.js";
import { profileDomain, SMALL_APRON } from "../../../ranking/testing.js";
import { trainProfileModel } from "../../../ranking/profiles.js";
import { openStateRepository } from "../../../store/state/index.js";
import { createToken, hashToken } from "../../../store/state/tokens.js";
import { runCli } from "../testing.js";
import { parseWeightFlags } from "./profile.js";

let home: string;
const env = () => ({ ASKMUSIC_HOME: home, ASKMUSIC_DOWNLOAD: "never" });

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-cli-profile-"));
  const config = resolveConfig(env());
  await trainProfileModel(config, "lastfm-2k", { domain: profileDomain(), options: SMALL_APRON, seed: 1 });
  const repo = await openStateRepository(config);
  try {
    await repo.createUser({ id: "pia", tokenHash: hashToken(createToken()) });
    await repo.createUser({ id: "newcomer", tokenHash: hashToken(createToken()) });
    for (const item of ["item0", "item4", "item8"]) await repo.setFeedback("pia", "lastfm-2k", item, 1);
  } finally {
    await repo.close();
  }
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("parseWeightFlags", () => {
  it("reads tag=weight, tags with spaces and '=' included, and refuses anything else", () => {
    expect(parseWeightFlags(["rock=0", "female vocalists=0.25", "a=b=1"])).toEqual({ rock: 0, "female vocalists": 0.25, "a=b": 1 });
    for (const bad of ["rock", "=0.5", "rock=", "rock=1.5", "rock=-1", "rock=x"]) expect(() => parseWeightFlags([bad]), bad).toThrow(/--weight must be tag=weight/);
  });
});

describe("askmusic profile", () => {
  it("set stores an askmusic user's edits, show reads them back, --reset clears them", async () => {
    const shown = await runCli(["profile", "show", "--user", "pia", "--json", "-k", "3"], env());
    expect(shown.status, shown.stderr).toBe(0);
    const before = JSON.parse(shown.stdout);
    expect(before.recommendations.length).toBe(3);
    const strongest = before.prototypes[0].tag as string;

    const set = await runCli(["profile", "set", "--user", "pia", "--weight", `${strongest}=0`, "--json"], env());
    expect(set.status, set.stderr).toBe(0);
    const edited = JSON.parse(set.stdout).prototypes.find((p: { tag: string }) => p.tag === strongest);
    expect(edited).toMatchObject({ weight: 0, edited: true });

    const again = JSON.parse((await runCli(["profile", "show", "--user", "pia", "--json"], env())).stdout);
    expect(again.prototypes.find((p: { tag: string }) => p.tag === strongest)).toMatchObject({ weight: 0, edited: true });

    const reset = JSON.parse((await runCli(["profile", "set", "--user", "pia", "--reset", "--json"], env())).stdout);
    expect(reset.prototypes.every((p: { edited: boolean }) => !p.edited)).toBe(true);
  });

  it("prints bars with exemplar links in the terminal", async () => {
    const r = await runCli(["profile", "show", "--user", "pia", "-k", "2"], env());
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^profile \(lastfm-2k\) from 3 history items:/);
    expect(r.stdout).toMatch(/#+ +e\.g\. .+ https:\/\/example\.test\/item\d+/);
    expect(r.stdout).toMatch(/recommendations:\n {2} 1\. /);
  });

  it("fails with one line on bad input, storing nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["profile", "set", "--user", "pia", "--weight", "polka=0"], /"polka" is not one of the 8 prototypes/],
      [["profile", "set", "--user", "pia", "--weight", "music=2"], /--weight must be tag=weight/],
      [["profile", "set", "--lastfm-user", "2", "--weight", "music=0"], /stored per askmusic user/],
      [["profile", "set", "--user", "pia"], /needs --weight/],
      [["profile", "show", "--user", "ghost"], /no askmusic user "ghost"/],
      [["profile", "show", "--user", "newcomer"], /has no likes in lastfm-2k/],
      [["profile", "show"], /exactly one of --user/],
      [["profile", "show", "--catalog", "jamendo", "--user", "pia"], /catalog "jamendo" has no profile model: run `npx askmusic profile train --catalog jamendo`/],
      [["profile", "show", "--catalog", "musiccaps", "--user", "pia"], /catalog with profiles "musiccaps"/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, env());
      expect(r.status, argv.join(" ")).not.toBe(0);
      expect(r.stderr, argv.join(" ")).toMatch(message);
    }
    const repo = await openStateRepository(resolveConfig(env()));
    try {
      expect(await repo.getProfile("pia", "lastfm-2k")).toEqual({});
    } finally {
      await repo.close();
    }
  });
});

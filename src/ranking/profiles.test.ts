import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, type Config } from "../config.js";
import { NotFoundError } from "../errors.js";
import { openProfileModel, profileView, trainProfileModel, type ProfileModel } from "./profiles.js";
import { profileDomain, SMALL_APRON } from "./testing.js";

let home: string;
let config: Config;
let pm: ProfileModel;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-profiles-"));
  config = resolveConfig({ ASKMUSIC_HOME: home });
  await trainProfileModel(config, "lastfm-2k", { domain: profileDomain(), options: SMALL_APRON, seed: 1 });
  pm = await openProfileModel(config, "lastfm-2k");
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("profiles of a catalog", () => {
  it("reads a profile from a history of catalog ids, strongest first, with exemplar links, and recommends unseen items", async () => {
    const view = await profileView(pm, ["item0", "item4", "item8", "item4", "not-an-item"], undefined, 5);
    expect(view.historyUsed).toBe(3);
    expect(view.historyUnknown).toBe(1);
    expect(view.prototypes.length).toBe(8);
    expect(view.prototypes.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(1, 5);
    for (let i = 1; i < view.prototypes.length; i++) expect(view.prototypes[i - 1].weight).toBeGreaterThanOrEqual(view.prototypes[i].weight);
    expect(view.prototypes[0].exemplar.link).toBe(`https://example.test/${view.prototypes[0].exemplar.id}`);
    expect(view.recommendations.length).toBe(5);
    for (const r of view.recommendations) expect(["item0", "item4", "item8"]).not.toContain(r.id);
  });

  it("applies edits: a zeroed prototype has weight 0, is marked as set, and the recommendations are recomputed", async () => {
    const before = await profileView(pm, ["item0", "item4", "item8"], undefined, 10);
    const strongest = before.prototypes[0].tag;
    const after = await profileView(pm, ["item0", "item4", "item8"], { prototypeWeights: { [strongest]: 0 } }, 10);
    const p = after.prototypes.find((x) => x.tag === strongest)!;
    expect(p.weight).toBe(0);
    expect(p.edited).toBe(true);
    expect(after.recommendations.map((r) => r.score)).not.toEqual(before.recommendations.map((r) => r.score));
  });

  it("refuses a history the model does not know, a catalog without profiles and an untrained catalog", async () => {
    await expect(profileView(pm, ["nope"], undefined, 5)).rejects.toThrow(/none of the 1 items of this history/);
    await expect(openProfileModel(config, "musiccaps")).rejects.toThrow(NotFoundError);
    await expect(openProfileModel(config, "jamendo")).rejects.toThrow(/catalog "jamendo" has no profile model: run `npx askmusic profile train --catalog jamendo`/);
    const empty = resolveConfig({ ASKMUSIC_HOME: path.join(home, "empty") });
    await expect(openProfileModel(empty, "lastfm-2k")).rejects.toThrow(/run `npx askmusic profile train --catalog lastfm-2k`/);
  });

  it("jamendo (no listening data): the profile model is built from the tags, and profiles, edits and links work", async () => {
    const { interactions: _, ...tagsOnly } = profileDomain();
    const jamHome = resolveConfig({ ASKMUSIC_HOME: path.join(home, "jamendo") });
    const { notes } = await trainProfileModel(jamHome, "jamendo", { domain: { ...tagsOnly, name: "jamendo" } });
    expect(notes.built).toBe("from tags, no listening data");
    const jm = await openProfileModel(jamHome, "jamendo");
    const view = await profileView(jm, ["item0", "item4"], undefined, 5);
    expect(view.prototypes.length).toBe(tagsOnly.items.tagCounts!.vocabulary.length);
    expect(view.prototypes[0].exemplar.link).toMatch(/^https:\/\/example\.test\/item\d+$/);
    // The strongest tag that not every item carries ("music" is on all of them). Items carrying every liked tag keep
    // their score (the rest is renormalised); the others carrying the zeroed tag fall below those that do not.
    const strongest = view.prototypes.find((p) => p.tag !== "music")!.tag;
    const all = tagsOnly.items.ids.length;
    const before = await profileView(jm, ["item0", "item4"], undefined, all);
    const edited = await profileView(jm, ["item0", "item4"], { prototypeWeights: { [strongest]: 0 } }, all);
    expect(edited.prototypes.find((x) => x.tag === strongest)!.weight).toBe(0);
    const tagsOf = (id: string) => tagsOnly.items.texts.tags[tagsOnly.items.ids.indexOf(id)].split(", ");
    const score = (v: typeof before, id: string) => v.recommendations.find((r) => r.id === id)!.score;
    const liked = new Set([...tagsOf("item0"), ...tagsOf("item4")]);
    const partial = before.recommendations.filter((r) => tagsOf(r.id).includes(strongest) && !tagsOf(r.id).every((t) => liked.has(t)));
    expect(partial.length).toBeGreaterThan(0);
    for (const r of partial) expect(score(edited, r.id)).toBeLessThan(score(before, r.id));
  });
});

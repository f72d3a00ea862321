/**
 * @file The web app's profile panel on Jamendo, in Debian's headless chromium: Jamendo has no listening data, so its
 * profile model is built from the tags (models/apron/tag-profile.ts). The panel reads the profile from the user's
 * likes, links each prototype's exemplar to its Jamendo track page, and an edit is stored and still applies after
 * the server restarts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser-testing.js";
import { resolveConfig } from "../../config.js";
import { openProfileModel, profileView, trainProfileModel, type ProfileModel } from "../../ranking/profiles.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "../http/server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "../http/testing.js";

let home: string;
let browser: Browser;
let pm: ProfileModel;
const state = new MemoryStateRepository();
const token = createToken();
const catalog = testCatalog();

/** A server over the test catalog with the Jamendo profile model, on the same state store (a restart keeps it). */
async function start(): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildServer({ catalogs: [catalog], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, profiles: { models: { jamendo: pm }, view: profileView } });
  return { app, base: await app.listen({ port: 0, host: "127.0.0.1" }) };
}

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-web-jamendo-profile-"));
  const config = resolveConfig({ ASKMUSIC_HOME: home });
  // The catalog's own tracks and tags, with Jamendo track pages as links, and no listening data: built, not trained.
  const items = await catalog.allItems();
  const tags = items.map((it) => it.tags);
  const vocabulary = [...new Set(tags.flat())].sort();
  const { csrFromEntries } = await import("../../core/sparse.js");
  const counts = csrFromEntries(items.length, vocabulary.length, tags.flatMap((ts, row) => ts.map((t) => ({ row, col: vocabulary.indexOf(t), value: 1 }))));
  const domain = {
    name: "jamendo",
    items: { ids: items.map((it) => it.id), names: items.map((it) => it.name), texts: {}, features: {}, popularity: Float32Array.from(items, (it) => it.popularity), links: items.map((it) => `https://www.jamendo.com/track/${Number(it.id.slice(6))}`), tagCounts: { vocabulary, counts } },
  } as never;
  await trainProfileModel(config, "jamendo", { domain });
  pm = await openProfileModel(config, "jamendo");
  await state.createUser({ id: "alice", name: "Alice", tokenHash: hashToken(token) });
  for (const item of items.slice(0, 3)) await state.setFeedback("alice", "jamendo", item.id, 1);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("web app profile panel on jamendo (prototypes from tags) in chromium", () => {
  it("shows the tag profile with Jamendo track links; a zeroed tag leaves the recommendations and stays zeroed after a restart", async () => {
    let { app, base } = await start();
    const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(base);
    await page.getByRole("textbox", { name: /Your token/ }).fill(token);
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.locator("#profile-status", { hasText: "read from 3 likes" }).waitFor();
    const bars = page.locator(".profile-bar");
    expect(await bars.count()).toBeGreaterThan(1);
    await expect(bars.first().locator(".exemplar").getAttribute("href")).resolves.toMatch(/^https:\/\/www\.jamendo\.com\/track\/\d+$/);
    const recIds = () => page.locator("#profile-recs li").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    const tagsOf = new Map((await catalog.allItems()).map((it) => [it.id, it.tags]));
    const strongest = (await bars.first().getAttribute("data-tag"))!;
    const before = await recIds();
    expect(before.some((id) => tagsOf.get(id!)!.includes(strongest))).toBe(true);

    await page.getByRole("button", { name: `Set ${strongest} to 0` }).click();
    await page.locator("#profile-status", { hasText: "1 weight set by you" }).waitFor();
    const after = await recIds();
    // The tag's term is gone: a track carrying it now ranks only where the other liked tags put it, below those without it.
    expect(after.filter((id) => tagsOf.get(id!)!.includes(strongest)).length).toBeLessThan(before.filter((id) => tagsOf.get(id!)!.includes(strongest)).length);
    expect(await state.getProfile("alice", "jamendo")).toEqual({ [strongest]: 0 });

    // Restart: a new server on the same state; the stored edit is read back.
    await app.close();
    ({ app, base } = await start());
    await page.goto(base);
    await page.getByRole("textbox", { name: /Your token/ }).fill(token);
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.locator("#profile-status", { hasText: "1 weight set by you" }).waitFor();
    await expect(page.locator(`.profile-bar[data-tag="${strongest}"] .weight`).textContent()).resolves.toBe("0.000");
    expect(await recIds()).toEqual(after);
    expect(errors).toEqual([]);
    await page.close();
    await app.close();
  });
});

/**
 * @file The web app's profile panel as a person uses it, in Debian's headless chromium: sign in, see the profile
 * read from one's likes (bars with example links), zero a prototype, drag another by keyboard, reset; the
 * profile's recommendations follow each edit and the edits are stored for the user.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SHOTS } from "./browser-testing.js";
import { resolveConfig } from "../../config.js";
import { openProfileModel, profileView, trainProfileModel } from "../../ranking/profiles.js";
import { profileDomain, SMALL_APRON } from "../../ranking/testing.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "../http/server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "../http/testing.js";

let home: string;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let state: MemoryStateRepository;
const token = createToken();

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-web-profile-"));
  const config = resolveConfig({ ASKMUSIC_HOME: home });
  await trainProfileModel(config, "lastfm-2k", { domain: profileDomain(), options: SMALL_APRON, seed: 1 });
  const pm = await openProfileModel(config, "lastfm-2k");
  state = new MemoryStateRepository();
  await state.createUser({ id: "alice", name: "Alice", tokenHash: hashToken(token) });
  // The profile model's items stand in for the served catalog's: the panel reads likes from the state store.
  for (const item of ["item0", "item4", "item8"]) await state.setFeedback("alice", "jamendo", item, 1);
  app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, profiles: { models: { jamendo: pm }, view: profileView } });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("web app profile panel in chromium", () => {
  it("shows the profile from the user's likes, and its recommendations follow zeroing, dragging and resetting", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(base);
    // Hidden until signed in.
    expect(await page.locator("#profile").isHidden()).toBe(true);
    await page.getByRole("textbox", { name: /Your token/ }).fill(token);
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.locator("#profile-status", { hasText: "read from 3 likes" }).waitFor();
    const bars = page.locator(".profile-bar");
    expect(await bars.count()).toBe(8);
    await expect(bars.first().locator(".exemplar").getAttribute("href")).resolves.toMatch(/^https:\/\/example\.test\/item\d+$/);
    const recIds = () => page.locator("#profile-recs li").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    const before = await recIds();
    expect(before.length).toBe(10);
    for (const liked of ["item0", "item4", "item8"]) expect(before).not.toContain(liked);
    await page.screenshot({ path: path.join(SHOTS, "profile-1.png"), fullPage: true });

    // Zero the strongest prototype: its bar shows 0, is marked as set, and the recommendations are recomputed.
    const strongest = (await bars.first().getAttribute("data-tag"))!;
    await page.getByRole("button", { name: `Set ${strongest} to 0` }).click();
    await page.locator("#profile-status", { hasText: "1 weight set by you" }).waitFor();
    const zeroed = page.locator(`.profile-bar[data-tag="${strongest}"]`);
    await expect(zeroed.locator(".weight").textContent()).resolves.toBe("0.000");
    await expect(zeroed.getAttribute("class")).resolves.toContain("edited");
    expect(await recIds()).not.toEqual(before);
    expect(await state.getProfile("alice", "jamendo")).toEqual({ [strongest]: 0 });

    // Drag another prototype to the top with the keyboard (End = the slider's maximum, weight 1).
    const other = (await bars.first().getAttribute("data-tag"))!;
    expect(other).not.toBe(strongest);
    await page.getByRole("slider", { name: `Weight of ${other}` }).focus();
    await page.keyboard.press("End");
    await page.locator("#profile-status", { hasText: "2 weights set by you" }).waitFor();
    expect(await state.getProfile("alice", "jamendo")).toEqual({ [strongest]: 0, [other]: 1 });
    await expect(page.locator(`.profile-bar[data-tag="${other}"] .weight`).textContent()).resolves.toBe("1.000");
    await page.screenshot({ path: path.join(SHOTS, "profile-2.png"), fullPage: true });

    await page.getByRole("button", { name: "Reset my edits" }).click();
    await page.locator("#profile-status", { hasText: /read from 3 likes\.$/ }).waitFor();
    expect(await page.locator(".profile-bar.edited").count()).toBe(0);
    expect(await recIds()).toEqual(before);
    expect(await state.getProfile("alice", "jamendo")).toEqual({});
    expect(errors).toEqual([]);
    await page.close();
  });
});

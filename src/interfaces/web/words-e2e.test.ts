/**
 * @file The "Why?" panel's word heatmap in chromium: a whitebox-ranked answer shows the request as a heatmap of the
 * model's attention; a signed-in listener clicks + on a word, the server retrains their adapter (in a worker), and
 * the app shows the new heatmap and the new answer. Screenshots go to $ASKMUSIC_SCREENSHOTS (outside the repository).
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SHOTS } from "./browser-testing.js";
import { handWhiteboxModel } from "../../ranking/testing.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "../http/server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "../http/testing.js";

let app: FastifyInstance;
let browser: Browser;
let base: string;
const token = createToken();

beforeAll(async () => {
  const state = new MemoryStateRepository();
  await state.createUser({ id: "alice", name: "Alice", tokenHash: hashToken(token) });
  const catalog = testCatalog();
  const encoder = fakeQueryEncoder();
  // A whitebox model built by hand (seeded weights): the test is about the panel and the retraining loop.
  const model = handWhiteboxModel(await catalog.allItems(), encoder, 2, ["calm piano pieces", "piano", "calm evening", "piano solo"]);
  app = await buildServer({ catalogs: [catalog], queryEncoder: encoder, state, rateLimit: false, models: { jamendo: model } });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const heat = (page: Page) =>
  page.locator(".explanation:not([hidden]) .word").evaluateAll((els) => els.map((e) => [e.getAttribute("data-word"), Number(e.getAttribute("data-weight"))] as const));

describe("word heatmap in chromium", () => {
  it("shows the request's attention per word; + on a word retrains for this listener and shows the new heatmap and answer", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(base);
    await page.getByRole("textbox", { name: /Your token/ }).fill(token);
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.getByText("Signed in as Alice").waitFor();
    await page.getByLabel("What would you like to hear?").fill("calm piano");
    await page.getByLabel("What would you like to hear?").press("Enter");
    await page.locator(".result").first().waitFor();
    await page.locator(".result").first().getByRole("button", { name: /Why is/ }).click();
    const before = await heat(page);
    expect(before.map(([w]) => w)).toEqual(["calm", "piano"]);
    expect(before.reduce((a, [, v]) => a + v, 0)).toBeCloseTo(1, 3);
    await shot(page, "words-before.png");

    await page.getByRole("button", { name: "Make “piano” count more" }).first().click();
    await page.locator("#answer-notes", { hasText: /Retrained on “piano” in \d+\.\d\d s \(your adapter, version 1\)/ }).waitFor({ timeout: 60_000 });
    const after = await heat(page);
    expect(after.find(([w]) => w === "piano")![1]).toBeGreaterThan(before.find(([w]) => w === "piano")![1]);
    await expect(page.locator("#answer-notes").textContent()).resolves.toMatch(/Used: text, adapter/);
    await shot(page, "words-after.png");
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

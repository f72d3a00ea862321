/**
 * @file The web app as a person uses it, in Debian's headless chromium driven by playwright-core: ask, see
 * results, open an explanation, like and dislike and see the next answer change; keyboard only where it matters.
 * Screenshots go to $ASKMUSIC_SCREENSHOTS (default <os tmpdir>/askmusic-e2e), outside the repository.
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SHOTS } from "./browser-testing.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "../http/server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "../http/testing.js";
import { handJamModel } from "../../ranking/testing.js";
import { fakeEncode, FAKE_DIMS } from "../../store/testing.js";

let app: FastifyInstance;
let browser: Browser;
let base: string;
let token: string;

beforeAll(async () => {
  const state = new MemoryStateRepository();
  token = createToken();
  await state.createUser({ id: "alice", name: "Alice", tokenHash: hashToken(token) });
  // Ranked by a (hand-built) JAM model, as the product is once `askmusic train` has run.
  const catalog = testCatalog();
  const model = handJamModel(await catalog.allItems(), { id: "fake-8", dims: FAKE_DIMS, encode: fakeEncode });
  app = await buildServer({ catalogs: [catalog], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, models: { jamendo: model } });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const resultIds = (page: Page) => page.locator(".result").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

describe("web app in chromium", () => {
  it("asks, explains, and changes the next answer after a like and a dislike", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(base);
    await expect(page.title()).resolves.toContain("askmusic");

    // Ask by keyboard: the label finds the box, Enter submits.
    await page.getByLabel("What would you like to hear?").fill("happy rock");
    await page.getByLabel("What would you like to hear?").press("Enter");
    await page.locator(".result").first().waitFor();
    expect(await page.locator(".result").count()).toBe(10);
    await expect(page.locator(".result .title").first().getAttribute("href")).resolves.toMatch(/^https:\/\/www\.jamendo\.com\/track\//);
    expect(await page.locator(".result").first().locator(".tag").count()).toBeGreaterThan(0);
    await shot(page, "1-results.png");

    // Open the first explanation: one bar per score component (the model's request and prior), values that sum to
    // the score, and the model's modality weights as a stacked bar that fills the track.
    const why = page.locator(".result").first().getByRole("button", { name: /Why is/ });
    await why.focus();
    await page.keyboard.press("Enter");
    await expect(why.getAttribute("aria-expanded")).resolves.toBe("true");
    const panel = page.locator(".result").first().locator(".explanation");
    await panel.waitFor({ state: "visible" });
    // "happy rock" names catalog tags: what was understood is a component of its own, and the answer says so.
    expect(await panel.locator(".component-name").allTextContents()).toEqual(["request", "prior", "understood"]);
    await expect(page.locator("#answer-notes").textContent()).resolves.toMatch(/Understood: .*“rock”/);
    expect(await panel.locator(".bar").first().evaluate((e) => e.getBoundingClientRect().width)).toBeGreaterThan(0);
    const legend = await panel.locator(".modality-item").allTextContents();
    expect(legend.map((t) => t.replace(/ \d+%$/, ""))).toEqual(["tags", "title and artist"]);
    expect(legend.map((t) => Number(/(\d+)%$/.exec(t)![1])).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(99);
    const widths = await panel.locator(".modality").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    const track = await panel.locator(".modality-stack").evaluate((e) => e.getBoundingClientRect().width);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(track, 0);
    await shot(page, "2-explanation.png");

    // Without a token, liking explains what to do.
    await page.locator(".result").nth(5).locator(".like").click();
    await expect(page.locator("#error").textContent()).resolves.toContain("token");

    // Sign in with the token (stored in localStorage), then like the last result.
    await page.getByRole("textbox", { name: /Your token/ }).fill(token);
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.locator("#token-status", { hasText: "Signed in as Alice" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("askmusic.token"))).toBe(token);
    await page.locator("#answer-notes", { hasText: "Personalized for alice" }).waitFor();

    const before = await resultIds(page);
    const likedId = before[9]!;
    await page.locator(`.result[data-id="${likedId}"] .like`).click();
    await page.locator("#answer-notes", { hasText: "1 like shape" }).waitFor();
    // The like is alice's listening history, and the answer says it was used.
    await expect(page.locator("#answer-notes").textContent()).resolves.toContain("Used: text, history.");
    const afterLike = await resultIds(page);
    expect(afterLike).not.toEqual(before);
    expect(afterLike).toContain(likedId);
    await expect(page.locator(`.result[data-id="${likedId}"] .like`).getAttribute("aria-pressed")).resolves.toBe("true");
    expect(await page.locator(".move").count()).toBeGreaterThan(0);
    await page.locator(".result").first().getByRole("button", { name: /Why is/ }).click();
    expect(await page.locator(".result").first().locator(".component-name", { hasText: "taste" }).count()).toBe(1);
    await shot(page, "3-after-like.png");

    // Dislike the new top result: it disappears from the next answer.
    const top = afterLike[0]!;
    const disliked = top === likedId ? afterLike[1]! : top;
    await page.locator(`.result[data-id="${disliked}"] .dislike`).click();
    await page.locator("#answer-notes", { hasText: "1 dislike excluded" }).waitFor();
    const afterDislike = await resultIds(page);
    expect(afterDislike).not.toContain(disliked);
    expect(afterDislike).toHaveLength(10);
    await page.locator("#token-status", { hasText: "1 like, 1 dislike" }).waitFor();
    await shot(page, "4-after-dislike.png");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("is readable on a phone and shows problems from the API", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.goto(base);
    await page.getByLabel("What would you like to hear?").fill("calm piano without vocals");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await page.locator(".result").first().waitFor();
    await page.locator(".result").first().getByRole("button", { name: /Why is/ }).click();
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expect(page.locator("#answer-notes").textContent()).resolves.toContain("Excluding");
    await shot(page, "5-phone.png");
    await page.locator(".result").first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "6-phone-screen.png") });

    await page.getByRole("textbox", { name: /Your token/ }).fill("not-a-valid-token");
    await page.getByRole("textbox", { name: /Your token/ }).press("Enter");
    await page.locator("#token-status", { hasText: "not valid" }).waitFor();
    await page.locator("#error", { hasText: "token is not valid" }).waitFor();
    await page.close();
  }, 60_000);
});

/**
 * @file The web app's conversation panel as a person uses it, in Debian's headless chromium: say something with a
 * negation, see it as a removable chip and the tracks honour it; like and dislike tracks; ask for more (no repeats);
 * remove the chip. The conversation's state is checked through the API after each step.
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SHOTS } from "./browser-testing.js";
import { buildServer } from "../http/server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "../http/testing.js";

let app: FastifyInstance;
let browser: Browser;
let base: string;
const state = new MemoryStateRepository();

beforeAll(async () => {
  app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("web app conversation panel in chromium", () => {
  it("shows constraints as removable chips, keeps them across turns, and feeds like/dislike into the state", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(base);
    const conversationId = async () => {
      const res = await page.waitForResponse((r) => /\/v1\/conversations\/[^/]+\/(turns|feedback)$/.test(r.url()) && r.ok());
      return ((await res.json()) as { id: string }).id;
    };

    await page.fill("#chat-input", "calm jazz but no rap");
    const [id] = await Promise.all([conversationId(), page.click("#chat-send")]);
    await page.waitForSelector(".chat-turn .chat-track");
    expect(await page.locator(".chip").allTextContents()).toEqual(["no rap×"]);
    const firstTags = await page.locator(".chat-turn").nth(0).locator(".tags").allTextContents();
    expect(firstTags.length).toBe(5);
    expect(firstTags.some((t) => /\brap\b/.test(t))).toBe(false);
    const firstIds = await page.locator(".chat-turn").nth(0).locator(".chat-track").evaluateAll((ns) => ns.map((n) => n.getAttribute("data-id")));

    await Promise.all([conversationId(), page.getByRole("button", { name: /^Like / }).first().click()]);
    await page.waitForSelector('.chat-track .like[aria-pressed="true"]');
    await Promise.all([conversationId(), page.getByRole("button", { name: /^Dislike / }).nth(1).click()]);
    await page.waitForSelector('.chat-track .dislike[aria-pressed="true"]');

    await page.fill("#chat-input", "more please");
    await Promise.all([conversationId(), page.click("#chat-send")]);
    await page.waitForSelector(".chat-turn:nth-child(2) .chat-track");
    const secondIds = await page.locator(".chat-turn").nth(1).locator(".chat-track").evaluateAll((ns) => ns.map((n) => n.getAttribute("data-id")));
    expect(secondIds.some((x) => firstIds.includes(x))).toBe(false);
    const secondTags = await page.locator(".chat-turn").nth(1).locator(".tags").allTextContents();
    expect(secondTags.some((t) => /\brap\b/.test(t))).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, "chat.png"), fullPage: true });

    await Promise.all([conversationId(), page.getByRole("button", { name: "Remove constraint no rap" }).click()]);
    await page.waitForFunction(() => document.querySelectorAll(".chip").length === 0);
    const stored = await state.getConversation(id);
    const s = (stored!.data as { state: { liked: string[]; disliked: string[]; constraints: { excludeTags: string[] } } }).state;
    expect(s.liked).toEqual([firstIds[0]]);
    expect(s.disliked).toEqual([firstIds[1]]);
    expect(s.constraints.excludeTags).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});

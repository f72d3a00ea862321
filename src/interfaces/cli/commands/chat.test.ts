import { describe, expect, it } from "vitest";
import { KEYWORD_LABELER } from "../../../conversation/session.js";
import { CatalogRanker } from "../../../ranking/catalog-ranker.js";
import { fakeQueryEncoder, testCatalog } from "../../http/testing.js";
import { runChat } from "./chat.js";

async function* lines(...xs: string[]) {
  yield* xs;
}

describe("runChat", () => {
  it("shows the state and tracks each turn, applies /like, /dislike and /lift, and keeps constraints", async () => {
    const ranker = await CatalogRanker.open(testCatalog(), fakeQueryEncoder());
    const out: string[] = [];
    const saved: number[] = [];
    const data = await runChat(lines("calm jazz but no rap", "/like 1", "/dislike 2", "/like 99", "/nope", "more", "/lift rap", "/quit", "never read"), ranker, KEYWORD_LABELER, (t) => out.push(t), {
      k: 4,
      onSave: async (d) => void saved.push(d.exchanges.length),
    });
    expect(out[0]).toMatch(/constraints: no rap/);
    expect(out[0]).toMatch(/^ 1\. /m);
    expect(out.some((t) => /\/like takes the number of a track of the last answer \(1-4\), got "99"/.test(t))).toBe(true);
    expect(out.some((t) => /unknown command "\/nope"/.test(t))).toBe(true);
    expect(data.exchanges.map((e) => e.user)).toEqual(["calm jazz but no rap", "more"]);
    const [first, second] = data.exchanges.map((e) => e.tracks.map((t) => t.id));
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(data.exchanges[1].tracks.every((t) => !t.tags.includes("rap"))).toBe(true);
    expect(data.state.liked).toEqual([first[0]]);
    expect(data.state.disliked).toEqual([first[1]]);
    expect(data.state.constraints.excludeTags).toEqual([]);
    expect(saved).toEqual([1, 1, 1, 2, 2]);
  });
});

describe("lifting by asking", () => {
  it("a tag excluded earlier and named as wanted now is allowed in this very answer", async () => {
    const ranker = await CatalogRanker.open(testCatalog(), fakeQueryEncoder());
    const data = await runChat(lines("calm music but no rap", "actually, rap please"), ranker, KEYWORD_LABELER, () => {}, { k: 5 });
    expect(data.state.constraints.excludeTags).toEqual([]);
    expect(data.exchanges[1].tracks.some((t) => t.tags.includes("rap"))).toBe(true);
  });
});

describe("serve --intents", () => {
  it("accepts keyword and trained, and names the flag otherwise", async () => {
    const { parseServeFlags } = await import("./serve.js");
    const base = { port: "0", host: "127.0.0.1", rateLimit: "0", answerCache: "0", model: "auto" };
    expect(parseServeFlags({ ...base, intents: "trained" }).intents).toBe("trained");
    expect(parseServeFlags(base).intents).toBeUndefined();
    expect(() => parseServeFlags({ ...base, intents: "magic" })).toThrow(/--intents must be keyword or trained, got "magic"/);
  });
});

/**
 * @file POST /v1/feedback/words through `app.inject()`: word feedback retrains the caller's adapter of a served
 * whitebox model in a worker thread (asks keep being answered meanwhile), their later asks use it and nobody
 * else's do; validation, auth, reset, and the route in the OpenAPI document.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handWhiteboxModel } from "../../ranking/testing.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

let app: FastifyInstance;
let plain: FastifyInstance;
let state: MemoryStateRepository;
const alice = createToken();
const bob = createToken();
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const weight = (att: { word: string; weight: number }[], w: string) => att.find((a) => a.word === w)!.weight;

beforeAll(async () => {
  const catalog = testCatalog();
  const items = await catalog.allItems();
  const encoder = fakeQueryEncoder();
  state = new MemoryStateRepository();
  await state.createUser({ id: "alice", tokenHash: hashToken(alice) });
  await state.createUser({ id: "bob", tokenHash: hashToken(bob) });
  const model = handWhiteboxModel(items, encoder, 2, ["calm piano pieces", "piano", "calm evening", "piano solo"]);
  app = await buildServer({ catalogs: [catalog], queryEncoder: encoder, state, rateLimit: false, models: { jamendo: model }, answerCacheSize: 100 });
  plain = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false });
});
afterAll(async () => {
  await app.close();
  await plain.close();
});

const ask = async (token?: string) => {
  const res = await app.inject({ method: "POST", url: "/v1/ask", headers: token ? auth(token) : {}, payload: { request: "calm piano", k: 5 } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe("POST /v1/feedback/words", () => {
  it("retrains the caller's adapter in a worker while asks are answered; their later asks use it, nobody else's", async () => {
    const before = await ask(alice);
    expect(before.ranker).toBe("whitebox");
    expect(before.context.used).not.toContain("adapter");
    let retrained = false;
    const pending = app.inject({ method: "POST", url: "/v1/feedback/words", headers: auth(alice), payload: { request: "calm piano", strengthen: ["piano"], weaken: ["calm"] } }).then((r) => ((retrained = true), r));
    // Other listeners' asks are answered while the retraining runs (the worker thread starts cold: seconds).
    const during = await app.inject({ method: "POST", url: "/v1/ask", payload: { request: "dark rock", k: 3 } });
    expect(during.statusCode).toBe(200);
    expect(retrained).toBe(false);
    const res = await pending;
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ catalog: "jamendo", version: 1 });
    expect(weight(body.after, "piano")).toBeGreaterThan(weight(body.before, "piano"));
    expect(weight(body.before, "piano")).toBeCloseTo(weight(before.results[0].wordAttributions, "piano"), 5);
    expect((await state.getAdapter("alice", "jamendo", "whitebox"))?.feedback).toHaveLength(1);
    const after = await ask(alice);
    expect(after.context.used).toContain("adapter");
    expect(weight(after.results[0].wordAttributions, "piano")).toBeCloseTo(weight(body.after, "piano"), 5);
    for (const other of [await ask(bob), await ask()]) {
      expect(other.context.used).not.toContain("adapter");
      expect(weight(other.results[0].wordAttributions, "piano")).toBeCloseTo(weight(body.before, "piano"), 5);
    }
    // A second feedback continues from the stored adapter.
    const second = (await app.inject({ method: "POST", url: "/v1/feedback/words", headers: auth(alice), payload: { request: "calm piano", strengthen: ["piano"] } })).json();
    expect(second.version).toBe(2);
    expect(weight(second.before, "piano")).toBeCloseTo(weight(body.after, "piano"), 5);
    const reset = await app.inject({ method: "POST", url: "/v1/feedback/words", headers: auth(alice), payload: { request: "calm piano", reset: true } });
    expect(reset.json()).toEqual({ catalog: "jamendo", version: 0 });
    expect((await ask(alice)).context.used).not.toContain("adapter");
  }, 120_000);

  it("refuses bad input with a problem naming the member, needs a token, and a whitebox-ranked catalog", async () => {
    const post = (payload: unknown, token: string | null = alice, server = app) => server.inject({ method: "POST", url: "/v1/feedback/words", headers: token !== null ? auth(token) : {}, payload: payload as object });
    expect((await post({ request: "calm piano", strengthen: ["piano"] }, null)).statusCode).toBe(401);
    const notWord = await post({ request: "calm piano", strengthen: ["rock"] });
    expect(notWord.statusCode).toBe(400);
    expect(notWord.json().detail).toMatch(/"rock" is not a word of the request/);
    expect((await post({ request: "calm piano" })).json().detail).toMatch(/names no word/);
    expect((await post({ request: "calm piano", strengthen: ["piano"], extra: 1 })).statusCode).toBe(400);
    expect((await post({ request: "calm piano", strengthen: "piano" })).statusCode).toBe(400);
    expect((await post({ request: "calm piano", strengthen: ["piano"], catalog: "nope" })).statusCode).toBe(404);
    const noModel = await post({ request: "calm piano", strengthen: ["piano"] }, alice, plain);
    expect(noModel.statusCode).toBe(409);
    expect(noModel.json().detail).toMatch(/not by whitebox: run `npx askmusic train jamendo --model whitebox`/);
    const openapi = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(openapi.paths["/v1/feedback/words"].post.operationId).toBe("setWordFeedback");
  });
});

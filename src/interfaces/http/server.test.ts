/**
 * @file The HTTP API through `app.inject()` (no port): answers, validation problems, auth and per-user isolation,
 * feedback changing the next answer, limits, plain 500s, OpenAPI coverage; plus one test over real HTTP.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer, type ServerOptions } from "./server.js";
import { handJamModel } from "../../ranking/testing.js";
import { fakeEncode, FAKE_DIMS } from "../../store/testing.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

interface Setup {
  app: FastifyInstance;
  state: MemoryStateRepository;
  alice: string;
  bob: string;
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function setup(extra: Partial<ServerOptions> = {}): Promise<Setup> {
  const state = new MemoryStateRepository();
  const alice = createToken();
  const bob = createToken();
  await state.createUser({ id: "alice", tokenHash: hashToken(alice) });
  await state.createUser({ id: "bob", name: "Bob", tokenHash: hashToken(bob) });
  const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, weights: { taste: 2 }, ...extra });
  apps.push(app);
  return { app, state, alice, bob };
}

const ask = (app: FastifyInstance, payload: unknown, token?: string) =>
  app.inject({ method: "POST", url: "/v1/ask", payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
const feedback = (app: FastifyInstance, token: string | undefined, payload: unknown) =>
  app.inject({ method: "POST", url: "/v1/feedback", payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
const ids = (body: { results: { item: { id: string } }[] }) => body.results.map((r) => r.item.id);

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, field?: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  const body = res.json();
  expect(body).toMatchObject({ type: "about:blank", status });
  expect(typeof body.title).toBe("string");
  if (field !== undefined) expect(body.field).toBe(field);
  return body;
}

describe("POST /v1/ask", () => {
  it("ranks the catalog with score components that sum to the score, and leaks no internal fields", async () => {
    const { app } = await setup();
    const res = await ask(app, { request: "calm piano", k: 5 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.catalog).toBe("jamendo");
    expect(body.personalized).toBeNull();
    expect(body.context).toEqual({ used: ["text"], ignored: [] });
    expect(body.results).toHaveLength(5);
    for (const r of body.results) {
      const sum = Object.values(r.components as Record<string, number>).reduce((s, v) => s + v, 0);
      expect(sum).toBeCloseTo(r.score, 6);
      // "piano" names a catalog tag: its `understood` part joins the text-match parts.
      expect(Object.keys(r.components).sort()).toEqual(["lexical", "popularity", "semantic", "understood"]);
      expect(r.item.url).toMatch(/^https:\/\/www\.jamendo\.com\/track\//);
      expect(r.item).not.toHaveProperty("text");
      expect(r.feedback).toBeNull();
    }
    expect(body.results.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect((await ask(app, { request: "calm piano" })).json().results).toHaveLength(10);
  });

  it("answers a repeated request from its cache, but never across different feedback", async () => {
    const encoder = fakeQueryEncoder();
    const { app, alice } = await setup({ queryEncoder: encoder });
    const first = (await ask(app, { request: "dreamy folk", k: 5 }, alice)).json();
    const calls = encoder.calls;
    expect((await ask(app, { request: "dreamy folk", k: 5 }, alice)).json().results).toEqual(first.results);
    expect(encoder.calls).toBe(calls);
    await feedback(app, alice, { itemId: first.results[0].item.id, value: "dislike" });
    const after = (await ask(app, { request: "dreamy folk", k: 5 }, alice)).json();
    expect(ids(after)).not.toContain(first.results[0].item.id);
    // Anonymous callers never get a personalized (cached) answer.
    expect((await ask(app, { request: "dreamy folk", k: 5 })).json().personalized).toBeNull();
  });

  it("keeps hard constraints read from the request", async () => {
    const { app } = await setup();
    const body = (await ask(app, { request: "energetic music but no rap", k: 48 })).json();
    expect(body.request.excludeTags).toContain("rap");
    // What was understood comes with the answer, and results carrying it show the component.
    expect(body.request.understood.wanted.map((t: { tag: string }) => t.tag)).toContain("energetic");
    expect(body.request.understood.wanted[0]).toEqual({ tag: "energetic", weight: 1, from: "energetic", source: "literal" });
    expect(body.results[0].components.understood).toBeGreaterThan(0);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.every((r: { item: { tags: string[] } }) => !r.item.tags.includes("rap"))).toBe(true);
  });

  it.each([
    [{}, "/body/request"],
    [{ request: "" }, "/body/request"],
    [{ request: "   " }, "/body/request"],
    [{ request: "x".repeat(2001) }, "/body/request"],
    [{ request: 42 }, "/body/request"],
    [{ request: "jazz", k: 0 }, "/body/k"],
    [{ request: "jazz", k: 101 }, "/body/k"],
    [{ request: "jazz", k: 2.5 }, "/body/k"],
    [{ request: "jazz", k: "5" }, "/body/k"],
    [{ request: "jazz", mood: "sad" }, "/body/mood"],
    [{ request: "jazz", catalog: "../etc" }, "/body/catalog"],
    [[1, 2], "/body"],
  ])("rejects %j naming %s", async (payload, field) => {
    const { app } = await setup();
    const body = expectProblem(await ask(app, payload), 400, field);
    expect(body.code).toBe("input");
    expect(body.detail).toContain(field.split("/").pop());
  });

  it("answers unknown catalogs, bad JSON, wrong media types and oversized bodies with problems", async () => {
    const { app } = await setup({ bodyLimitBytes: 1024 });
    expect(expectProblem(await ask(app, { request: "jazz", catalog: "nope" }), 404, "/body/catalog").detail).toContain("jamendo");
    expectProblem(await app.inject({ method: "POST", url: "/v1/ask", payload: "{not json", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await app.inject({ method: "POST", url: "/v1/ask", payload: "jazz", headers: { "content-type": "text/plain" } }), 415);
    expectProblem(await ask(app, { request: "x".repeat(2000), pad: "y".repeat(2000) }), 413, "/body");
    // Issue 15: a __proto__ member was reported as "not valid JSON"; it is named instead.
    expect(expectProblem(await app.inject({ method: "POST", url: "/v1/ask", payload: '{"__proto__":{"x":1},"request":"a"}', headers: { "content-type": "application/json" } }), 400, "/body/__proto__").detail).toContain("__proto__");
    expect(expectProblem(await app.inject({ method: "POST", url: "/v1/ask", payload: '{"request":"a","constructor":{"prototype":{}}}', headers: { "content-type": "application/json" } }), 400, "/body/constructor").detail).toContain("constructor");
    expect(expectProblem(await app.inject({ method: "POST", url: "/v1/ask", payload: "{not json", headers: { "content-type": "application/json" } }), 400, "/body").detail).toContain("not valid JSON");
    expectProblem(await app.inject({ method: "GET", url: "/v1/nothing" }), 404);
    expect(expectProblem(await app.inject({ method: "DELETE", url: "/v1/ask" }), 405).detail).toContain("POST");
  });
});

describe("auth, feedback and personalization", () => {
  it("needs a valid token to write feedback and says how to get one", async () => {
    const { app } = await setup();
    const missing = await feedback(app, undefined, { itemId: "track_0001000", value: "like" });
    expect(expectProblem(missing, 401, "authorization").detail).toContain("askmusic users add");
    expect(missing.headers["www-authenticate"]).toContain("Bearer");
    expectProblem(await feedback(app, "wrong-token-123", { itemId: "track_0001000", value: "like" }), 401, "authorization");
    expectProblem(await app.inject({ method: "POST", url: "/v1/feedback", payload: { itemId: "track_0001000", value: "like" }, headers: { authorization: "Basic abc" } }), 401);
    // A bad token on an optional-auth route is an error too, never a silent anonymous answer.
    expectProblem(await ask(app, { request: "jazz" }, "wrong-token-123"), 401, "authorization");
  });

  it("bounds a user's feedback list: 409 past the limit, changing or clearing an existing entry still works", async () => {
    const { app, alice } = await setup({ maxFeedbackPerCatalog: 2 });
    for (const id of ["track_0001000", "track_0001001"]) expect((await feedback(app, alice, { itemId: id, value: "dislike" })).statusCode).toBe(200);
    const full = await feedback(app, alice, { itemId: "track_0001002", value: "like" });
    expectProblem(full, 409, "/body/itemId");
    expect(full.json().detail).toMatch(/already has 2 likes and dislikes .* clear some first/);
    expect((await feedback(app, alice, { itemId: "track_0001000", value: "like" })).statusCode).toBe(200);
    expect((await feedback(app, alice, { itemId: "track_0001001", value: "clear" })).statusCode).toBe(200);
    expect((await feedback(app, alice, { itemId: "track_0001002", value: "like" })).statusCode).toBe(200);
  });

  it("validates feedback and refuses unknown items", async () => {
    const { app, alice } = await setup();
    expectProblem(await feedback(app, alice, { itemId: "track_0001000", value: "love" }), 400, "/body/value");
    expectProblem(await feedback(app, alice, { itemId: "track_9999999", value: "like" }), 404, "/body/itemId");
    expectProblem(await feedback(app, alice, { value: "like" }), 400, "/body/itemId");
    expectProblem(await feedback(app, alice, { itemId: "track_0001000", value: "like", userId: "bob" }), 400, "/body/userId");
  });

  it("with a trained model: answers name it, carry its parts and modality weights, and likes still move them", async () => {
    const catalog = testCatalog();
    const items = await catalog.allItems();
    const model = handJamModel(items, { id: "fake-8", dims: FAKE_DIMS, encode: fakeEncode });
    const { app, alice } = await setup({ catalogs: [catalog], models: { jamendo: model }, trainedModels: { jamendo: ["jam-cross", "talkrec"] } });
    const catalogs = (await app.inject({ method: "GET", url: "/v1/catalogs" })).json();
    expect(catalogs.catalogs[0]).toMatchObject({ ranker: "jam-cross", models: ["jam-cross", "talkrec"] });
    const request = { request: "calm piano", k: 5 };
    const before = (await ask(app, request, alice)).json();
    expect(before.ranker).toBe("jam-cross");
    expect(before.context).toEqual({ used: ["text"], ignored: [] });
    for (const r of before.results) {
      expect(Object.keys(r.components)).toEqual(["request", "prior", "understood"]);
      expect(Object.keys(r.modalityWeights)).toEqual(["tagtext", "name"]);
      expect(r.modalityWeights.tagtext + r.modalityWeights.name).toBeCloseTo(1, 6);
    }
    const liked = items.find((it) => it.tags.includes("dark") && !ids(before).includes(it.id))!.id;
    await feedback(app, alice, { itemId: liked, value: "like" });
    const after = (await ask(app, request, alice)).json();
    expect(after.results.every((r: { components: object }) => "taste" in r.components)).toBe(true);
    expect(ids(after)).not.toEqual(ids(before));
    // The like is alice's listening history: the model does not read history, the ranker's taste does.
    expect(after.context).toEqual({ used: ["text", "history"], ignored: [] });
    const named = (await ask(app, { request: "songs like Nordlicht", k: 3 })).json();
    expect(named.entities).toEqual([{ artist: "Nordlicht", similarity: 1 }]);
    expect(named.results.map((r: { item: { artist: string } }) => r.item.artist)).toEqual(["Nordlicht", "Nordlicht", "Nordlicht"]);
  });

  it("a model that does not fit its catalog: text match and a warning when asked for, else an error", async () => {
    const catalog = testCatalog();
    const items = await catalog.allItems();
    const stale = handJamModel(items, { id: "fake-8", dims: FAKE_DIMS, encode: fakeEncode }, { ids: items.map((it, i) => (i === 0 ? "track_gone" : it.id)) });
    const warnings: string[] = [];
    const { app } = await setup({ catalogs: [catalog], models: { jamendo: stale }, onModelRejected: (name, reason) => warnings.push(`${name}: ${reason}`) });
    expect(warnings).toEqual([expect.stringMatching(/^jamendo: model jam-cross does not know item track_0001000 .*askmusic train jamendo/)]);
    expect((await ask(app, { request: "calm piano" })).json().ranker).toBe("text-match");
    await expect(setup({ catalogs: [testCatalog()], models: { jamendo: stale } })).rejects.toThrow(/does not know item/);
  });

  it("a like changes the next answer, a dislike removes the item, clear undoes both", async () => {
    const { app, alice } = await setup();
    const request = { request: "happy rock", k: 5 };
    const before = (await ask(app, request, alice)).json();
    expect(before.personalized).toEqual({ user: "alice", likes: 0, dislikes: 0 });
    expect(before.results.every((r: { components: object }) => !("taste" in r.components))).toBe(true);

    // Like a track that was not in the top 5 and whose tags differ from the request.
    const liked = "track_0001002"; // a "dark" track
    expect(ids(before)).not.toContain(liked);
    const likeRes = await feedback(app, alice, { itemId: liked, value: "like" });
    expect(likeRes.statusCode).toBe(200);
    expect(likeRes.json()).toEqual({ catalog: "jamendo", itemId: liked, feedback: "like" });
    const afterLike = (await ask(app, request, alice)).json();
    expect(afterLike.personalized).toEqual({ user: "alice", likes: 1, dislikes: 0 });
    expect(ids(afterLike)).not.toEqual(ids(before));
    // The liked track itself moves up the full ranking and is marked as liked.
    const rankOf = async (token?: string) => ids((await ask(app, { ...request, k: 48 }, token)).json()).indexOf(liked);
    expect(await rankOf(alice)).toBeLessThan(await rankOf(undefined));
    const full = (await ask(app, { ...request, k: 48 }, alice)).json();
    expect(full.results.find((r: { item: { id: string } }) => r.item.id === liked).feedback).toBe("like");
    expect(afterLike.results.every((r: { components: object }) => "taste" in r.components)).toBe(true);

    const top = ids(afterLike)[0];
    await feedback(app, alice, { itemId: top, value: "dislike" });
    const afterDislike = (await ask(app, { ...request, k: 48 }, alice)).json();
    expect(ids(afterDislike)).not.toContain(top);
    expect(afterDislike.personalized.dislikes).toBe(1);

    await feedback(app, alice, { itemId: top, value: "clear" });
    await feedback(app, alice, { itemId: liked, value: "clear" });
    expect(ids((await ask(app, request, alice)).json())).toEqual(ids(before));
  });

  it("keeps each user's state private: another token neither sees nor changes it", async () => {
    const { app, alice, bob } = await setup();
    await feedback(app, alice, { itemId: "track_0001003", value: "dislike" });
    await feedback(app, alice, { itemId: "track_0001004", value: "like" });
    const meA = (await app.inject({ method: "GET", url: "/v1/users/me", headers: { authorization: `Bearer ${alice}` } })).json();
    expect(meA.id).toBe("alice");
    expect(meA.feedback.map((f: { itemId: string; value: string }) => [f.itemId, f.value])).toEqual([["track_0001004", "like"], ["track_0001003", "dislike"]]);
    expect(meA.feedback[0].name).toContain("—");
    const meB = (await app.inject({ method: "GET", url: "/v1/users/me", headers: { authorization: `Bearer ${bob}` } })).json();
    expect(meB).toMatchObject({ id: "bob", name: "Bob", feedback: [] });
    expectProblem(await app.inject({ method: "GET", url: "/v1/users/me" }), 401);
    // Bob's answers are not shaped by Alice's feedback.
    const bobAnswer = (await ask(app, { request: "calm", k: 48 }, bob)).json();
    expect(ids(bobAnswer)).toContain("track_0001003");
    expect(bobAnswer.personalized).toEqual({ user: "bob", likes: 0, dislikes: 0 });
  });
});

describe("a listener's data is theirs", () => {
  it("DELETE /v1/users/me erases the token's user and their feedback; the token stops working; others keep theirs", async () => {
    const { app, state, alice, bob } = await setup();
    await feedback(app, alice, { itemId: "track_0001003", value: "dislike" });
    await feedback(app, alice, { itemId: "track_0001004", value: "like" });
    await feedback(app, bob, { itemId: "track_0001004", value: "like" });
    await ask(app, { request: "calm", k: 5 }, alice); // cached, personalised
    expectProblem(await app.inject({ method: "DELETE", url: "/v1/users/me" }), 401);
    const res = await app.inject({ method: "DELETE", url: "/v1/users/me", headers: { authorization: `Bearer ${alice}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual({ deleted: "alice", rows: { feedback: 2, profiles: 0, adapters: 0, conversations: 0, users: 1 } });
    expect(await state.getUser("alice")).toBeUndefined();
    expect(await state.listFeedback("alice", "jamendo")).toEqual([]);
    expectProblem(await app.inject({ method: "GET", url: "/v1/users/me", headers: { authorization: `Bearer ${alice}` } }), 401);
    expectProblem(await app.inject({ method: "DELETE", url: "/v1/users/me", headers: { authorization: `Bearer ${alice}` } }), 401);
    expectProblem(await ask(app, { request: "calm", k: 5 }, alice), 401);
    expect((await app.inject({ method: "GET", url: "/v1/users/me", headers: { authorization: `Bearer ${bob}` } })).json().feedback).toHaveLength(1);
  });
});

describe("other routes", () => {
  it("serves items, catalogs, health, readiness and the web app", async () => {
    const { app, state } = await setup();
    const item = await app.inject({ method: "GET", url: "/v1/items/jamendo/track_0001000" });
    expect(item.json()).toMatchObject({ id: "track_0001000", tags: expect.any(Array) });
    expect(item.json()).not.toHaveProperty("text");
    expectProblem(await app.inject({ method: "GET", url: "/v1/items/jamendo/track_404" }), 404, "/params/id");
    expectProblem(await app.inject({ method: "GET", url: "/v1/items/other/track_0001000" }), 404, "/params/catalog");
    const catalogs = (await app.inject({ method: "GET", url: "/v1/catalogs" })).json();
    expect(catalogs).toEqual({ default: "jamendo", catalogs: [expect.objectContaining({ name: "jamendo", count: 48, encoderId: "fake-8", ranker: "text-match", models: [] })] });
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready", state: "memory", catalogs: [{ name: "jamendo", version: expect.any(String), count: 48 }] });
    state.failPing = true;
    const notReady = expectProblem(await app.inject({ method: "GET", url: "/readyz" }), 503);
    expect(JSON.stringify(notReady)).not.toContain("unavailable");
    const html = await app.inject({ method: "GET", url: "/" });
    expect(html.headers["content-type"]).toContain("text/html");
    expect(html.body).toContain("/assets/app.js");
    expect(html.headers["content-security-policy"]).toContain("default-src 'self'");
    expect((await app.inject({ method: "GET", url: "/assets/app.js" })).headers["content-type"]).toContain("javascript");
    expectProblem(await app.inject({ method: "GET", url: "/assets/..%2Fserver.ts" }), 400, "/params/name");
  });

  it("documents every route in a valid-looking OpenAPI 3.1 document", async () => {
    const { app } = await setup();
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`));
    const registered = app
      .printRoutes({ commonPrefix: false })
      .split("\n")
      .filter((l) => l.includes("("));
    expect(registered.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual(
      ["POST /v1/ask", "POST /v1/feedback", "POST /v1/feedback/words", "GET /v1/items/{catalog}/{id}", "GET /v1/catalogs", "GET /v1/users/me", "DELETE /v1/users/me", "GET /v1/users/me/profile", "PUT /v1/users/me/profile", "GET /healthz", "GET /readyz", "GET /openapi.json", "GET /", "GET /assets/{name}", "POST /v1/conversations", "POST /v1/conversations/{id}/turns", "POST /v1/conversations/{id}/feedback", "GET /v1/conversations/{id}"].sort(),
    );
    expect(doc.paths["/v1/feedback"].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/v1/ask"].post.requestBody.content["application/json"].schema.required).toEqual(["request"]);
    const answer = doc.paths["/v1/ask"].post.responses["200"].content["application/json"].schema;
    expect(answer.required).toContain("context");
    expect(answer.properties.context.properties.ignored.items.enum).toEqual(["text", "user", "history", "turns", "profile", "adapter"]);
    expect(doc.paths["/v1/catalogs"].get.responses["200"].content["application/json"].schema.properties.catalogs.items.required).toContain("models");
    expect(doc.paths["/v1/items/{catalog}/{id}"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["catalog", "id"]);
    expect(doc.components.securitySchemes.bearer.scheme).toBe("bearer");
  });

  it("rate-limits per client with a token bucket and Retry-After", async () => {
    const { app } = await setup({ rateLimit: { max: 3, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: "GET", url: "/v1/catalogs" })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ method: "GET", url: "/v1/catalogs" });
    expectProblem(limited, 429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Health checks are not rate limited.
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("answers internal failures with a plain 500 that leaks nothing", async () => {
    const encoder = fakeQueryEncoder();
    const { app } = await setup({ queryEncoder: encoder });
    encoder.encode = async () => {
      throw new Error("secret at /srv/db/internal.ts:42");
    };
    const res = await ask(app, { request: "jazz" });
    const body = expectProblem(res, 500);
    expect(body).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, code: "internal" });
  });
});

describe("over real HTTP", () => {
  it("answers on an ephemeral loopback port", async () => {
    const { app, alice } = await setup();
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const res = await fetch(`${address}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ request: "dreamy ambient", k: 3 }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(3);
    const like = await fetch(`${address}/v1/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice}` },
      body: JSON.stringify({ itemId: "track_0001005", value: "like" }),
    });
    expect(like.status).toBe(200);
    const bad = await fetch(`${address}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });
});

/**
 * @file The conversation routes through `app.inject()`: a multi-turn conversation keeps its hard constraints, never
 * repeats shown or disliked tracks, carries preferences over "more", survives a server restart (same state store),
 * and a user's conversation is theirs alone.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function server(state: MemoryStateRepository) {
  const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false });
  apps.push(app);
  return app;
}
const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});
const start = (app: FastifyInstance, token?: string) => app.inject({ method: "POST", url: "/v1/conversations", payload: {}, headers: auth(token) });
const turn = (app: FastifyInstance, id: string, payload: object, token?: string) => app.inject({ method: "POST", url: `/v1/conversations/${id}/turns`, payload, headers: auth(token) });
type Track = { id: string; artist?: string; tags: string[] };
const lastTracks = (body: { exchanges: { tracks: Track[] }[] }) => body.exchanges.at(-1)!.tracks;

describe("conversations", () => {
  it("keeps constraints across turns, never repeats a shown or disliked track, and carries preferences over 'more'", async () => {
    const state = new MemoryStateRepository();
    const app = await server(state);
    const created = await start(app);
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const t1 = await turn(app, id, { request: "calm jazz but no rap, not by Nordlicht", k: 5 });
    expect(t1.statusCode).toBe(200);
    const b1 = t1.json();
    expect(b1.state.constraints.excludeTags).toContain("rap");
    expect(b1.state.constraints.excludeArtists).toContain("Nordlicht");
    expect(b1.state.preferences.map((p: { tag: string }) => p.tag)).toEqual(expect.arrayContaining(["jazz", "calm"]));
    const first = lastTracks(b1);
    expect(first).toHaveLength(5);

    const disliked = first[0].id;
    const t2 = await turn(app, id, { request: "more please", k: 5, disliked: [disliked], liked: [first[1].id] });
    const b2 = t2.json();
    expect(b2.exchanges).toHaveLength(2);
    expect(b2.exchanges[1].asked).toMatch(/more please .*jazz|more please .*calm/);
    const second = lastTracks(b2);
    for (const t of second) {
      expect(first.map((x) => x.id)).not.toContain(t.id);
      expect(t.tags).not.toContain("rap");
      expect(t.artist).not.toBe("Nordlicht");
    }
    expect(b2.state.disliked).toEqual([disliked]);
    expect(b2.state.liked).toEqual([first[1].id]);
    expect(b2.version).toBe(3);

    // A restart: a new server on the same state store reads the same conversation.
    await app.close();
    const again = await server(state);
    const read = await again.inject({ method: "GET", url: `/v1/conversations/${id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().exchanges.map((e: { user: string }) => e.user)).toEqual(["calm jazz but no rap, not by Nordlicht", "more please"]);
    const t3 = await turn(again, id, { request: "some piano now", k: 40 });
    for (const t of lastTracks(t3.json())) {
      expect(t.tags).not.toContain("rap");
      expect(t.id).not.toBe(disliked);
    }
  });

  it("a removed constraint chip lifts it; feedback without a turn updates liked and disliked", async () => {
    const app = await server(new MemoryStateRepository());
    const { id } = (await start(app)).json();
    await turn(app, id, { request: "no rap", k: 3 });
    const res = await app.inject({ method: "POST", url: `/v1/conversations/${id}/feedback`, payload: { lift: { tags: ["rap"] }, liked: ["track_0001000"] } });
    expect(res.statusCode).toBe(200);
    expect(res.json().state.constraints.excludeTags).toEqual([]);
    expect(res.json().state.liked).toEqual(["track_0001000"]);
  });

  it("a user's conversation needs their token: none is 401, another user's is 404", async () => {
    const state = new MemoryStateRepository();
    const alice = createToken();
    const bob = createToken();
    await state.createUser({ id: "alice", tokenHash: hashToken(alice) });
    await state.createUser({ id: "bob", tokenHash: hashToken(bob) });
    const app = await server(state);
    const created = (await start(app, alice)).json();
    expect(created.user).toBe("alice");
    expect((await app.inject({ method: "GET", url: `/v1/conversations/${created.id}` })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: `/v1/conversations/${created.id}`, headers: auth(bob) })).statusCode).toBe(404);
    expect((await turn(app, created.id, { request: "jazz" }, bob)).statusCode).toBe(404);
    expect((await turn(app, created.id, { request: "jazz" }, alice)).statusCode).toBe(200);
    const del = await app.inject({ method: "DELETE", url: "/v1/users/me", headers: auth(alice) });
    expect(del.json().rows.conversations).toBe(1);
  });

  it("rejects bad input with problems naming the field, and unknown conversations with 404", async () => {
    const app = await server(new MemoryStateRepository());
    expect((await app.inject({ method: "GET", url: "/v1/conversations/nope" })).statusCode).toBe(404);
    const { id } = (await start(app)).json();
    const empty = await turn(app, id, { request: "" });
    expect(empty.statusCode).toBe(400);
    expect((await turn(app, id, { request: "x", extra: 1 })).statusCode).toBe(400);
    expect((await app.inject({ method: "POST", url: "/v1/conversations", payload: { catalog: "nope" } })).statusCode).toBe(404);
  });

  it("is in the OpenAPI document", async () => {
    const app = await server(new MemoryStateRepository());
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/conversations", "/v1/conversations/{id}/turns", "/v1/conversations/{id}", "/v1/conversations/{id}/feedback"]));
  });
});

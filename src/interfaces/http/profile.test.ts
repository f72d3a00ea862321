/**
 * @file GET/PUT /v1/users/me/profile through `app.inject()`: a user's profile read from their likes, edits stored
 * and applied, validation, auth, and the routes in the OpenAPI document.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../config.js";
import { openProfileModel, profileView, trainProfileModel, type ProfileModel } from "../../ranking/profiles.js";
import { profileDomain, SMALL_APRON } from "../../ranking/testing.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

let home: string;
let pm: ProfileModel;
let app: FastifyInstance;
let plain: FastifyInstance;
let state: MemoryStateRepository;
const alice = createToken();
const bob = createToken();
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-http-profile-"));
  const config = resolveConfig({ ASKMUSIC_HOME: home });
  await trainProfileModel(config, "lastfm-2k", { domain: profileDomain(), options: SMALL_APRON, seed: 1 });
  pm = await openProfileModel(config, "lastfm-2k");
  state = new MemoryStateRepository();
  await state.createUser({ id: "alice", tokenHash: hashToken(alice) });
  await state.createUser({ id: "bob", tokenHash: hashToken(bob) });
  // The profile model's items stand in for the served catalog's (the route reads likes from the state store).
  for (const item of ["item0", "item4", "item8"]) await state.setFeedback("alice", "jamendo", item, 1);
  app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, profiles: { models: { jamendo: pm }, view: profileView } });
  plain = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false });
});
afterAll(async () => {
  await app.close();
  await plain.close();
  rmSync(home, { recursive: true, force: true });
});

describe("GET/PUT /v1/users/me/profile", () => {
  it("reads the profile from the user's likes: prototypes strongest first with exemplar links, and recommendations", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/users/me/profile?k=5", headers: auth(alice) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ catalog: "jamendo", edits: {}, historyUsed: 3, historyUnknown: 0 });
    expect(body.prototypes.length).toBe(8);
    expect(body.prototypes[0].exemplar.link).toMatch(/^https:\/\/example\.test\/item\d+$/);
    expect(body.recommendations.length).toBe(5);
    for (const r of body.recommendations) expect(["item0", "item4", "item8"]).not.toContain(r.id);
  });

  it("PUT stores the edits, answers with the edited profile, and GET applies them afterwards; {} clears them", async () => {
    const before = (await app.inject({ method: "GET", url: "/v1/users/me/profile", headers: auth(alice) })).json();
    const strongest = before.prototypes[0].tag as string;
    const put = await app.inject({ method: "PUT", url: "/v1/users/me/profile", headers: auth(alice), payload: { weights: { [strongest]: 0 } } });
    expect(put.statusCode, put.body).toBe(200);
    const edited = put.json();
    expect(edited.edits).toEqual({ [strongest]: 0 });
    expect(edited.prototypes.find((p: { tag: string }) => p.tag === strongest)).toMatchObject({ weight: 0, edited: true });
    expect(edited.recommendations.map((r: { score: number }) => r.score)).not.toEqual(before.recommendations.map((r: { score: number }) => r.score));
    expect(await state.getProfile("alice", "jamendo")).toEqual({ [strongest]: 0 });
    const again = (await app.inject({ method: "GET", url: "/v1/users/me/profile", headers: auth(alice) })).json();
    expect(again.prototypes.find((p: { tag: string }) => p.tag === strongest).weight).toBe(0);
    const cleared = await app.inject({ method: "PUT", url: "/v1/users/me/profile", headers: auth(alice), payload: { weights: {} } });
    expect(cleared.json().edits).toEqual({});
    expect(await state.getProfile("alice", "jamendo")).toEqual({});
  });

  it("refuses bad input with a problem naming the member, and stores nothing", async () => {
    const cases: [unknown, number, string][] = [
      [{ weights: { polka: 0 } }, 400, "/body/weights"],
      [{ weights: { music: 1.5 } }, 400, "/body/weights/music"],
      [{ weights: [] }, 400, "/body/weights"],
      [{ weights: {}, extra: 1 }, 400, "/body/extra"],
      [{ weights: {}, catalog: "nope" }, 404, "/body/catalog"],
    ];
    for (const [payload, status, field] of cases) {
      const res = await app.inject({ method: "PUT", url: "/v1/users/me/profile", headers: auth(alice), payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect(await state.getProfile("alice", "jamendo")).toEqual({});
  });

  it("needs the user's own token, likes to read a profile from, and a catalog with a profile model", async () => {
    expect((await app.inject({ method: "GET", url: "/v1/users/me/profile" })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/v1/users/me/profile?k=0", headers: auth(alice) })).json().field).toBe("/querystring/k");
    expect((await app.inject({ method: "GET", url: "/v1/users/me/profile?k=ten", headers: auth(alice) })).statusCode).toBe(400);
    expect((await app.inject({ method: "PUT", url: "/v1/users/me/profile", payload: { weights: {} } })).statusCode).toBe(401);
    const noLikes = await app.inject({ method: "GET", url: "/v1/users/me/profile", headers: auth(bob) });
    expect(noLikes.statusCode).toBe(409);
    expect(noLikes.json().detail).toMatch(/has no likes in catalog "jamendo"/);
    expect((await app.inject({ method: "GET", url: "/v1/catalogs" })).json().catalogs[0].profiles).toBe(true);
    expect((await plain.inject({ method: "GET", url: "/v1/catalogs" })).json().catalogs[0].profiles).toBe(false);
    const none = await plain.inject({ method: "GET", url: "/v1/users/me/profile", headers: auth(alice) });
    expect(none.statusCode).toBe(404);
    expect(none.json().detail).toMatch(/has no profile model/);
  });

  it("is in the OpenAPI document with its query parameters and body", async () => {
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    const route = doc.paths["/v1/users/me/profile"];
    expect(route.get.operationId).toBe("getProfile");
    expect(route.get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(["query:catalog", "query:k"]);
    expect(route.put.operationId).toBe("setProfile");
    expect(route.put.requestBody.content["application/json"].schema.required).toEqual(["weights"]);
  });
});

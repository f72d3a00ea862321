/**
 * @file The fuzzer covers the API as documented: every OpenAPI operation has a fuzz case (a new endpoint without one
 * fails here), and seeded hostile requests under every spelling of their paths, in process and over a socket
 * (absolute-form targets), never get a 5xx other than a 503 shed or a 501 for an unimplemented method, and always get problem+json errors with the
 * security headers.
 */
import type { FastifyInstance } from "fastify";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { documentedOperations, fuzzRequest, missingFuzzCases, type FuzzContext, type FuzzRequest } from "./fuzz.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

let app: FastifyInstance;
let ctx: FuzzContext;
let openapi: { paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  const state = new MemoryStateRepository();
  const token = createToken();
  await state.createUser({ id: "fuzzer", tokenHash: hashToken(token) });
  const victims: string[] = [];
  for (let i = 0; i < 5; i++) {
    const t = createToken();
    await state.createUser({ id: `victim-${i}`, tokenHash: hashToken(t) });
    victims.push(t);
  }
  app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false });
  ctx = { token, catalog: "jamendo", itemId: "track_0001000", assets: ["app.js", "style.css", "favicon.svg"], victims };
  openapi = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
});
afterAll(async () => {
  await app.close();
});

/** What every answer must satisfy, whatever was sent. */
function checkAnswer(req: FuzzRequest, status: number, headers: Record<string, unknown>, body: string) {
  const where = `${req.method} ${req.path.slice(0, 80)} -> ${status} ${body.slice(0, 120)}`;
  // 503: shed under load; 501: a method no route implements (issue 15 asked for 405/501, not 400).
  expect(status < 500 || status === 503 || (status === 501 && !["GET", "POST", "DELETE", "HEAD"].includes(req.method)), where).toBe(true);
  expect(headers["x-content-type-options"], where).toBe("nosniff");
  expect(headers["cache-control"], where).toMatch(/^no-(store|cache)$/);
  if (status >= 400 && req.method !== "HEAD") {
    expect(String(headers["content-type"]), where).toContain("application/problem+json");
    expect(JSON.parse(body), where).toMatchObject({ status, code: expect.any(String) });
  }
}

describe("HTTP fuzzer", () => {
  it("has a fuzz case for every endpoint in the OpenAPI document", () => {
    expect(documentedOperations(openapi).length).toBeGreaterThanOrEqual(11);
    expect(missingFuzzCases(openapi)).toEqual([]);
    expect(missingFuzzCases({ paths: { ...openapi.paths, "/v1/new": { get: {} } } })).toEqual(["GET /v1/new"]);
  });

  it("400 seeded requests in process (plain and percent-encoded paths): no 5xx, problem+json errors, headers", async () => {
    const r = mulberry32(15);
    const ops = documentedOperations(openapi);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const req = fuzzRequest(r, ops, ctx);
      const res = await app.inject({ method: req.method as "GET", url: req.path, headers: req.headers, ...(req.body !== undefined ? { payload: req.body } : {}) });
      checkAnswer(req, res.statusCode, res.headers, res.body);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    // The mix reaches handlers (200s) and every kind of refusal.
    for (const s of [200, 400, 401, 404, 405]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    // The fuzzer's own user survived the DELETE cases.
    expect((await app.inject({ method: "GET", url: "/v1/users/me", headers: { authorization: `Bearer ${ctx.token}` } })).statusCode).toBe(200);
  });

  it("120 seeded requests over a socket, with absolute-form targets: the same guarantees", async () => {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const r = mulberry32(16);
    const ops = documentedOperations(openapi);
    let absolute = 0;
    for (let i = 0; i < 120; i++) {
      const req = fuzzRequest(r, ops, ctx, origin);
      if (req.path.startsWith("http://")) absolute++;
      const res = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const h = http.request({ host: "127.0.0.1", port, method: req.method, path: req.path, headers: req.headers, agent: false }, (m) => {
          let body = "";
          m.setEncoding("utf8");
          m.on("data", (d: string) => (body += d));
          m.on("end", () => resolve({ status: m.statusCode ?? 0, headers: m.headers, body }));
        });
        h.on("error", reject);
        // A body on a HEAD request (Node's client does not frame it for HEAD) reaches the server as a second, malformed
        // request, which the server answers too; the client then fails with "Data after Connection: close" (seen at seed 16).
        h.end(req.method === "HEAD" ? undefined : req.body);
      });
      checkAnswer(req, res.status, res.headers, res.body);
    }
    expect(absolute).toBeGreaterThan(20);
  });
});

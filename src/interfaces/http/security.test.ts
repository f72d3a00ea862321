/**
 * @file One normalised path for every hook (issue 15, finding 1): the rate limit, `no-store` and the security
 * headers apply to the routed path whatever its spelling (percent-encoded, absolute-form), and requests refused
 * before routing (bad percent-encoding, an over-long id, HTTP Node refuses, unknown methods) still get
 * problem+json with the same headers.
 */
import type { FastifyInstance } from "fastify";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { buildServer, type ServerOptions } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function setup(extra: Partial<ServerOptions> = {}) {
  const state = new MemoryStateRepository();
  const token = createToken();
  await state.createUser({ id: "alice", tokenHash: hashToken(token) });
  const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, ...extra });
  apps.push(app);
  return { app, token };
}

/** Sends raw bytes over a socket and returns the whole response text (the server closes or we stop at the body). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let out = "";
    socket.on("data", (d) => {
      out += d.toString("latin1");
      const [head, body] = out.split("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(head ?? "");
      if (body !== undefined && length && Buffer.byteLength(body, "latin1") >= Number(length[1])) socket.end();
    });
    socket.on("end", () => resolve(out));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.write(text);
  });
}

function headersOf(response: string): Record<string, string> {
  const lines = response.split("\r\n\r\n")[0].split("\r\n").slice(1);
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
}

const statusOf = (response: string) => Number(response.split(" ")[1]);

function expectHardened(headers: Record<string, unknown>) {
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(String(headers["content-security-policy"])).toContain("default-src 'self'");
}

describe("one normalised path for every hook", () => {
  it("rate-limits a percent-encoded spelling of /v1/* like the plain one", async () => {
    const { app } = await setup({ rateLimit: { max: 3, windowSeconds: 60 } });
    const statuses = [];
    for (const url of ["/v1/catalogs", "/%761/catalogs", "/v1/%63atalogs", "/%761/catalogs"]) statuses.push((await app.inject({ method: "GET", url })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const posted = await app.inject({ method: "POST", url: "/%761/ask", payload: { request: "calm piano" } });
    expect(posted.statusCode).toBe(429);
    expect(posted.headers["content-type"]).toContain("application/problem+json");
    expect(Number(posted.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Unknown paths count too, and health checks never do.
    expect((await app.inject({ method: "GET", url: "/v1/nope" })).statusCode).toBe(429);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("sends no-store and the security headers whatever the spelling; the web app's files stay revalidated", async () => {
    const { app, token } = await setup({ rateLimit: false });
    for (const url of ["/v1/users/me", "/%761/users/me", "/v1/users/%6de"]) {
      const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expectHardened(res.headers);
    }
    expectHardened((await app.inject({ method: "GET", url: "/v1/nope" })).headers);
    const asset = await app.inject({ method: "GET", url: "/assets/app.js" });
    expect(asset.headers["cache-control"]).toBe("no-cache");
    expect(asset.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("over a socket: an absolute-form target is limited and answered no-store", async () => {
    const { app, token } = await setup({ rateLimit: { max: 2, windowSeconds: 60 } });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as net.AddressInfo).port;
    const get = (target: string) => raw(port, `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n\r\n`);
    const first = await get(`http://127.0.0.1:${port}/v1/users/me`);
    expect(statusOf(first)).toBe(200);
    expectHardened(headersOf(first));
    expect(headersOf(first)["x-ratelimit-remaining"]).toBe("1");
    expect(statusOf(await get(`http://127.0.0.1:${port}/%761/users/me`))).toBe(200);
    expect(statusOf(await get(`http://127.0.0.1:${port}/v1/users/me`))).toBe(429);
  });

  it("answers bad percent-encoding, over-long ids and unparseable HTTP with problem+json and the headers", async () => {
    const { app } = await setup({ rateLimit: false });
    const bad = await app.inject({ method: "GET", url: "/v1/items/jamendo/%ff" });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(bad.json()).toMatchObject({ status: 400, code: "input" });
    expectHardened(bad.headers);
    const long = await app.inject({ method: "GET", url: `/v1/items/jamendo/${"x".repeat(301)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toMatchObject({ status: 414, code: "uri_too_long" });
    expectHardened(long.headers);

    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as net.AddressInfo).port;
    const garbage = await raw(port, "GET /healthz HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n");
    expect(statusOf(garbage)).toBe(400);
    expect(headersOf(garbage)["content-type"]).toBe("application/problem+json");
    expectHardened(headersOf(garbage));
    expect(JSON.parse(garbage.split("\r\n\r\n")[1])).toMatchObject({ status: 400, code: "input" });
    const unknown = await raw(port, "BREW /v1/ask HTTP/1.1\r\nhost: x\r\n\r\n");
    expect(statusOf(unknown)).toBe(501);
    expectHardened(headersOf(unknown));
  });

  it("answers a known path with the wrong method 405 + allow, and a method nothing implements 501", async () => {
    const { app } = await setup({ rateLimit: false });
    const put = await app.inject({ method: "PUT", url: "/v1/ask", payload: {} });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe("POST");
    expect(put.json()).toMatchObject({ status: 405, code: "method_not_allowed" });
    const item = await app.inject({ method: "POST", url: "/%761/items/jamendo/track_0001000", payload: {} });
    expect(item.statusCode).toBe(405);
    expect(item.headers.allow).toBe("GET, HEAD");
    expect((await app.inject({ method: "PROPFIND" as "GET", url: "/v1/nothing-here" })).statusCode).toBe(501);
    expect((await app.inject({ method: "PATCH", url: "/v1/nothing-here" })).statusCode).toBe(501);
    expect((await app.inject({ method: "GET", url: "/v1/nothing-here" })).statusCode).toBe(404);
  });
});

/**
 * @file A rebuild under a running server (issue 15, finding 2: the old version was deleted while the server had it
 * open, and items and feedback answered 500 until a restart): the server keeps answering, picks up the new
 * version, says so in /v1/catalogs and /readyz, and releases the old one for the next build to delete.
 */
import type { FastifyInstance } from "fastify";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCatalog, catalogDir, LanceCatalog, leasedVersions, readCurrent } from "../../store/lancedb/index.js";
import { createToken, hashToken } from "../../store/state/tokens.js";
import { syntheticBatches, syntheticItems } from "../../store/testing.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository } from "./testing.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("live rebuild", () => {
  it("an ingest during a running server: answers stay 200, the new version is served and reported, the old one is released", async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-reload-"));
    cleanup.push(() => fs.rm(home, { recursive: true, force: true }));
    const items = syntheticItems(40);
    const first = await buildCatalog(home, "jamendo", { encoderId: "fake-8", batches: syntheticBatches(items.slice(0, 30)) });
    const state = new MemoryStateRepository();
    const token = createToken();
    await state.createUser({ id: "alice", tokenHash: hashToken(token) });
    const app: FastifyInstance = await buildServer({
      catalogs: [await LanceCatalog.open(home, "jamendo")],
      queryEncoder: fakeQueryEncoder(),
      state,
      rateLimit: false,
      reload: {
        source: { currentVersion: (name) => readCurrent(catalogDir(home, name)), open: async (name) => ({ catalog: await LanceCatalog.open(home, name) }) },
        intervalMs: 20,
        graceMs: 50,
      },
    });
    cleanup.push(() => app.close());
    const auth = { authorization: `Bearer ${token}` };
    const probe = async () => {
      const item = await app.inject({ method: "GET", url: "/v1/items/jamendo/item_0003" });
      const like = await app.inject({ method: "POST", url: "/v1/feedback", headers: auth, payload: { itemId: "item_0004", value: "like" } });
      const ask = await app.inject({ method: "POST", url: "/v1/ask", headers: auth, payload: { request: items[5].text, k: 3 } });
      return [item.statusCode, like.statusCode, ask.statusCode];
    };
    expect(await probe()).toEqual([200, 200, 200]);

    const second = await buildCatalog(home, "jamendo", { encoderId: "fake-8", batches: syntheticBatches(items) });
    // Between the swap and the reload, the old version is still on disk and served.
    expect(await probe()).toEqual([200, 200, 200]);
    const listed = await until("the new version to be served", async () => {
      const body = (await app.inject({ method: "GET", url: "/v1/catalogs" })).json();
      return body.catalogs[0].version === second.version ? body.catalogs[0] : undefined;
    });
    expect(listed).toMatchObject({ name: "jamendo", count: 40 });
    expect((await app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready", state: "memory", catalogs: [{ name: "jamendo", version: second.version, count: 40 }] });
    expect(await probe()).toEqual([200, 200, 200]);
    expect((await app.inject({ method: "GET", url: "/v1/items/jamendo/item_0035" })).statusCode).toBe(200);

    // After the grace period the old version's lease is gone, and the next build deletes it.
    await until("the old version to be released", async () => ((await leasedVersions(catalogDir(home, "jamendo"))).has(first.version) ? undefined : true));
    const third = await buildCatalog(home, "jamendo", { encoderId: "fake-8", batches: syntheticBatches(items) });
    const versions = (await fs.readdir(catalogDir(home, "jamendo"))).filter((e) => e.startsWith("v-"));
    expect(versions).not.toContain(first.version);
    await until("the third version to be served", async () => ((await app.inject({ method: "GET", url: "/v1/catalogs" })).json().catalogs[0].version === third.version ? true : undefined));
    expect(await probe()).toEqual([200, 200, 200]);
  });
});

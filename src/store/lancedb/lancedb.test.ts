import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataError, InputError, NotFoundError } from "../../errors.js";
import type { CatalogBatch } from "../catalog.js";
import { runCatalogSuite } from "../conformance.js";
import { fakeEncode, syntheticBatches, syntheticItems } from "../testing.js";
import { buildCatalog, catalogDir, LanceCatalog, leasedVersions, listCatalogs } from "./index.js";
import { filterToSql } from "./filter.js";
import { normalizeFilter } from "../catalog.js";

let home: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-store-test-"));
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

runCatalogSuite("lancedb (flat)", {
  create: async (name, batches) => {
    await buildCatalog(home, `${name}-flat`, { encoderId: "fake-8", batches }, { vectorIndex: "none" });
    return LanceCatalog.open(home, `${name}-flat`);
  },
});

// The same checks through an IVF index: filtered queries must still be exact (fallback to a flat scan when short).
runCatalogSuite("lancedb (ivf-flat)", {
  n: 600,
  create: async (name, batches) => {
    await buildCatalog(home, `${name}-ivf`, { encoderId: "fake-8", batches }, { vectorIndex: "ivf-flat", ivf: { partitions: 24, nprobes: 2 } });
    const c = await LanceCatalog.open(home, `${name}-ivf`);
    expect(c.vectorIndex().type).toBe("ivf-flat");
    return c;
  },
});

/** Entries of a catalog directory, without the CURRENT pointer. */
async function versionDirs(name: string): Promise<string[]> {
  return (await fs.readdir(catalogDir(home, name))).filter((e) => e.startsWith("v-")).sort();
}

describe("lancedb catalog lifecycle", () => {
  const items = syntheticItems(40);

  it("opening a catalog that does not exist lists the known ones", async () => {
    await buildCatalog(home, "known", { encoderId: "fake-8", batches: syntheticBatches(items) });
    const err = await LanceCatalog.open(home, "nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toMatch(/unknown catalog "nope"; must be one of: .*known/);
    expect(await listCatalogs(home)).toContain("known");
    await expect(LanceCatalog.open(home, "../etc")).rejects.toThrow(InputError);
  });

  it("a build that throws midway leaves the previous version readable and no partial directory", async () => {
    await buildCatalog(home, "swap", { encoderId: "fake-8", batches: syntheticBatches(items.slice(0, 20), 8) });
    const before = await versionDirs("swap");
    expect(before).toHaveLength(1);

    async function* failing(): AsyncGenerator<CatalogBatch> {
      yield* syntheticBatches(items, 8).slice(0, 2);
      throw new Error("source died midway");
    }
    await expect(buildCatalog(home, "swap", { encoderId: "fake-8", batches: failing() })).rejects.toThrow("source died midway");
    // also a failure after rows and indices are written, just before the swap
    const stageFail = buildCatalog(home, "swap", { encoderId: "fake-8", batches: syntheticBatches(items) }, {
      onStage: (s) => {
        if (s === "swap") throw new Error("killed at swap");
      },
    });
    await expect(stageFail).rejects.toThrow("killed at swap");
    // and a row-count mismatch caught by the build
    await expect(buildCatalog(home, "swap", { encoderId: "fake-8", batches: syntheticBatches(items) }, { expectedCount: 41 })).rejects.toThrow(DataError);

    expect(await versionDirs("swap")).toEqual(before);
    const c = await LanceCatalog.open(home, "swap");
    expect(await c.count()).toBe(20);
    expect((await c.get(["item_0003"]))[0].id).toBe("item_0003");
    c.close();
  });

  it("a leftover version directory of a killed build is removed by the next build; the old version after the swap", async () => {
    await buildCatalog(home, "killed", { encoderId: "fake-8", batches: syntheticBatches(items.slice(0, 10)) });
    const [old] = await versionDirs("killed");
    // What kill -9 mid-build leaves: a half-written version dir, a stale lock of a dead pid, a temp pointer file.
    const dir = catalogDir(home, "killed");
    await fs.mkdir(path.join(dir, "v-1-deadbeef", "items.lance"), { recursive: true });
    await fs.writeFile(path.join(dir, "v-1-deadbeef", "items.lance", "junk"), "partial");
    await fs.writeFile(path.join(dir, ".lock"), "999999999\n");
    await fs.writeFile(path.join(dir, ".CURRENT.123.abcd.tmp"), "v-1-deadbeef\n");

    const reader = await LanceCatalog.open(home, "killed"); // the live version is unaffected by the debris
    expect(await reader.count()).toBe(10);
    reader.close();

    const info = await buildCatalog(home, "killed", { encoderId: "fake-8", batches: syntheticBatches(items) });
    const after = await fs.readdir(dir);
    expect(after.sort()).toEqual([".leases", "CURRENT", info.version]);
    expect(info.version).not.toBe(old);
    const c = await LanceCatalog.open(home, "killed");
    expect(await c.count()).toBe(40);
    c.close();
  });

  it("a rebuild keeps a version a reader has open until it is closed (issue 15, finding 2)", async () => {
    await buildCatalog(home, "leased", { encoderId: "fake-8", batches: syntheticBatches(items.slice(0, 10)) });
    const reader = await LanceCatalog.open(home, "leased");
    const old = reader.info().version;
    // A lease of a process that died is not honoured.
    await fs.writeFile(path.join(catalogDir(home, "leased"), ".leases", `${old}.999999999.deadbeef`), "");
    const next = await buildCatalog(home, "leased", { encoderId: "fake-8", batches: syntheticBatches(items) });
    expect(await versionDirs("leased")).toEqual([old, next.version].sort());
    // The open reader still reads every file of its version, after the swap and the cleanup.
    expect(await reader.count()).toBe(10);
    expect((await reader.get(["item_0004"]))[0].id).toBe("item_0004");
    expect(await reader.textSearch(items[3].text, { k: 1 })).toHaveLength(1);
    const fresh = await LanceCatalog.open(home, "leased");
    expect(fresh.info().version).toBe(next.version);
    reader.close();
    expect(await leasedVersions(catalogDir(home, "leased"))).toEqual(new Set([next.version]));
    fresh.close();
    // Released: the next build removes it.
    const third = await buildCatalog(home, "leased", { encoderId: "fake-8", batches: syntheticBatches(items) });
    expect(await versionDirs("leased")).toEqual([third.version]);
  });

  it("reads a catalog whose directory it may not write, without a lease", async () => {
    await buildCatalog(home, "readonly", { encoderId: "fake-8", batches: syntheticBatches(items.slice(0, 5)) });
    // What a read-only mount answers (tests run as root here, so file modes cannot produce it).
    const denied = vi.spyOn(fs, "writeFile").mockRejectedValueOnce(Object.assign(new Error("read-only file system"), { code: "EROFS" }));
    try {
      const c = await LanceCatalog.open(home, "readonly");
      expect(await c.count()).toBe(5);
      expect(await leasedVersions(catalogDir(home, "readonly"))).toEqual(new Set());
      c.close();
    } finally {
      denied.mockRestore();
    }
  });

  it("refuses a concurrent build of the same catalog and rejects bad input", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = buildCatalog(home, "busy", { encoderId: "fake-8", batches: syntheticBatches(items) }, { onStage: (s) => (s === "write" ? gate : undefined) });
    await new Promise((r) => setTimeout(r, 50));
    await expect(buildCatalog(home, "busy", { encoderId: "fake-8", batches: syntheticBatches(items) })).rejects.toThrow(/another build/);
    release();
    await first;
    await expect(buildCatalog(home, "empty", { encoderId: "fake-8", batches: [] })).rejects.toThrow(/no items/);
    const bad = [{ items: items.slice(0, 2), vectors: { tagtext: fakeEncode(["one"]) } }];
    await expect(buildCatalog(home, "bad", { encoderId: "fake-8", batches: bad })).rejects.toThrow(/is 1x8, expected 2x8/);
    expect(await listCatalogs(home)).not.toContain("bad");
  });
});

describe("filterToSql", () => {
  it("escapes quotes and lets items without an artist pass", () => {
    expect(filterToSql(normalizeFilter({ includeTags: [" Rock "], excludeArtists: ["O'Brien"], minPopularity: 3 }))).toBe(
      "array_has_any(tag_keys, ['rock']) AND (artist_key IS NULL OR artist_key NOT IN ('o''brien')) AND popularity >= 3",
    );
    expect(filterToSql(normalizeFilter({ includeTags: [], excludeIds: [] }))).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveConfig, type Config } from "../config.js";
import type { LastfmDataset } from "../datasets/types.js";
import { NotFoundError } from "../errors.js";
import { fakeEncoder } from "../representations/fake-encoder.js";
import { ingestCatalog, jamendoSearchText, lastfmItems, lastfmVectorText } from "./ingest.js";
import { acquireBuildLock, catalogDir, LanceCatalog } from "./lancedb/index.js";
import { realDataDirs } from "../datasets/testing.js";

let home: string;
let config: Config;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-ingest-test-"));
  config = resolveConfig({ ASKMUSIC_HOME: home, ASKMUSIC_DATA: realDataDirs().data, ASKMUSIC_DOWNLOAD: "never" });
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe("jamendoSearchText", () => {
  it("joins name, tag phrase and compound tag spellings, skipping empty parts", () => {
    expect(jamendoSearchText("Song A by X", "hip hop; guitar", ["hiphop", "guitar"])).toBe("Song A by X. hip hop; guitar. hiphop");
    expect(jamendoSearchText("", "rock; guitar", ["rock", "guitar"])).toBe("rock; guitar");
    expect(jamendoSearchText("", "", [])).toBe("");
  });
});

describe("lastfmItems", () => {
  it("keeps each artist's most frequent tags and sums plays", () => {
    const lfm: LastfmDataset = {
      artists: [
        { id: 1, name: "A", url: "u1" },
        { id: 2, name: "B", url: "u2" },
      ],
      tags: [
        { id: 10, text: "rock" },
        { id: 11, text: "pop" },
        { id: 12, text: "  " },
      ],
      users: [7, 8],
      plays: [
        { user: 7, artist: 1, plays: 5 },
        { user: 8, artist: 1, plays: 6 },
      ],
      tagAssignments: [
        { user: 7, artist: 1, tag: 11, date: "2010-01-01" },
        { user: 8, artist: 1, tag: 10, date: "2010-01-01" },
        { user: 7, artist: 1, tag: 10, date: "2010-01-01" },
        { user: 7, artist: 1, tag: 12, date: "2010-01-01" },
      ],
      friends: [],
    };
    const items = lastfmItems(lfm);
    expect(items[0]).toEqual({ id: "1", name: "A", artist: "A", tags: ["rock", "pop"], url: "u1", popularity: 11, text: "A rock pop" });
    expect(items[1]).toMatchObject({ id: "2", tags: [], popularity: 0 });
    expect(lastfmVectorText(items[0])).toBe("A: rock, pop");
    expect(lastfmVectorText(items[1])).toBe("B");
  });
});

describe("ingestCatalog", () => {
  it("rejects an unknown source by listing the known ones", async () => {
    const err = await ingestCatalog(config, "spotify", { encoder: fakeEncoder() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/unknown catalog source "spotify"; must be one of: jamendo, lastfm-2k/);
  });

  it("a second concurrent ingest fails on the build lock at once, before loading anything (issue 15)", async () => {
    const release = await acquireBuildLock(catalogDir(home, "jamendo"));
    try {
      let loaded = false;
      const t0 = performance.now();
      const progress = () => void (loaded = true);
      await expect(ingestCatalog(config, "jamendo", { encoder: fakeEncoder(), progress })).rejects.toThrow(/another build of catalog "jamendo" is running/);
      expect(loaded).toBe(false);
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      await release();
    }
  });

  it("builds lastfm-2k from the real data (fake 8-d encoder), and a rebuild replaces it", async () => {
    const encoder = fakeEncoder(8);
    const info = await ingestCatalog(config, "lastfm-2k", { encoder });
    expect(info).toMatchObject({ name: "lastfm-2k", count: 17632, encoderId: encoder.id, vectorColumns: { tagtext: 8 }, defaultVectorColumn: "tagtext" });
    const c = await LanceCatalog.open(home, "lastfm-2k");
    try {
      const [gaga] = await c.get(["89"]);
      expect(gaga).toMatchObject({ name: "Lady Gaga", artist: "Lady Gaga", url: "http://www.last.fm/music/Lady+Gaga" });
      expect(gaga.popularity).toBeGreaterThan(100_000);
      expect(gaga.tags.length).toBeGreaterThan(3);
      // the data also holds "Britney Spears⊼" (9375) and artists tagged "britney spears": 289 must be near the top
      const text = await c.textSearch("Britney Spears", { k: 5 });
      expect(text.map((h) => h.item.id)).toContain("289");
      const hits = await c.vectorSearch((await encoder.encode([lastfmVectorText(gaga)])).data, {
        column: "tagtext",
        k: 50,
        filter: { excludeArtists: ["lady gaga"], includeTags: ["pop"] },
      });
      expect(hits).toHaveLength(50);
      for (const h of hits) {
        expect(h.item.id).not.toBe("89");
        expect(h.item.tags.map((t) => t.toLowerCase())).toContain("pop");
      }
    } finally {
      c.close();
    }
    const again = await ingestCatalog(config, "lastfm-2k", { encoder });
    expect(again.version).not.toBe(info.version);
    expect((await fs.readdir(catalogDir(home, "lastfm-2k"))).sort()).toEqual([".leases", "CURRENT", again.version]);
  });
});

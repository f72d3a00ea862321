import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveConfig } from "../config.js";
import { cachedEncoder } from "./cached-encoder.js";
import { encoderCacheDir, lazyEncoder } from "./default-encoder.js";
import { fakeEncoder } from "./fake-encoder.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-lazy-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("lazyEncoder", () => {
  it("creates the model only on a cache miss, never on a warm run", async () => {
    let created = 0;
    const factory = async () => {
      created++;
      return fakeEncoder(4, "lazy@1");
    };
    await cachedEncoder(lazyEncoder("lazy@1", 4, factory), dir).encode(["a", "b"]);
    expect(created).toBe(1);
    const warm = await cachedEncoder(lazyEncoder("lazy@1", 4, factory), dir).encode(["b", "a"]);
    expect(created).toBe(1);
    expect(warm.rows).toBe(2);
  });

  it("rejects a created encoder whose identity differs from the promised one", async () => {
    const enc = lazyEncoder("want@1", 4, async () => fakeEncoder(4, "got@1"));
    await expect(enc.encode(["x"])).rejects.toThrow(/want@1/);
  });
});

describe("encoderCacheDir", () => {
  it("lives under homeDir/cache/encoder", () => {
    const config = resolveConfig({ ASKMUSIC_HOME: "/h" }, "/");
    expect(encoderCacheDir(config)).toBe(path.join("/h", "cache", "encoder"));
  });
});

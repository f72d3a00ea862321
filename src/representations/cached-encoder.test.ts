import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cachedEncoder, compareCodePoints, decodeShard, encodeShard, encoderDirName } from "./cached-encoder.js";
import { fakeEncoder, fakeVector } from "./fake-encoder.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-cache-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const shardDir = (id: string) => path.join(dir, encoderDirName(id));
const shards = async (id: string) => (await fs.readdir(shardDir(id))).filter((n) => n.endsWith(".vec"));

describe("cachedEncoder", () => {
  it("returns rows in input order, encodes each distinct text once, in sorted batches", async () => {
    const inner = fakeEncoder(8);
    const enc = cachedEncoder(inner, dir);
    expect(enc.id).toBe(inner.id);
    expect(enc.dims).toBe(8);
    const texts = ["rock", "jazz", "rock", "ambient", "jazz"];
    const m = await enc.encode(texts);
    expect([m.rows, m.cols]).toEqual([5, 8]);
    texts.forEach((t, i) => expect(Array.from(m.data.subarray(i * 8, i * 8 + 8))).toEqual(Array.from(fakeVector(t, 8))));
    expect(inner.seen).toEqual(["ambient", "jazz", "rock"]);
    expect(inner.calls).toBe(1);
  });

  it("re-encodes nothing on a second run, also from a fresh instance (disk)", async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `text ${i}`);
    const first = fakeEncoder(8);
    const a = await cachedEncoder(first, dir).encode(texts);
    expect(first.calls).toBe(3); // 300 misses in batches of 128
    const second = fakeEncoder(8);
    const enc2 = cachedEncoder(second, dir);
    const b = await enc2.encode([...texts].reverse());
    expect(second.calls).toBe(0);
    for (let i = 0; i < 300; i++) {
      expect(Array.from(b.data.subarray(i * 8, i * 8 + 8))).toEqual(Array.from(a.data.subarray((299 - i) * 8, (299 - i) * 8 + 8)));
    }
    // Only the new text is encoded.
    await enc2.encode(["text 5", "brand new"]);
    expect(second.seen).toEqual(["brand new"]);
  });

  it("keeps caches of different encoder ids apart", async () => {
    await cachedEncoder(fakeEncoder(8, "one@1"), dir).encode(["x"]);
    const other = fakeEncoder(8, "two@1");
    await cachedEncoder(other, dir).encode(["x"]);
    expect(other.calls).toBe(1);
  });

  it("ignores a corrupt or truncated shard and leftover temp files, re-encoding only what they held", async () => {
    const inner = fakeEncoder(4, "fake@1");
    await cachedEncoder(inner, dir).encode(["a", "b"]);
    const [good] = await shards("fake@1");
    const bytes = await fs.readFile(path.join(shardDir("fake@1"), good));
    await fs.writeFile(path.join(shardDir("fake@1"), "shard-zzzz-truncated.vec"), bytes.subarray(0, bytes.length - 3));
    await fs.writeFile(path.join(shardDir("fake@1"), ".shard-x.vec.1.abcd.tmp"), bytes.subarray(0, 10));
    await fs.writeFile(path.join(shardDir("fake@1"), "shard-zzzz-garbage.vec"), "not a shard");
    const again = fakeEncoder(4, "fake@1");
    const m = await cachedEncoder(again, dir).encode(["a", "b", "c"]);
    expect(again.seen).toEqual(["c"]);
    expect(Array.from(m.data.subarray(0, 4))).toEqual(Array.from(fakeVector("a", 4)));
  });

  it("keeps what was flushed when the inner encoder fails midway", async () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `t${String(i).padStart(5, "0")}`);
    const failing = fakeEncoder(4, "flaky@1");
    const realEncode = failing.encode.bind(failing);
    failing.encode = async (t) => {
      if (failing.calls >= 33) throw new Error("boom"); // after 33 batches = 4224 texts, one flush of 4096
      return realEncode(t);
    };
    await expect(cachedEncoder(failing, dir).encode(texts)).rejects.toThrow("boom");
    const retry = fakeEncoder(4, "flaky@1");
    await cachedEncoder(retry, dir).encode(texts);
    expect(retry.seen.length).toBe(5000 - 4096);
  });

  it("merges many shards into one without losing vectors", async () => {
    const inner = fakeEncoder(4, "many@1");
    const enc = cachedEncoder(inner, dir);
    for (let i = 0; i < 40; i++) await enc.encode([`s${i}`]);
    // The refresh before the 34th call merged the first 33 shards.
    expect((await shards("many@1")).length).toBe(40 - 33 + 1);
    const fresh = fakeEncoder(4, "many@1");
    const enc2 = cachedEncoder(fresh, dir);
    const m = await enc2.encode(Array.from({ length: 40 }, (_, i) => `s${i}`));
    expect(fresh.calls).toBe(0);
    expect(Array.from(m.data.subarray(39 * 4, 40 * 4))).toEqual(Array.from(fakeVector("s39", 4)));
  });

  it("serializes concurrent calls so a text is encoded once", async () => {
    const inner = fakeEncoder(4);
    const enc = cachedEncoder(inner, dir);
    await Promise.all([enc.encode(["a", "b"]), enc.encode(["b", "a"])]);
    expect(inner.seen.sort()).toEqual(["a", "b"]);
  });

  it("loads a cache of 60k 512-d vectors in well under two seconds", async () => {
    const dims = 512;
    const n = 60000;
    const keys = Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, "0"));
    const id = "big@1";
    await fs.mkdir(shardDir(id), { recursive: true });
    // Two shards written directly (encoding 60k texts through the fake would dominate the test).
    const half = n / 2;
    for (const [s, part] of [keys.slice(0, half), keys.slice(half)].entries()) {
      await fs.writeFile(path.join(shardDir(id), `shard-0${s}.vec`), encodeShard(id, dims, part, new Float32Array(half * dims).fill(s)));
    }
    const inner = fakeEncoder(dims, id);
    const t0 = performance.now();
    const m = await cachedEncoder(inner, dir).encode(["new"]);
    const ms = performance.now() - t0;
    expect(m.rows).toBe(1);
    expect(ms).toBeLessThan(1500);
  });
});

describe("shard format", () => {
  it("round-trips and rejects a different encoder id or dims", () => {
    const h = ["ab".repeat(32), "cd".repeat(32)];
    const buf = encodeShard("enc@1", 3, h, Float32Array.of(1, 2, 3, 4, 5, 6));
    const ok = decodeShard(buf, "enc@1", 3);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(Array.from(ok.vectors)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(ok.hashes.toString("hex", 32, 64)).toBe(h[1]);
    }
    expect(decodeShard(buf, "enc@2", 3).ok).toBe(false);
    expect(decodeShard(buf, "enc@1", 4).ok).toBe(false);
    expect(decodeShard(buf.subarray(0, buf.length - 1), "enc@1", 3).ok).toBe(false);
  });
});

describe("compareCodePoints", () => {
  it("orders like Python: astral characters after U+E000..U+FFFF", () => {
    const astral = "\u{1F3B5}"; // musical note, a surrogate pair in UTF-16
    const bmpHigh = "\uFF21"; // fullwidth A
    expect(astral < bmpHigh).toBe(true); // UTF-16 order, which Python does not use
    expect(["b", astral, bmpHigh, "a", "ab"].sort(compareCodePoints)).toEqual(["a", "ab", "b", bmpHigh, astral]);
  });
});

/**
 * @file A disk cache in front of any TextEncoder: each distinct text is encoded once per encoder id, ever.
 *
 * On-disk format, per encoder: `<cacheDir>/<safe encoder id>/shard-<time>-<pid>-<rand>.vec`, append-only. Each
 * shard is one self-describing file, written atomically (temp + fsync + rename), so a shard either exists whole or
 * not at all; an interrupted run loses only the shard it was writing, and the next run re-encodes those texts.
 *   bytes 0..7    magic "AMVEC01\n"
 *   bytes 8..11   uint32 LE: header length H (JSON, space-padded so the float block is 4-byte aligned)
 *   bytes 12..    JSON header {"encoderId","dims","count"}
 *   then          count x 32 bytes: sha256 of each text (UTF-8)
 *   then          count x dims float32 LE: the vectors, row-major, in the same order as the hashes
 * Shards are merged into one when there are more than {@link MAX_SHARDS}; duplicates across shards are harmless.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { matrix, type Matrix } from "../core/matrix.js";
import { writeFileAtomic } from "../core/fs.js";
import type { Progress } from "../datasets/types.js";
import type { TextEncoder } from "./text-encoder.js";

const MAGIC = Buffer.from("AMVEC01\n", "latin1");
const SHARD_EXT = ".vec";
/** Texts encoded between two shard writes: bounds what an interrupted cold run loses. */
const FLUSH_EVERY = 4096;
/** Texts per call to the inner encoder (USE-lite's benchmark batching). */
const BATCH = 128;
/** More shards than this are merged into one at the next load. */
const MAX_SHARDS = 32;
/** Temp files older than this are from a killed process and are removed. */
const STALE_TEMP_MS = 30 * 60 * 1000;

/** sha256 of the UTF-8 text, hex. */
function textKey(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Encoder ids like "use-lite-512@0.2.0" become safe directory names. */
export function encoderDirName(id: string): string {
  return id.replace(/[^A-Za-z0-9._@-]/g, "_");
}

/**
 * Orders strings by Unicode code point (Python's `sorted`), not by UTF-16 unit as `<` does: the benchmark's
 * features were embedded in Python order, and the order decides batch composition.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) must sort above U+E000..U+FFFF.
    x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
    y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    return x - y;
  }
  return a.length - b.length;
}

/** Serializes one shard. */
export function encodeShard(encoderId: string, dims: number, hashes: readonly string[], vectors: Float32Array): Buffer {
  const count = hashes.length;
  if (vectors.length !== count * dims) throw new RangeError(`shard has ${vectors.length} floats, expected ${count}x${dims}`);
  let header = JSON.stringify({ encoderId, dims, count });
  const pad = (4 - ((MAGIC.length + 4 + Buffer.byteLength(header)) % 4)) % 4;
  header += " ".repeat(pad);
  const headerBytes = Buffer.from(header, "utf8");
  const out = Buffer.alloc(MAGIC.length + 4 + headerBytes.length + 32 * count + 4 * dims * count);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(out, MAGIC.length + 4);
  let off = MAGIC.length + 4 + headerBytes.length;
  for (const h of hashes) off += out.write(h, off, 32, "hex");
  Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength).copy(out, off);
  return out;
}

/** A parsed shard, or a reason it is unusable. */
type ParsedShard =
  | { ok: true; count: number; hashes: Buffer; vectors: Float32Array }
  | { ok: false; reason: string };

/** Parses and validates one shard file's bytes (never throws: a bad shard is just ignored and re-encoded). */
export function decodeShard(buf: Buffer, encoderId: string, dims: number): ParsedShard {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, reason: "bad magic" };
  const hlen = buf.readUInt32LE(MAGIC.length);
  const hstart = MAGIC.length + 4;
  if (hstart + hlen > buf.length) return { ok: false, reason: "truncated header" };
  let header: { encoderId?: unknown; dims?: unknown; count?: unknown };
  try {
    header = JSON.parse(buf.toString("utf8", hstart, hstart + hlen));
  } catch {
    return { ok: false, reason: "header is not JSON" };
  }
  if (header.encoderId !== encoderId) return { ok: false, reason: `encoder id ${String(header.encoderId)}` };
  if (header.dims !== dims) return { ok: false, reason: `dims ${String(header.dims)}` };
  const count = header.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) return { ok: false, reason: "bad count" };
  const hashStart = hstart + hlen;
  const vecStart = hashStart + 32 * count;
  if (buf.length !== vecStart + 4 * dims * count) return { ok: false, reason: "wrong length" };
  const absolute = buf.byteOffset + vecStart;
  // Float32Array needs 4-byte alignment; pooled small Buffers may not give it, so copy in that case.
  const vectors =
    absolute % 4 === 0
      ? new Float32Array(buf.buffer, absolute, dims * count)
      : new Float32Array(buf.buffer.slice(absolute, absolute + 4 * dims * count));
  return { ok: true, count, hashes: buf.subarray(hashStart, vecStart), vectors };
}

/** The in-memory view of one encoder's cache directory. */
class VectorCache {
  private readonly rows = new Map<string, Float32Array>();
  private readonly loadedShards = new Set<string>();

  constructor(readonly dir: string, readonly encoderId: string, readonly dims: number) {}

  get size(): number {
    return this.rows.size;
  }

  get(key: string): Float32Array | undefined {
    return this.rows.get(key);
  }

  /** Loads shards not seen yet (other processes may have added some); merges when there are too many. */
  async refresh(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = (await fs.readdir(this.dir)).filter((n) => n.startsWith("shard-") && n.endsWith(SHARD_EXT)).sort();
    for (const name of names) {
      if (this.loadedShards.has(name)) continue;
      // A shard may vanish between readdir and read when another process merges: skip it.
      const buf = await fs.readFile(path.join(this.dir, name)).catch(() => undefined);
      if (buf === undefined) continue;
      const shard = decodeShard(buf, this.encoderId, this.dims);
      this.loadedShards.add(name);
      if (!shard.ok) continue;
      for (let i = 0; i < shard.count; i++) {
        const key = shard.hashes.toString("hex", 32 * i, 32 * i + 32);
        if (!this.rows.has(key)) this.rows.set(key, shard.vectors.subarray(i * this.dims, (i + 1) * this.dims));
      }
    }
    if (names.length > MAX_SHARDS) await this.compact(names);
    await this.removeStaleTemps();
  }

  /** Writes one new shard atomically and indexes it. */
  async append(keys: readonly string[], vectors: Float32Array): Promise<void> {
    if (keys.length === 0) return;
    const name = shardName();
    await writeFileAtomic(path.join(this.dir, name), encodeShard(this.encoderId, this.dims, keys, vectors));
    this.loadedShards.add(name);
    keys.forEach((k, i) => {
      if (!this.rows.has(k)) this.rows.set(k, vectors.subarray(i * this.dims, (i + 1) * this.dims));
    });
  }

  /** Replaces the given shards by one holding every cached vector: write the merged shard first, then delete. */
  private async compact(names: readonly string[]): Promise<void> {
    const keys = [...this.rows.keys()];
    const data = new Float32Array(keys.length * this.dims);
    keys.forEach((k, i) => data.set(this.rows.get(k)!, i * this.dims));
    const merged = shardName();
    await writeFileAtomic(path.join(this.dir, merged), encodeShard(this.encoderId, this.dims, keys, data));
    this.loadedShards.add(merged);
    // Only after the merged shard is durable; if we die in between, duplicates remain, which are harmless.
    await Promise.all(names.map((n) => fs.rm(path.join(this.dir, n), { force: true })));
  }

  private async removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await fs.readdir(this.dir)) {
      if (!(name.startsWith(".") && name.endsWith(".tmp"))) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      // Young temps may belong to a live writer in another process: leave them.
      if (stat && now - stat.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true });
    }
  }
}

function shardName(): string {
  return `shard-${Date.now().toString(36).padStart(9, "0")}-${process.pid}-${randomBytes(4).toString("hex")}${SHARD_EXT}`;
}

/**
 * Wraps `inner` with a disk cache under `cacheDir/<encoder id>/`. Same id and dims as `inner`.
 * `encode` dedupes the texts, looks each up by sha256, encodes only the misses (distinct, sorted by code point,
 * in batches of 128, with progress), appends them to the cache every 4096 texts, and returns rows in input order.
 * A second run with the same texts calls `inner.encode` zero times. Concurrent calls are serialized.
 * @example
 * const enc = cachedEncoder(await createUseLiteEncoder(), `${config.homeDir}/cache/encoder`);
 * await enc.encode(["rock", "rock", "jazz"]); // 3x512; "rock" encoded once, and never again
 */
export function cachedEncoder(inner: TextEncoder, cacheDir: string, progress?: Progress): TextEncoder {
  const cache = new VectorCache(path.join(cacheDir, encoderDirName(inner.id)), inner.id, inner.dims);
  let queue: Promise<unknown> = Promise.resolve();

  async function encodeNow(texts: readonly string[]): Promise<Matrix> {
    const dims = inner.dims;
    await cache.refresh();
    const keys = texts.map(textKey);
    const missing = new Map<string, string>(); // key -> text
    keys.forEach((k, i) => {
      if (cache.get(k) === undefined && !missing.has(k)) missing.set(k, texts[i]);
    });
    const toEncode = [...missing.values()].sort(compareCodePoints);
    const phase = `encode ${inner.id}`;
    if (toEncode.length > 0) progress?.(phase, 0, toEncode.length);
    for (let flushStart = 0; flushStart < toEncode.length; flushStart += FLUSH_EVERY) {
      const chunk = toEncode.slice(flushStart, flushStart + FLUSH_EVERY);
      const vectors = new Float32Array(chunk.length * dims);
      // Batches must start at multiples of 128 of the sorted list (FLUSH_EVERY is a multiple of BATCH).
      for (let b = 0; b < chunk.length; b += BATCH) {
        const part = chunk.slice(b, b + BATCH);
        const m = await inner.encode(part);
        if (m.rows !== part.length || m.cols !== dims) {
          throw new RangeError(`encoder ${inner.id} returned ${m.rows}x${m.cols} for ${part.length} texts, expected x${dims}`);
        }
        vectors.set(m.data, b * dims);
        progress?.(phase, flushStart + b + part.length, toEncode.length);
      }
      await cache.append(chunk.map(textKey), vectors);
    }
    const out = matrix(texts.length, dims);
    keys.forEach((k, i) => out.data.set(cache.get(k)!, i * dims));
    return out;
  }

  return {
    id: inner.id,
    dims: inner.dims,
    encode(texts: readonly string[]): Promise<Matrix> {
      const run = queue.then(() => encodeNow(texts));
      queue = run.catch(() => undefined);
      return run;
    },
    dispose() {
      inner.dispose?.();
    },
  };
}

/**
 * @file Resolves a mirror-relative data file to a verified absolute path: SHA256SUMS check, cached, download fallback.
 */
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";
import { writeFileAtomic } from "../core/fs.js";
import { DataError } from "../errors.js";
import { upstreamFor } from "./upstream.js";

/** Options of {@link resolveDataFile}; the defaults are what production wants. */
export interface ResolveOptions {
  /** The fetch to download with (default: the global fetch). Tests pass a fake. */
  readonly fetchImpl?: typeof fetch;
  /** Download timeout in milliseconds (default 15000). */
  readonly timeoutMs?: number;
}

const CHECKSUM_LIST = "SHA256SUMS";
const DISK_CACHE = "checksums.json";

/**
 * Returns the absolute path of `relPath` (e.g. "mtg-jamendo/data/autotagging_moodtheme.tsv"), verified against
 * `<dataDir>/SHA256SUMS`. Looks in `config.dataDir`, then in `config.homeDir/downloads`; if neither has it and
 * `config.download === "auto"`, downloads it from its upstream URL into the downloads cache (verified before it
 * is written). Verification results are cached per process and in `homeDir/checksums.json` (keyed by path, size
 * and mtime), so a warm run does not re-hash.
 * @throws DataError naming the path: not listed in SHA256SUMS, checksum mismatch (expected vs actual), or missing
 *   (with where it was looked for and the URL to get it from).
 * @example
 * await resolveDataFile(config, "lastfm-2k/artists.dat"); // "/work/shared/data/lastfm-2k/artists.dat"
 */
export async function resolveDataFile(config: Config, relPath: string, options: ResolveOptions = {}): Promise<string> {
  const rel = normalizeRelPath(relPath);
  const sums = await loadChecksums(config.dataDir);
  const expected = sums.get(rel);
  if (expected === undefined) {
    throw new DataError(
      `data file "${rel}" is not listed in ${path.join(config.dataDir, CHECKSUM_LIST)}, so it cannot be verified; check the name`,
      { path: rel },
    );
  }
  const mirrored = path.join(config.dataDir, rel);
  const downloaded = path.join(config.homeDir, "downloads", rel);
  for (const candidate of [mirrored, downloaded]) {
    const stat = await fs.stat(candidate).catch(() => undefined);
    if (stat?.isFile()) {
      await verifyFile(config.homeDir, candidate, stat, expected);
      return candidate;
    }
  }
  await download(config, rel, downloaded, expected, [mirrored, downloaded], options);
  return downloaded;
}

/** Forgets the per-process caches (tests use it to prove the on-disk cache is read). */
export function clearChecksumMemo(): void {
  checksumLists.clear();
  verified.clear();
  diskCaches.clear();
}

/** Hashes a file with SHA-256, streaming (constant memory). Returns lowercase hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function normalizeRelPath(relPath: string): string {
  const rel = path.posix.normalize(relPath.replace(/\\/g, "/").replace(/^\.\//, ""));
  if (rel === "." || rel.startsWith("../") || rel === ".." || path.posix.isAbsolute(rel)) {
    throw new DataError(`data file path must be relative to the data mirror, got "${relPath}"`, { path: relPath });
  }
  return rel;
}

// ---- SHA256SUMS, parsed once per (file, size, mtime) ----

const checksumLists = new Map<string, Promise<Map<string, string>>>();

async function loadChecksums(dataDir: string): Promise<Map<string, string>> {
  const file = path.join(dataDir, CHECKSUM_LIST);
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new DataError(
      `no checksum list at ${file} (${err.code ?? err.message}): set ASKMUSIC_DATA to the data mirror that holds ${CHECKSUM_LIST}`,
      { path: file, cause: err },
    );
  });
  const key = `${file}|${stat.size}|${stat.mtimeMs}`;
  let pending = checksumLists.get(key);
  if (!pending) {
    pending = parseChecksums(file);
    checksumLists.set(key, pending);
    pending.catch(() => checksumLists.delete(key));
  }
  return pending;
}

async function parseChecksums(file: string): Promise<Map<string, string>> {
  const text = await fs.readFile(file, "utf8");
  const sums = new Map<string, string>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    // sha256sum format: 64 hex digits, two spaces (or " *" for binary mode), then the path.
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new DataError(`${file}:${i + 1}: expected "<sha256>  ./<path>", got "${line.slice(0, 120)}"`, { path: file });
    sums.set(normalizeRelPath(m[2]), m[1].toLowerCase());
  });
  return sums;
}

// ---- verification, memoized in process and on disk ----

interface DiskEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** The on-disk cache of one homeDir: loaded once, rewritten atomically (coalesced) after each new hash. */
class DiskCache {
  private writing: Promise<void> | null = null;
  private dirty = false;
  constructor(
    private readonly file: string,
    readonly entries: Map<string, DiskEntry>,
  ) {}

  /** Records an entry and waits until it is on disk (a failed write only costs a re-hash next time). */
  async put(absPath: string, entry: DiskEntry): Promise<void> {
    this.entries.set(absPath, entry);
    this.dirty = true;
    if (!this.writing) this.writing = this.flush();
    await this.writing;
  }

  private async flush(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const json = JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }, null, 1);
      await writeFileAtomic(this.file, json).catch(() => undefined);
    }
    this.writing = null;
  }
}

const diskCaches = new Map<string, Promise<DiskCache>>();

function diskCache(homeDir: string): Promise<DiskCache> {
  let cache = diskCaches.get(homeDir);
  if (!cache) {
    const file = path.join(homeDir, DISK_CACHE);
    cache = fs.readFile(file, "utf8").then(
      (text) => new DiskCache(file, parseDiskCache(text)),
      () => new DiskCache(file, new Map()),
    );
    diskCaches.set(homeDir, cache);
  }
  return cache;
}

function parseDiskCache(text: string): Map<string, DiskEntry> {
  // A corrupt or foreign cache file is ignored, never fatal: it only saves time.
  const entries = new Map<string, DiskEntry>();
  try {
    const parsed = JSON.parse(text) as { version?: unknown; entries?: Record<string, Partial<DiskEntry>> };
    if (parsed.version !== 1 || typeof parsed.entries !== "object" || parsed.entries === null) return entries;
    for (const [k, v] of Object.entries(parsed.entries)) {
      if (typeof v?.size === "number" && typeof v.mtimeMs === "number" && typeof v.sha256 === "string") {
        entries.set(k, { size: v.size, mtimeMs: v.mtimeMs, sha256: v.sha256 });
      }
    }
  } catch {
    // ignored, see above
  }
  return entries;
}

/** Per-process memo: key = path|size|mtime|expected → the verification in flight or done. */
const verified = new Map<string, Promise<void>>();

function verifyFile(homeDir: string, file: string, stat: { size: number; mtimeMs: number }, expected: string): Promise<void> {
  const key = `${file}|${stat.size}|${stat.mtimeMs}|${expected}`;
  let pending = verified.get(key);
  if (!pending) {
    pending = verifyUncached(homeDir, file, stat, expected);
    verified.set(key, pending);
    pending.catch(() => verified.delete(key));
  }
  return pending;
}

async function verifyUncached(homeDir: string, file: string, stat: { size: number; mtimeMs: number }, expected: string): Promise<void> {
  const cache = await diskCache(homeDir);
  const known = cache.entries.get(file);
  let actual: string;
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
    actual = known.sha256;
  } else {
    actual = await sha256File(file);
    await cache.put(file, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: actual });
  }
  if (actual !== expected) throw mismatch(file, expected, actual);
}

function mismatch(file: string, expected: string, actual: string): DataError {
  return new DataError(
    `checksum mismatch for ${file}: expected sha256 ${expected}, got ${actual}; the file is corrupt or a different version: restore it from the mirror or upstream`,
    { path: file, expected, actual },
  );
}

// ---- download fallback ----

async function download(
  config: Config,
  rel: string,
  target: string,
  expected: string,
  lookedIn: readonly string[],
  options: ResolveOptions,
): Promise<void> {
  const upstream = upstreamFor(rel);
  const where = `looked in ${lookedIn.join(" and ")}`;
  const missing = (why: string, cause?: unknown) =>
    new DataError(`missing data file "${rel}": ${where}; ${why}`, { path: rel, cause });
  if (!upstream) throw missing("no upstream source is known for it: restore the data mirror (ASKMUSIC_DATA)");
  const getIt = `get it from ${upstream.url}`;
  if (upstream.kind === "archive") {
    throw missing(`${getIt} (a zip archive: unpack ${path.posix.basename(rel)} into ${path.dirname(lookedIn[0])})`);
  }
  if (upstream.kind === "excerpt") {
    throw missing(`it is an excerpt of ${upstream.url}; restore it from the data mirror (ASKMUSIC_DATA)`);
  }
  if (config.download === "never") throw missing(`downloads are off (ASKMUSIC_DOWNLOAD=never); ${getIt}`);
  const fetchImpl = options.fetchImpl ?? fetch;
  let bytes: Uint8Array;
  try {
    const res = await fetchImpl(upstream.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
    throw missing(`downloading it failed (${reason.replace(/\s+/g, " ")}); ${getIt}`, err);
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  // Verify before writing, so a wrong download never lands in the cache.
  if (actual !== expected) {
    throw new DataError(
      `checksum mismatch for "${rel}" downloaded from ${upstream.url}: expected sha256 ${expected}, got ${actual}; upstream changed: restore the file from the data mirror`,
      { path: rel, expected, actual },
    );
  }
  await writeFileAtomic(target, bytes).catch((err: Error) => {
    throw missing(`downloaded it but could not write ${target} (${err.message}); check that ASKMUSIC_HOME is writable`, err);
  });
  const stat = await fs.stat(target);
  const cache = await diskCache(config.homeDir);
  await cache.put(target, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: actual });
  verified.set(`${target}|${stat.size}|${stat.mtimeMs}|${expected}`, Promise.resolve());
}

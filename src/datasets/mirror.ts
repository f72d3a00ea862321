/**
 * @file Resolves a mirror-relative data file to a verified absolute path: SHA256SUMS check, cached, download fallback.
 */
import { createHash } from "node:crypto";
import { createReadStream, promises as fs, type Stats } from "node:fs";
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

/**
 * Returns the absolute path of `relPath` (e.g. "mtg-jamendo/data/autotagging_moodtheme.tsv"), verified against
 * `<dataDir>/SHA256SUMS`. Looks in `config.dataDir`, then in `config.homeDir/downloads`; if neither has it and
 * `config.download === "auto"`, downloads it from its upstream URL into the downloads cache (verified before it
 * is written). Verification is by content: each process hashes a file before its first use (and again if it
 * changes while the process runs); no verdict is trusted from an earlier run.
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
      await verifyFile(candidate, stat, expected);
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
    // JSON.stringify escapes control bytes: a garbage line must not reach the terminal raw.
    if (!m) throw new DataError(`${file}:${i + 1}: expected "<sha256>  ./<path>", got ${JSON.stringify(line.slice(0, 120))}`, { path: file });
    sums.set(normalizeRelPath(m[2]), m[1].toLowerCase());
  });
  return sums;
}

// ---- verification: by content, every process ----

/**
 * Per-process memo of verdicts, keyed by the file's identity and every time stamp the OS keeps for it. `touch -r`
 * can put an mtime back but not a ctime (any write or metadata change sets it to now), so a file edited in place
 * is re-hashed. Nothing is trusted across processes: each one hashes the bytes it is about to read (the whole
 * mirror, 352 files and 38 MB, hashed in 0.8 s on 2 shared cores at load 9).
 */
const verified = new Map<string, Promise<void>>();

type FileStamp = Pick<Stats, "size" | "mtimeMs" | "ctimeMs" | "ino" | "dev">;

function verifyFile(file: string, stat: FileStamp, expected: string): Promise<void> {
  const key = JSON.stringify([file, stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, expected]);
  let pending = verified.get(key);
  if (!pending) {
    pending = sha256File(file).then((actual) => {
      if (actual !== expected) throw mismatch(file, expected, actual);
    });
    verified.set(key, pending);
    pending.catch(() => verified.delete(key));
  }
  return pending;
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
}

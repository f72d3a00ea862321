/**
 * @file On-disk layout of LanceDB catalogs: `<home>/catalogs/<name>/CURRENT` names the live `v-<ms>-<rand>/`
 * version directory; builds hold `<name>/.lock`; a process reading a version holds a lease on it
 * (`<name>/.leases/<version>.<pid>.<rand>`), so a rebuild never deletes a version a running server still has open.
 * Everything here is about paths, the pointer, leases and cleanup.
 */
import { promises as fs, rmSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { removeStaleTemps, writeFileAtomic } from "../../core/fs.js";
import { DataError, InputError, NotFoundError } from "../../errors.js";
import { CATALOG_NAME } from "../catalog.js";

/** Pointer file naming the live version directory. */
export const CURRENT_FILE = "CURRENT";
/** Written last into a version directory: the catalog's CatalogInfo. */
export const MANIFEST_FILE = "manifest.json";
/** The LanceDB table holding the items, inside a version directory. */
export const TABLE_NAME = "items";
const LOCK_FILE = ".lock";
const LEASES_DIR = ".leases";
const LEASE_FILE = /^(v-\d+-[0-9a-f]+)\.(\d+)\.[0-9a-f]+$/;
const VERSION_DIR = /^v-\d+-[0-9a-f]+$/;

/** `<home>/catalogs`. */
export function catalogsDir(homeDir: string): string {
  return path.join(homeDir, "catalogs");
}

/** `<home>/catalogs/<name>`, after checking the name is a safe directory name. */
export function catalogDir(homeDir: string, name: string): string {
  if (!CATALOG_NAME.test(name)) {
    throw new InputError(`catalog name "${name}" must be letters, digits, ".", "_" or "-" (at most 64, no leading dot)`, { field: "catalog" });
  }
  return path.join(catalogsDir(homeDir), name);
}

/** A fresh version directory name: `v-<epoch ms>-<8 hex>`. */
export function newVersionName(): string {
  return `v-${Date.now()}-${randomBytes(4).toString("hex")}`;
}

/** The version CURRENT names, or undefined when the catalog was never built (or CURRENT is missing). */
export async function readCurrent(dir: string): Promise<string | undefined> {
  const file = path.join(dir, CURRENT_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const version = text.trim();
  if (!VERSION_DIR.test(version)) {
    throw new DataError(`${file} names "${version}", not a catalog version; rebuild it with \`askmusic ingest ${path.basename(dir)}\``, { path: file });
  }
  return version;
}

/** Atomically points CURRENT at `version` (write temp + fsync + rename). */
export async function writeCurrent(dir: string, version: string): Promise<void> {
  await writeFileAtomic(path.join(dir, CURRENT_FILE), `${version}\n`);
}

/** Names of the catalogs under `<home>/catalogs` that have a CURRENT pointer, sorted. */
export async function listCatalogs(homeDir: string): Promise<string[]> {
  const root = catalogsDir(homeDir);
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !CATALOG_NAME.test(e.name)) continue;
    if (await fs.access(path.join(root, e.name, CURRENT_FILE)).then(() => true, () => false)) names.push(e.name);
  }
  return names.sort();
}

/** The live version directory of catalog `name`; NotFoundError (listing the built catalogs) when there is none. */
export async function currentVersionDir(homeDir: string, name: string): Promise<{ dir: string; version: string }> {
  const dir = catalogDir(homeDir, name);
  const version = await readCurrent(dir);
  if (version === undefined) throw new NotFoundError("catalog", name, await listCatalogs(homeDir));
  const versionDir = path.join(dir, version);
  if (!(await fs.access(path.join(versionDir, MANIFEST_FILE)).then(() => true, () => false))) {
    throw new DataError(`${path.join(dir, CURRENT_FILE)} names ${version}, but ${versionDir} is missing or incomplete; rebuild it with \`askmusic ingest ${name}\``, { path: versionDir });
  }
  return { dir: versionDir, version };
}

/**
 * Removes every version directory except `keep` and the versions a live process holds a lease on (and temp files
 * of an interrupted pointer write). Called before a build (leftovers of a killed build, versions released since
 * the last build) and after a swap (the replaced version, unless a server still reads it).
 * @returns the versions removed.
 */
export async function removeOtherVersions(dir: string, keep: string | undefined): Promise<string[]> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const leased = await leasedVersions(dir);
  const stale = entries.filter((e) => VERSION_DIR.test(e) && e !== keep && !leased.has(e));
  await Promise.all(stale.map((e) => fs.rm(path.join(dir, e), { recursive: true, force: true })));
  await removeStaleTemps(dir);
  return stale;
}

/** Versions of the catalog in `dir` that a live process holds a lease on; leases of dead processes are removed. */
export async function leasedVersions(dir: string): Promise<Set<string>> {
  const leasesDir = path.join(dir, LEASES_DIR);
  const names = await fs.readdir(leasesDir).catch(() => [] as string[]);
  const leased = new Set<string>();
  for (const name of names) {
    const m = LEASE_FILE.exec(name);
    if (m && alive(Number(m[2]))) leased.add(m[1]);
    else await fs.rm(path.join(leasesDir, name), { force: true });
  }
  return leased;
}

/**
 * Opens the live version of the catalog in `dir` under a lease: reads CURRENT, writes a lease on that version,
 * then reads CURRENT again. A build removes old versions only after its swap, so if CURRENT did not move in
 * between, any later cleanup sees the lease; if it moved, the lease is dropped and the new version leased instead.
 * @returns the version directory and a synchronous release (safe to call more than once).
 */
export async function leaseCurrentVersion(homeDir: string, name: string): Promise<{ dir: string; version: string; release: () => void }> {
  const dir = catalogDir(homeDir, name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const { version } = await currentVersionDir(homeDir, name);
    const file = path.join(dir, LEASES_DIR, `${version}.${process.pid}.${randomBytes(4).toString("hex")}`);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, "");
    } catch (e) {
      // A home this process may not write (read-only mount, another user's) is read without a lease: whoever can
      // rebuild it is not protected from deleting this version, but reading it must not fail for that.
      if (!["EACCES", "EPERM", "EROFS"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
      return { ...(await currentVersionDir(homeDir, name)), release: () => {} };
    }
    const release = () => rmSync(file, { force: true });
    if ((await readCurrent(dir)) === version) return { ...(await currentVersionDir(homeDir, name)), release };
    release();
  }
  throw new DataError(`catalog "${name}" changed version five times while being opened; retry when its rebuild is done`, { path: dir });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the build lock of a catalog directory (`.lock` holding our pid), so two builds never delete each
 * other's version directories. A lock left by a dead process (kill -9) is taken over.
 * @returns a function that releases the lock.
 */
export async function acquireBuildLock(dir: string): Promise<() => Promise<void>> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await fs.open(file, "wx");
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      return () => fs.rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number.parseInt(await fs.readFile(file, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && (pid === process.pid || alive(pid))) {
        throw new InputError(`another build of catalog "${path.basename(dir)}" is running (pid ${pid}); wait for it, or remove ${file} if that process is not askmusic`);
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new InputError(`could not take the build lock ${file}; remove it and retry`);
}

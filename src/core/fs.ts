/**
 * @file Atomic file and directory writes: temp + rename, so a failure never leaves a half-written file behind.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

function tempSibling(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes `data` to `file` atomically (write temp in the same directory, fsync, rename).
 * @param mode [mode=0o666 less the umask] pass 0o600 for personal data.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = tempSibling(file);
  try {
    const handle = await fs.open(tmp, "w", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Builds a directory atomically: `build` fills a fresh temp directory; on success it replaces `target`
 * (the old one is moved aside, then removed); on failure the temp directory is removed and `target` is untouched.
 */
export async function buildDirAtomic<T>(target: string, build: (tmpDir: string) => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  await fs.mkdir(tmp, { recursive: true });
  let result: T;
  try {
    result = await build(tmp);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = `${tmp}.old`;
  const hadOld = await fs.rename(target, old).then(() => true, (e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return false;
    throw e;
  });
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    if (hadOld) await fs.rename(old, target);
    throw err;
  }
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
  return result;
}

/** Removes stale temp siblings left by a killed process (names start with "." and end in ".tmp" / ".tmp.old"). */
export async function removeStaleTemps(dir: string): Promise<void> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => e.startsWith(".") && (e.endsWith(".tmp") || e.endsWith(".tmp.old")))
      .map((e) => fs.rm(path.join(dir, e), { recursive: true, force: true })),
  );
}

/**
 * @file Test helpers for the datasets layer: a throw-away data mirror with a correct SHA256SUMS, and real-data paths.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveConfig, type Config } from "../config.js";
import type { JamendoTrack } from "./types.js";

/** A temporary mirror (`dataDir`) plus an empty `homeDir`; call `cleanup()` in `afterEach`. */
export interface TempMirror {
  readonly root: string;
  readonly config: Config;
  cleanup(): Promise<void>;
}

/**
 * Writes `files` (mirror-relative path → content) into a fresh temp mirror with a matching SHA256SUMS.
 * `unlisted` files are written but left out of SHA256SUMS; `listedOnly` are listed (with the given content's
 * hash) but not written, to simulate a missing file.
 */
export async function makeMirror(
  files: Record<string, string | Uint8Array>,
  options: { listedOnly?: Record<string, string | Uint8Array>; download?: "auto" | "never" } = {},
): Promise<TempMirror> {
  const root = mkdtempSync(path.join(os.tmpdir(), "askmusic-datasets-"));
  const dataDir = path.join(root, "data");
  const lines: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dataDir, rel)), { recursive: true });
    await fs.writeFile(path.join(dataDir, rel), content);
    lines.push(`${sha256(content)}  ./${rel}`);
  }
  for (const [rel, content] of Object.entries(options.listedOnly ?? {})) lines.push(`${sha256(content)}  ./${rel}`);
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, "SHA256SUMS"), lines.join("\n") + "\n");
  const config = resolveConfig({
    ASKMUSIC_DATA: dataDir,
    ASKMUSIC_HOME: path.join(root, "home"),
    ASKMUSIC_BENCHMARKS: path.join(root, "benchmarks"),
    ASKMUSIC_DOWNLOAD: options.download ?? "never",
  });
  return { root, config, cleanup: () => fs.rm(root, { recursive: true, force: true }) };
}

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Writes one file into a fresh temp dir; returns its path and a cleanup. */
export async function tempFile(name: string, content: string | Uint8Array): Promise<{ file: string; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "askmusic-file-"));
  const file = path.join(dir, name);
  await fs.writeFile(file, content);
  return { file, dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Where the real data and benchmarks are for tests: `ASKMUSIC_DATA` / `ASKMUSIC_BENCHMARKS` when set, else the
 * project's defaults (`../shared/...` beside the checkout), never a path of one particular machine.
 */
export function realDataDirs(): { data: string; benchmarks: string } {
  const env = process.env; // tests are an edge: the only place below the CLI that reads the environment
  const c = resolveConfig({ ASKMUSIC_DATA: env.ASKMUSIC_DATA, ASKMUSIC_BENCHMARKS: env.ASKMUSIC_BENCHMARKS });
  return { data: c.dataDir, benchmarks: c.benchmarksDir };
}

/**
 * The real data, as CI has it. A fresh temp homeDir is used so tests never touch the developer's cache;
 * the caller removes it with `cleanup()`.
 */
export function realDataConfig(): { config: Config; cleanup(): Promise<void> } {
  const home = mkdtempSync(path.join(os.tmpdir(), "askmusic-home-"));
  const dirs = realDataDirs();
  const config = resolveConfig({ ASKMUSIC_DATA: dirs.data, ASKMUSIC_BENCHMARKS: dirs.benchmarks, ASKMUSIC_HOME: home, ASKMUSIC_DOWNLOAD: "never" });
  return { config, cleanup: () => fs.rm(home, { recursive: true, force: true }) };
}

/**
 * A minimal Jamendo track for tests: id `track_000000<id>`, the given tags (missing groups empty), and a title and
 * artist name when given.
 * @example jamendoTrack(1, { genre: ["rock"] }, "Song A", "X").id // "track_0000001"
 */
export function jamendoTrack(id: number, tags: Partial<JamendoTrack["tags"]>, title?: string, artistName?: string): JamendoTrack {
  return {
    id: `track_${String(id).padStart(7, "0")}`,
    jamendoId: id,
    artistId: "artist_000001",
    albumId: "album_000001",
    durationSec: 100,
    path: `00/${id}.mp3`,
    tags: { genre: tags.genre ?? [], instrument: tags.instrument ?? [], mood: tags.mood ?? [] },
    ...(title !== undefined ? { title } : {}),
    ...(artistName !== undefined ? { artistName } : {}),
  };
}

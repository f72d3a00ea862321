/**
 * @file Long-term taste for `--user`: Last.fm users' collaborative-filtering vectors (truncated SVD of log plays),
 * computed once and cached in the workspace, scored as cosine(user, artist).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";
import { writeFileAtomic } from "../core/fs.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { resolveDataFile } from "../datasets/mirror.js";
import { loadLastfm } from "../datasets/lastfm/index.js";
import { InputError, NotFoundError } from "../errors.js";
import { cfEmbeddings } from "../representations/cf.js";
import type { Catalog } from "../store/catalog.js";
import type { TasteSource } from "./catalog-ranker.js";

/** CF dimensions and seed of the taste vectors (the benchmark's shared features use k=64 too). */
const CF_DIMS = 64;
const CF_SEED = 0;

/** User and artist CF vectors with their id maps. */
interface CfModel {
  readonly users: readonly string[];
  readonly items: readonly string[];
  readonly userVectors: Matrix;
  readonly itemVectors: Matrix;
}

function unitRows(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, new Float32Array(m.data));
  for (let i = 0; i < m.rows; i++) {
    const r = out.data.subarray(i * m.cols, (i + 1) * m.cols);
    const n = Math.max(Math.hypot(...r), 1e-10);
    for (let j = 0; j < r.length; j++) r[j] /= n;
  }
  return out;
}

/** Cosine of a Last.fm user's CF vector with each artist's. */
export class CfTaste implements TasteSource {
  private readonly userRow: Map<string, number>;
  private readonly itemRow: Map<string, number>;
  private readonly users: Matrix;
  private readonly items: Matrix;

  constructor(model: CfModel) {
    this.userRow = new Map(model.users.map((u, i) => [u, i]));
    this.itemRow = new Map(model.items.map((a, i) => [a, i]));
    this.users = unitRows(model.userVectors);
    this.items = unitRows(model.itemVectors);
  }

  async affinities(userId: string, itemIds: readonly string[]): Promise<Float32Array> {
    const u = this.userRow.get(userId);
    if (u === undefined) throw new NotFoundError("user", userId, [...this.userRow.keys()]);
    const d = this.users.cols;
    const uv = this.users.data.subarray(u * d, (u + 1) * d);
    return Float32Array.from(itemIds, (id) => {
      const r = this.itemRow.get(id);
      if (r === undefined) return 0;
      let s = 0;
      for (let j = 0; j < d; j++) s += uv[j] * this.items.data[r * d + j];
      return s;
    });
  }
}

/** Builds (or reads from the workspace cache) the Last.fm CF model. The cache key is the plays file's checksum. */
export async function lastfmCfModel(config: Config): Promise<CfModel> {
  const playsFile = await resolveDataFile(config, "lastfm-2k/user_artists.dat");
  const stat = await fs.stat(playsFile);
  const dir = path.join(config.homeDir, "cache", "taste");
  const key = `lastfm-2k-cf${CF_DIMS}-s${CF_SEED}-${stat.size}-${Math.floor(stat.mtimeMs)}`;
  const metaFile = path.join(dir, `${key}.json`);
  const dataFile = path.join(dir, `${key}.f32`);
  try {
    const meta = JSON.parse(await fs.readFile(metaFile, "utf8")) as { users: string[]; items: string[] };
    const buf = await fs.readFile(dataFile);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const nu = meta.users.length * CF_DIMS;
    if (all.length === nu + meta.items.length * CF_DIMS) {
      return {
        users: meta.users,
        items: meta.items,
        userVectors: matrix(meta.users.length, CF_DIMS, all.slice(0, nu)),
        itemVectors: matrix(meta.items.length, CF_DIMS, all.slice(nu)),
      };
    }
  } catch {
    // No cache yet (or an unreadable one): rebuild below.
  }
  const data = await loadLastfm(config);
  const userIndex = new Map(data.users.map((u, i) => [u, i]));
  const itemIndex = new Map(data.artists.map((a, i) => [a.id, i]));
  const entries = data.plays.flatMap((p) => {
    const row = userIndex.get(p.user);
    const col = itemIndex.get(p.artist);
    return row === undefined || col === undefined ? [] : [{ row, col, value: Math.log1p(p.plays) }];
  });
  const cf = cfEmbeddings(entries, data.users.length, data.artists.length, CF_DIMS, { seed: CF_SEED });
  const model: CfModel = {
    users: data.users.map(String),
    items: data.artists.map((a) => String(a.id)),
    userVectors: cf.rows,
    itemVectors: cf.cols,
  };
  const blob = new Float32Array(cf.rows.data.length + cf.cols.data.length);
  blob.set(cf.rows.data, 0);
  blob.set(cf.cols.data, cf.rows.data.length);
  // Data first, then the metadata that makes it valid: a crash in between leaves no readable half-cache.
  await writeFileAtomic(dataFile, new Uint8Array(blob.buffer));
  await writeFileAtomic(metaFile, JSON.stringify({ users: model.users, items: model.items }));
  return model;
}

/** The taste source of a catalog, or a clear error when the catalog has no listening histories. */
export async function openTasteSource(config: Config, catalog: Catalog): Promise<TasteSource> {
  if (catalog.name === "lastfm-2k") return new CfTaste(await lastfmCfModel(config));
  throw new InputError(
    `catalog "${catalog.name}" has no listening histories: --user works with --catalog lastfm-2k (Last.fm user ids)`,
    { field: "user" },
  );
}

/**
 * A TasteSource opened on its first use, so a request whose user the model knows itself never pays for loading (or
 * first computing) the catalog's listening histories.
 * @example const taste = lazyTasteSource(() => openTasteSource(config, catalog)); // nothing read yet
 */
export function lazyTasteSource(open: () => Promise<TasteSource>): TasteSource {
  let source: Promise<TasteSource> | undefined;
  return { affinities: async (userId, itemIds) => (await (source ??= open())).affinities(userId, itemIds) };
}

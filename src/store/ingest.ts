/**
 * @file Builds the product catalogs (`jamendo`: tracks; `lastfm-2k`: artists) from the public datasets into LanceDB.
 */
import type { Config } from "../config.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { jamendoTrackUrl, loadJamendo } from "../datasets/jamendo/index.js";
import { loadLastfm } from "../datasets/lastfm/index.js";
import type { JamendoTrack, LastfmDataset, Progress } from "../datasets/types.js";
import { buildJamendoFeatures } from "../representations/jamendo-features.js";
import { tagDisplay } from "../representations/jamendo-text.js";
import { NotFoundError } from "../errors.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { CatalogBatch, CatalogInfo, CatalogItem } from "./catalog.js";
import { acquireBuildLock, buildCatalog, catalogDir } from "./lancedb/index.js";

/** The catalogs `askmusic ingest` can build. */
export const INGEST_SOURCES = ["jamendo", "lastfm-2k"] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** Options of {@link ingestCatalog}. */
export interface IngestOptions {
  /** Encodes item texts; its id is recorded in the catalog (queries must use the same encoder). */
  readonly encoder: TextEncoder;
  readonly progress?: Progress;
  /** [batchSize=5000] rows per write: bounds the extra memory of the Arrow copies. */
  readonly batchSize?: number;
}

/** Tags per Last.fm artist kept in the catalog: the most frequently assigned ones. */
const LASTFM_TOP_TAGS = 10;

/**
 * Loads a dataset, encodes it, and builds catalog `name` under `<homeDir>/catalogs/<name>/` atomically
 * (the previous version stays live until the new one is verified).
 * @throws NotFoundError for an unknown source (listing the known ones); DataError for missing/corrupt data.
 * @example
 * await ingestCatalog(config, "jamendo", { encoder: defaultTextEncoder(config), progress: progressPrinter() });
 * // { name: "jamendo", count: 55701, vectorColumns: { tagtext: 512, name: 512, cotag: 32 }, ... }
 */
export async function ingestCatalog(config: Config, name: string, options: IngestOptions): Promise<CatalogInfo> {
  if (!(INGEST_SOURCES as readonly string[]).includes(name)) throw new NotFoundError("catalog source", name, INGEST_SOURCES);
  const source = name as IngestSource;
  // Taken before the seconds of loading and encoding: a second concurrent ingest fails at once.
  const release = await acquireBuildLock(catalogDir(config.homeDir, name));
  try {
    return await (source === "jamendo" ? ingestJamendo(config, options) : ingestLastfm(config, options));
  } finally {
    await release();
  }
}

/** Row views [lo, hi) of each matrix (no copy). */
function sliceRows(ms: Readonly<Record<string, Matrix>>, lo: number, hi: number): Record<string, Matrix> {
  return Object.fromEntries(Object.entries(ms).map(([c, m]) => [c, matrix(hi - lo, m.cols, m.data.subarray(lo * m.cols, hi * m.cols))]));
}

function* batches(items: readonly CatalogItem[], vectors: Readonly<Record<string, Matrix>>, size: number): Generator<CatalogBatch> {
  for (let lo = 0; lo < items.length; lo += size) {
    const hi = Math.min(items.length, lo + size);
    yield { items: items.slice(lo, hi), vectors: sliceRows(vectors, lo, hi) };
  }
}

/** Bare tags of a track (genre, instrument, mood), deduplicated, as the dataset writes them ("hiphop"). */
export function jamendoTags(track: JamendoTrack): string[] {
  return [...new Set([...track.tags.genre, ...track.tags.instrument, ...track.tags.mood])];
}

/**
 * A track's full-text field in the catalog: its name, its tag phrase and the dataset's compound tag spellings
 * ("hiphop", next to the phrase's "hip hop"), ". "-joined, empty parts skipped.
 * @example jamendoSearchText("Song A by X", "hip hop; guitar", ["hiphop", "guitar"]) // "Song A by X. hip hop; guitar. hiphop"
 */
export function jamendoSearchText(name: string, tagPhrase: string, tags: readonly string[]): string {
  const compound = tags.filter((tag) => tagDisplay(tag) !== tag);
  return [name, tagPhrase, compound.join(" ")].filter((s) => s !== "").join(". ");
}

async function ingestJamendo(config: Config, { encoder, progress, batchSize = 5000 }: IngestOptions): Promise<CatalogInfo> {
  progress?.("jamendo: loading tracks", 0, 1);
  const tracks = await loadJamendo(config, progress);
  progress?.("jamendo: loading tracks", 1, 1);
  const f = await buildJamendoFeatures(tracks, encoder, progress);
  const items = tracks.map((t, i): CatalogItem => {
    const tags = jamendoTags(t);
    return {
      id: t.id,
      name: f.texts.name[i] || t.id,
      ...(t.title ? { title: t.title } : {}),
      ...(t.artistName ? { artist: t.artistName } : {}),
      tags,
      url: jamendoTrackUrl(t),
      popularity: t.stats?.listens ?? 0,
      text: jamendoSearchText(f.texts.name[i], f.texts.tags[i], tags),
    };
  });
  const vectors = { tagtext: f.features.tagtext, name: f.features.name, cotag: f.features.cotag };
  return buildCatalog(
    config.homeDir,
    "jamendo",
    { encoderId: encoder.id, defaultVectorColumn: "tagtext", batches: batches(items, vectors, batchSize) },
    { progress, expectedCount: items.length, lockHeld: true },
  );
}

/**
 * Last.fm artists as catalog items: tags = the artist's most frequently assigned tags (fine for the product
 * catalog; benchmark models must never read them), popularity = total plays.
 */
export function lastfmItems(lfm: LastfmDataset): CatalogItem[] {
  const tagText = new Map(lfm.tags.map((t) => [t.id, t.text]));
  const tagCounts = new Map<number, Map<number, number>>();
  for (const a of lfm.tagAssignments) {
    let m = tagCounts.get(a.artist);
    if (!m) tagCounts.set(a.artist, (m = new Map()));
    m.set(a.tag, (m.get(a.tag) ?? 0) + 1);
  }
  const plays = new Map<number, number>();
  for (const p of lfm.plays) plays.set(p.artist, (plays.get(p.artist) ?? 0) + p.plays);
  return lfm.artists.map((a) => {
    const counts = [...(tagCounts.get(a.id) ?? new Map<number, number>())];
    counts.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const tags = [...new Set(counts.slice(0, LASTFM_TOP_TAGS).map(([t]) => (tagText.get(t) ?? "").trim()).filter((t) => t !== ""))];
    return { id: String(a.id), name: a.name, artist: a.name, tags, url: a.url, popularity: plays.get(a.id) ?? 0, text: [a.name, ...tags].join(" ") };
  });
}

/** The text whose USE vector represents a Last.fm artist: "name: tag, tag, ...". */
export function lastfmVectorText(item: CatalogItem): string {
  return item.tags.length > 0 ? `${item.name}: ${item.tags.join(", ")}` : item.name;
}

async function ingestLastfm(config: Config, { encoder, progress, batchSize = 5000 }: IngestOptions): Promise<CatalogInfo> {
  progress?.("lastfm-2k: loading", 0, 1);
  const lfm = await loadLastfm(config);
  progress?.("lastfm-2k: loading", 1, 1);
  const items = lastfmItems(lfm);
  progress?.("lastfm-2k: encoding artists", 0, items.length);
  const tagtext = await encoder.encode(items.map(lastfmVectorText));
  progress?.("lastfm-2k: encoding artists", items.length, items.length);
  return buildCatalog(
    config.homeDir,
    "lastfm-2k",
    { encoderId: encoder.id, defaultVectorColumn: "tagtext", batches: batches(items, { tagtext }, batchSize) },
    { progress, expectedCount: items.length, lockHeld: true },
  );
}

/**
 * @file The catalog port that ranking needs (vector search with filters, full-text search, lookup by id), with
 * the filter semantics every implementation shares. No LanceDB or Arrow types here.
 *
 * Beyond the first sketch of this port: `info()` (encoder id, vector sizes, default column, version),
 * `vectors(column)` (every item's vector, for models that score the whole catalog), `exact` on vector search,
 * all-zero vectors never returned, `get` keeps the asked order, and the build input types (`CatalogBatch`).
 */
import type { Matrix } from "../core/matrix.js";
import { InputError, NotFoundError } from "../errors.js";

/** One item of a catalog (a track, or an artist for artist catalogs). */
export interface CatalogItem {
  /** External id ("track_0000948", or a Last.fm artist id as a string). Unique within a catalog. */
  readonly id: string;
  /** Display name ("Title — Artist", an artist name, or the id when nothing better is known). */
  readonly name: string;
  readonly title?: string;
  readonly artist?: string;
  /** Tags as stored (original case). Filters compare them case-insensitively. */
  readonly tags: readonly string[];
  /** A page where the item can be listened to. */
  readonly url?: string;
  /** Higher = more popular (listens, plays); 0 when unknown. */
  readonly popularity: number;
  /** What full-text search indexes (name, artist, tags, ...). */
  readonly text: string;
}

/**
 * Hard constraints on results. Every implementation applies them exactly (never approximately):
 * a result that violates one is a bug. Tags and artists compare case-insensitively after trimming.
 */
export interface CatalogFilter {
  /** The item must carry at least one of these tags. Empty or absent: no constraint. */
  readonly includeTags?: readonly string[];
  /** The item must carry none of these tags. */
  readonly excludeTags?: readonly string[];
  /** The item's artist must not be one of these. Items without an artist pass. */
  readonly excludeArtists?: readonly string[];
  /** Exact ids to leave out (seen items, items already shown in a conversation). */
  readonly excludeIds?: readonly string[];
  /** `popularity >= minPopularity`. */
  readonly minPopularity?: number;
}

/** What a built catalog records about itself (LanceDB: `manifest.json` of the current version). */
export interface CatalogInfo {
  readonly name: string;
  /** The build that is live, e.g. "v-1763862793000-3fa2b1c4" ("memory" for in-memory catalogs). */
  readonly version: string;
  readonly count: number;
  /** The encoder that produced the text vectors; queries must be encoded with the same one. */
  readonly encoderId: string;
  /** Vector column name → dimensions, e.g. { tagtext: 512, name: 512, cotag: 64 }. */
  readonly vectorColumns: Readonly<Record<string, number>>;
  /** The column a request vector should be searched against when the caller has no preference. */
  readonly defaultVectorColumn: string;
  /** ISO time of the build. */
  readonly builtAt: string;
}

/** Options of {@link Catalog.vectorSearch}. */
export interface VectorSearchOptions {
  /** A vector column of {@link CatalogInfo.vectorColumns}. */
  readonly column: string;
  /** Maximum results (>= 1). Fewer come back only when fewer items pass the filter. */
  readonly k: number;
  readonly filter?: CatalogFilter;
  /** [exact=false] Scan every row even where an ANN index exists: slower, for checks and benchmarks. */
  readonly exact?: boolean;
}

/** Options of {@link Catalog.textSearch}. */
export interface TextSearchOptions {
  /** Maximum results (>= 1). */
  readonly k: number;
  readonly filter?: CatalogFilter;
}

/**
 * A searchable catalog. Implementations: `store/lancedb` (the product), `store/memory` (tests of upper layers).
 *
 * @example
 * const hits = await catalog.vectorSearch(queryVector, { column: "tagtext", k: 10, filter: { excludeArtists: ["Muse"] } });
 * hits[0] // { item: { id: "track_0000948", name: "...", ... }, distance: 0.31 }
 */
export interface Catalog {
  readonly name: string;
  info(): CatalogInfo;
  count(): Promise<number>;
  /** Items with these ids, in the order asked; unknown ids are left out (compare lengths to detect them). */
  get(ids: readonly string[]): Promise<CatalogItem[]>;
  /**
   * Nearest items by cosine distance (1 - cos, in [0, 2]), ascending, exact with respect to the filter.
   * Items whose vector in `column` is all zeros (no signal in that modality) are never returned.
   * Throws NotFoundError for an unknown column and InputError for a vector of the wrong size.
   */
  vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<{ item: CatalogItem; distance: number }[]>;
  /** BM25 full-text search over `text`, best first (higher score = better). A blank query returns []. */
  textSearch(query: string, opts: TextSearchOptions): Promise<{ item: CatalogItem; score: number }[]>;
  /** Names of the vector columns (keys of `info().vectorColumns`). */
  vectorColumns(): string[];
  /** Every item, in storage order. */
  allItems(): Promise<CatalogItem[]>;
  /** Every item's vector of one column: `matrix` rows follow `ids` (rows = items, cols = dims). */
  vectors(column: string): Promise<{ ids: string[]; matrix: Matrix }>;
  close(): void;
}

/** One batch of a catalog build: items and, per vector column, a matrix with one row per item (same order). */
export interface CatalogBatch {
  readonly items: readonly CatalogItem[];
  readonly vectors: Readonly<Record<string, Matrix>>;
}

/** Everything a catalog build needs. Batches keep peak memory bounded: they are consumed one at a time. */
export interface CatalogBuildInput {
  readonly encoderId: string;
  /** [defaultVectorColumn=the first column of the first batch] */
  readonly defaultVectorColumn?: string;
  readonly batches: Iterable<CatalogBatch> | AsyncIterable<CatalogBatch>;
}

/** Lower-cased, trimmed form used for tag and artist comparisons in every implementation. */
export function filterKey(s: string): string {
  return s.trim().toLowerCase();
}

/** A filter with keys normalized and empty lists dropped; `undefined` when nothing constrains. */
export interface NormalizedFilter {
  readonly includeTags?: ReadonlySet<string>;
  readonly excludeTags?: ReadonlySet<string>;
  readonly excludeArtists?: ReadonlySet<string>;
  readonly excludeIds?: ReadonlySet<string>;
  readonly minPopularity?: number;
}

/** Normalizes a filter once per query (keys lower-cased, empty lists dropped). */
export function normalizeFilter(filter: CatalogFilter | undefined): NormalizedFilter | undefined {
  if (!filter) return undefined;
  const set = (xs: readonly string[] | undefined, key: (s: string) => string) => {
    const s = new Set((xs ?? []).map(key).filter((x) => x.length > 0));
    return s.size > 0 ? s : undefined;
  };
  const out: NormalizedFilter = {
    includeTags: set(filter.includeTags, filterKey),
    excludeTags: set(filter.excludeTags, filterKey),
    excludeArtists: set(filter.excludeArtists, filterKey),
    excludeIds: set(filter.excludeIds, (s) => s),
    minPopularity: filter.minPopularity !== undefined && Number.isFinite(filter.minPopularity) ? filter.minPopularity : undefined,
  };
  return Object.values(out).some((v) => v !== undefined) ? out : undefined;
}

/**
 * The reference semantics of {@link CatalogFilter}: true when `item` passes. Implementations that translate
 * filters (LanceDB → SQL) are tested against this.
 * @example matchesFilter({ ...item, tags: ["Rock"] }, normalizeFilter({ includeTags: ["rock"] })) // true
 */
export function matchesFilter(item: CatalogItem, filter: NormalizedFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.excludeIds?.has(item.id)) return false;
  if (filter.minPopularity !== undefined && !(item.popularity >= filter.minPopularity)) return false;
  if (filter.excludeArtists && item.artist !== undefined && filter.excludeArtists.has(filterKey(item.artist))) return false;
  if (filter.includeTags || filter.excludeTags) {
    const keys = item.tags.map(filterKey);
    if (filter.includeTags && !keys.some((t) => filter.includeTags!.has(t))) return false;
    if (filter.excludeTags && keys.some((t) => filter.excludeTags!.has(t))) return false;
  }
  return true;
}

/** Validates `k` of a search (an integer >= 1). */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be an integer >= 1, got ${k}`, { field: "k" });
}

/** Catalog names double as directory names: letters, digits, ".", "_", "-"; no leading dot. */
export const CATALOG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks that `column` exists and `vector` has its size: NotFoundError / InputError otherwise. */
export function checkVector(info: CatalogInfo, vector: Float32Array, column: string): void {
  const dims = Object.hasOwn(info.vectorColumns, column) ? info.vectorColumns[column] : undefined;
  if (dims === undefined) throw new NotFoundError(`vector column of catalog "${info.name}"`, column, Object.keys(info.vectorColumns));
  if (vector.length !== dims) {
    throw new InputError(`query vector has ${vector.length} values but column "${column}" of catalog "${info.name}" has ${dims}; encode the query with ${info.encoderId}`, { field: "vector" });
  }
}

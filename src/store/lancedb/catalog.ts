/**
 * @file The LanceDB Catalog: opens the live version of `<home>/catalogs/<name>/` and answers vector, full-text
 * and id queries. Only this folder sees LanceDB and Arrow types.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as lancedb from "@lancedb/lancedb";
import type * as arrow from "apache-arrow";
import { matrix, type Matrix } from "../../core/matrix.js";
import { DataError } from "../../errors.js";
import {
  checkK,
  checkVector,
  normalizeFilter,
  type Catalog,
  type CatalogInfo,
  type CatalogItem,
  type TextSearchOptions,
  type VectorSearchOptions,
} from "../catalog.js";
import { filterToSql, sqlString } from "./filter.js";
import { leaseCurrentVersion, MANIFEST_FILE, TABLE_NAME } from "./layout.js";
import { COL, ITEM_COLUMNS, rowToItem, vectorColumn } from "./schema.js";

/** The manifest of a version directory: the public CatalogInfo plus how vectors are indexed. */
export interface LanceManifest extends CatalogInfo {
  readonly format: 1;
  /** "none": exact flat scan; "ivf-flat": IVF partitions over raw vectors, searched with `nprobes`. */
  readonly vectorIndex: { readonly type: "none" | "ivf-flat"; readonly partitions: number; readonly nprobes: number };
}

/** Reads and checks `manifest.json` of a version directory. */
export async function readManifest(versionDir: string): Promise<LanceManifest> {
  const file = path.join(versionDir, MANIFEST_FILE);
  let m: LanceManifest;
  try {
    m = JSON.parse(await fs.readFile(file, "utf8")) as LanceManifest;
  } catch (e) {
    throw new DataError(`cannot read catalog manifest ${file}: ${(e as Error).message}; rebuild the catalog with \`askmusic ingest\``, { path: file, cause: e });
  }
  if (m?.format !== 1 || typeof m.vectorColumns !== "object" || !m.vectorIndex) {
    throw new DataError(`catalog manifest ${file} has an unknown format; rebuild the catalog with \`askmusic ingest\``, { path: file });
  }
  return m;
}

/** Options of {@link LanceCatalog.open}. */
export interface OpenOptions {
  /** [nprobes=as built] IVF partitions probed per query (more = higher recall, slower). Ignored without an index. */
  readonly nprobes?: number;
}

/** Ids per `IN (...)` list: keeps each SQL predicate small. */
const GET_CHUNK = 500;

/**
 * A Catalog over one LanceDB version directory.
 * @example
 * const c = await LanceCatalog.open(config.homeDir, "jamendo");
 * await c.textSearch("acoustic guitar", { k: 5 }) // [{ item, score }, ...] best first
 * c.close();
 */
export class LanceCatalog implements Catalog {
  readonly name: string;
  /** Drops this process's lease on the version (set by `open`; a directly opened version has none). */
  private releaseLease: () => void = () => {};

  private constructor(
    private readonly db: lancedb.Connection,
    private readonly table: lancedb.Table,
    private readonly manifest: LanceManifest,
  ) {
    this.name = manifest.name;
  }

  /**
   * Opens the live version of catalog `name`: NotFoundError (listing the built ones) when it does not exist.
   * @param options.nprobes [the build's choice, 16] IVF partitions probed per query: more = higher recall, slower.
   */
  static async open(homeDir: string, name: string, options: OpenOptions = {}): Promise<LanceCatalog> {
    // Leased until close(): a rebuild meanwhile swaps CURRENT but leaves this version on disk.
    const { dir, release } = await leaseCurrentVersion(homeDir, name);
    try {
      const catalog = await LanceCatalog.openVersionDir(dir, options);
      catalog.releaseLease = release;
      return catalog;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Opens one version directory directly (used by the builder to verify a build before swapping it in). */
  static async openVersionDir(versionDir: string, options: OpenOptions = {}): Promise<LanceCatalog> {
    let manifest = await readManifest(versionDir);
    if (options.nprobes !== undefined && manifest.vectorIndex.type !== "none") {
      const nprobes = Math.max(1, Math.min(manifest.vectorIndex.partitions, Math.round(options.nprobes)));
      manifest = { ...manifest, vectorIndex: { ...manifest.vectorIndex, nprobes } };
    }
    const db = await lancedb.connect(versionDir);
    try {
      const table = await db.openTable(TABLE_NAME);
      return new LanceCatalog(db, table, manifest);
    } catch (e) {
      db.close();
      throw new DataError(`cannot open the catalog table in ${versionDir}: ${(e as Error).message}; rebuild the catalog with \`askmusic ingest\``, { path: versionDir, cause: e });
    }
  }

  info(): CatalogInfo {
    const { format: _f, vectorIndex: _v, ...info } = this.manifest;
    return info;
  }

  /** How vectors are indexed in this version (for reports and benchmarks). */
  vectorIndex(): LanceManifest["vectorIndex"] {
    return this.manifest.vectorIndex;
  }

  count(): Promise<number> {
    return this.table.countRows();
  }

  async get(ids: readonly string[]): Promise<CatalogItem[]> {
    const found = new Map<string, CatalogItem>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += GET_CHUNK) {
      const chunk = unique.slice(i, i + GET_CHUNK);
      const rows = await this.table.query().where(`${COL.id} IN (${chunk.map(sqlString).join(", ")})`).select(ITEM_COLUMNS).toArray();
      for (const r of rows) found.set(String(r[COL.id]), rowToItem(r));
    }
    return ids.flatMap((id) => {
      const it = found.get(id);
      return it ? [it] : [];
    });
  }

  async vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<{ item: CatalogItem; distance: number }[]> {
    checkK(opts.k);
    checkVector(this.manifest, vector, opts.column);
    const where = filterToSql(normalizeFilter(opts.filter));
    const ann = this.manifest.vectorIndex.type !== "none" && opts.exact !== true;
    const run = async (exact: boolean) => {
      // _distance is selected explicitly: LanceDB warns on every query otherwise.
      let q = this.table.vectorSearch(vector).column(vectorColumn(opts.column)).distanceType("cosine").select([...ITEM_COLUMNS, "_distance"]).limit(opts.k);
      if (where) q = q.where(where);
      q = exact ? q.bypassVectorIndex() : q.nprobes(this.manifest.vectorIndex.nprobes);
      return q.toArray();
    };
    let rows = await run(!ann);
    // IVF with a selective prefilter can come back short: fall back to the exact scan so "fewer than k" always
    // means "fewer than k items pass the filter".
    if (ann && rows.length < opts.k) rows = await run(true);
    return rows.map((r) => ({ item: rowToItem(r), distance: Math.min(2, Math.max(0, Number(r._distance))) }));
  }

  async textSearch(query: string, opts: TextSearchOptions): Promise<{ item: CatalogItem; score: number }[]> {
    checkK(opts.k);
    if (query.trim().length === 0) return [];
    const where = filterToSql(normalizeFilter(opts.filter));
    let q = this.table.query().fullTextSearch(query, { columns: COL.text }).select([...ITEM_COLUMNS, "_score"]).limit(opts.k);
    if (where) q = q.where(where);
    const rows = await q.toArray();
    return rows.map((r) => ({ item: rowToItem(r), score: Number(r._score) }));
  }

  vectorColumns(): string[] {
    return Object.keys(this.manifest.vectorColumns);
  }

  async allItems(): Promise<CatalogItem[]> {
    const rows = await this.table.query().select(ITEM_COLUMNS).toArray();
    return rows.map(rowToItem);
  }

  async vectors(column: string): Promise<{ ids: string[]; matrix: Matrix }> {
    const dims = this.manifest.vectorColumns[column];
    checkVector(this.manifest, new Float32Array(dims ?? 0), column);
    const t: arrow.Table = await this.table.query().select([COL.id, vectorColumn(column)]).toArrow();
    const out = matrix(t.numRows, dims);
    const ids: string[] = [];
    for (const v of t.getChild(COL.id)!) ids.push(String(v));
    let row = 0;
    for (const d of t.getChild(vectorColumn(column))!.data) {
      // FixedSizeList chunk: its child holds length*dims floats starting at (chunk offset)*dims + child offset.
      const child = d.children[0];
      const start = child.offset + d.offset * dims;
      out.data.set((child.values as Float32Array).subarray(start, start + d.length * dims), row * dims);
      row += d.length;
    }
    return { ids, matrix: out };
  }

  close(): void {
    this.table.close();
    this.db.close();
    this.releaseLease();
  }
}

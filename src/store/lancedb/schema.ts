/**
 * @file The Arrow table layout of a LanceDB catalog: column names, CatalogBatch → RecordBatch, rows → CatalogItem.
 */
import * as arrow from "apache-arrow";
import type { Matrix } from "../../core/matrix.js";
import { filterKey, type CatalogBatch, type CatalogItem } from "../catalog.js";
import { InputError } from "../../errors.js";

/** Scalar column names. Vector columns are `vec_<modality>` so a modality called "name" cannot clash with `name`. */
export const COL = {
  id: "id",
  name: "name",
  title: "title",
  artist: "artist",
  /** filterKey(artist): what excludeArtists compares against (btree-indexed). */
  artistKey: "artist_key",
  tags: "tags",
  /** filterKey of each tag: what include/excludeTags compare against (label-list-indexed). */
  tagKeys: "tag_keys",
  url: "url",
  popularity: "popularity",
  text: "text",
} as const;

/** The scalar columns a query selects to rebuild a CatalogItem. */
export const ITEM_COLUMNS = [COL.id, COL.name, COL.title, COL.artist, COL.tags, COL.url, COL.popularity, COL.text];

/** Storage column of a vector modality. */
export function vectorColumn(modality: string): string {
  return `vec_${modality}`;
}

const utf8List = () => new arrow.List(new arrow.Field("item", new arrow.Utf8(), true));
const vecType = (dims: number) => new arrow.FixedSizeList(dims, new arrow.Field("item", new arrow.Float32(), true));

/** The table schema for vector columns `dims` (modality → size). */
export function catalogSchema(dims: Readonly<Record<string, number>>): arrow.Schema {
  return new arrow.Schema([
    new arrow.Field(COL.id, new arrow.Utf8(), false),
    new arrow.Field(COL.name, new arrow.Utf8(), false),
    new arrow.Field(COL.title, new arrow.Utf8(), true),
    new arrow.Field(COL.artist, new arrow.Utf8(), true),
    new arrow.Field(COL.artistKey, new arrow.Utf8(), true),
    new arrow.Field(COL.tags, utf8List(), false),
    new arrow.Field(COL.tagKeys, utf8List(), false),
    new arrow.Field(COL.url, new arrow.Utf8(), true),
    new arrow.Field(COL.popularity, new arrow.Float64(), false),
    new arrow.Field(COL.text, new arrow.Utf8(), false),
    ...Object.entries(dims).map(([m, d]) => new arrow.Field(vectorColumn(m), vecType(d), false)),
  ]);
}

function checkItem(item: CatalogItem, where: string): void {
  if (typeof item.id !== "string" || item.id.length === 0) throw new InputError(`${where}: item id must be a non-empty string`, { field: "id" });
  if (!Array.isArray(item.tags)) throw new InputError(`${where} (${item.id}): tags must be an array`, { field: "tags" });
  if (!Number.isFinite(item.popularity)) throw new InputError(`${where} (${item.id}): popularity must be a finite number, got ${item.popularity}`, { field: "popularity" });
}

/**
 * Converts one build batch into an Arrow table with `schema`. Vector data is wrapped, not copied.
 * Throws InputError when a matrix does not have one row per item or the expected size.
 */
export function batchToArrow(batch: CatalogBatch, dims: Readonly<Record<string, number>>, schema: arrow.Schema, where: string): arrow.Table {
  const n = batch.items.length;
  batch.items.forEach((it) => checkItem(it, where));
  const cols = Object.keys(dims);
  const given = Object.keys(batch.vectors);
  if (given.length !== cols.length || !cols.every((c) => Object.hasOwn(batch.vectors, c))) {
    throw new InputError(`${where}: vector columns [${given.join(", ")}] differ from the first batch's [${cols.join(", ")}]`);
  }
  const strings = (f: (it: CatalogItem) => string | undefined | null) => arrow.vectorFromArray(batch.items.map((it) => f(it) ?? null), new arrow.Utf8()).data[0];
  const lists = (f: (it: CatalogItem) => string[]) => arrow.vectorFromArray(batch.items.map(f), utf8List()).data[0];
  const vectors = cols.map((c) => {
    const m: Matrix = batch.vectors[c];
    if (m.rows !== n || m.cols !== dims[c]) throw new InputError(`${where}: vector column "${c}" is ${m.rows}x${m.cols}, expected ${n}x${dims[c]}`);
    const child = arrow.makeData({ type: new arrow.Float32(), length: n * m.cols, data: m.data });
    return arrow.makeData({ type: vecType(m.cols), length: n, child, nullCount: 0 });
  });
  const children = [
    strings((it) => it.id),
    strings((it) => it.name),
    strings((it) => it.title),
    strings((it) => it.artist),
    strings((it) => (it.artist === undefined ? undefined : filterKey(it.artist))),
    lists((it) => [...it.tags]),
    lists((it) => it.tags.map(filterKey)),
    strings((it) => it.url),
    arrow.vectorFromArray(batch.items.map((it) => it.popularity), new arrow.Float64()).data[0],
    strings((it) => it.text),
    ...vectors,
  ];
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, data)]);
}

/** Rebuilds a CatalogItem from a row of `query().toArray()` (list columns arrive as Arrow vectors). */
export function rowToItem(row: Record<string, unknown>): CatalogItem {
  const opt = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const tags = row[COL.tags] as { toArray(): unknown[] } | unknown[] | null;
  const tagList = tags === null || tags === undefined ? [] : Array.isArray(tags) ? tags : tags.toArray();
  const item: { -readonly [K in keyof CatalogItem]: CatalogItem[K] } = {
    id: String(row[COL.id]),
    name: String(row[COL.name]),
    tags: tagList.map(String),
    popularity: Number(row[COL.popularity]),
    text: String(row[COL.text]),
  };
  const title = opt(row[COL.title]);
  const artist = opt(row[COL.artist]);
  const url = opt(row[COL.url]);
  if (title !== undefined) item.title = title;
  if (artist !== undefined) item.artist = artist;
  if (url !== undefined) item.url = url;
  return item;
}

/**
 * @file The lfm2k-tagq domain: Last.fm-2k artists as items, its users, the benchmark's train/val tag queries,
 * with either the benchmark's frozen shared features or the project's own (same feature keys in both).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Config } from "../config.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { csrFromEntries } from "../core/sparse.js";
import { loadTagQueries, type TagQuery } from "../datasets/benchmarks/index.js";
import { loadLastfm } from "../datasets/lastfm/index.js";
import type { LastfmDataset, Progress } from "../datasets/types.js";
import { DataError } from "../errors.js";
import { cfEmbeddings } from "../representations/cf.js";
import { defaultTextEncoder } from "../representations/default-encoder.js";
import { readNpy } from "../representations/npy.js";
import { cotagEmbeddings, topTagsByCount } from "../representations/tags.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { carveSelectionSet, type SelectionMode } from "./selection.js";
import type { Domain, LabeledQuery } from "./types.js";

/** The benchmark's folder name under `benchmarksDir`. */
export const LFM2K_TAGQ = "lfm2k-tagq";
/** Tags per artist in the `tags` text and the tagtext feature (the shared README's definition). */
export const TOP_TAGS = 10;
/** queryEncoderId of the shared feature set: request vectors are rows of tags_use.npy. */
export const SHARED_QUERY_ENCODER_ID = "lfm2k-shared-tags_use";

/** Options of {@link buildLfm2kDomain}. */
export interface Lfm2kDomainOptions {
  /** "shared": the benchmark's frozen `features/*.npy`; "own": computed here (CF by SVD, USE via the cache). */
  readonly features: "shared" | "own";
  /**
   * Text encoder, used as given (pass a cached one). [default: USE-lite cached under `homeDir/cache/encoder`,
   * loaded only on a cache miss]. "own": encodes names, tag lists and requests; "shared": only requests whose
   * text is not in tags.json.
   */
  readonly encoder?: TextEncoder;
  readonly progress?: Progress;
  /** [seed=0] seed of the own-feature SVDs. */
  readonly seed?: number;
  /**
   * ["default"] "default": select on `val.jsonl`. "carve": select on each user's latest 10% of train queries
   * (when val.jsonl is the split being evaluated); those queries are removed from train BEFORE popularity, tag
   * texts and co-tags are computed, so selection sees no statistic of its own answers. (The shared feature set's
   * frozen `item_tagtext_use.npy` was computed upstream from all of train: with "shared", selection stays slightly
   * optimistic; the evaluated split is never touched either way.)
   */
  readonly selection?: SelectionMode;
}

/**
 * Builds the lfm2k-tagq domain. Items: every artist of artists.dat in file order (ids = artist ids as strings).
 * Users: every user of user_artists.dat, ascending. train/val: the benchmark's `train.jsonl` / `val.jsonl` with
 * dense indices. popularity and the `tags` texts come from TRAIN queries only (never val/test, never
 * user_taggedartists.dat). `interactions`: every user's raw play counts from user_artists.dat (users x artists). Features: items `{cf, tagtext, name}` (+ `cotag` in "own"), users `{cf}`, requests = USE.
 * @throws DataError when a split names an unknown user/artist, or shared features disagree with the data.
 * @example
 * const d = await buildLfm2kDomain(config, { features: "shared" });
 * d.items.features.cf.cols; // 64
 * (await d.encodeQueries(["chillout"])).cols; // 512
 */
export async function buildLfm2kDomain(config: Config, options: Lfm2kDomainOptions): Promise<Domain> {
  const progress = options.progress;
  const dir = path.join(config.benchmarksDir, LFM2K_TAGQ);
  progress?.("lfm2k: load", 0, 3);
  const lfm = await loadLastfm(config);
  const trainFile = path.join(dir, "train.jsonl");
  const valFile = path.join(dir, "val.jsonl");
  const [trainRaw, valRaw] = await Promise.all([loadTagQueries(trainFile), loadTagQueries(valFile)]);
  progress?.("lfm2k: load", 3, 3);

  const carve = options.selection === "carve";
  const carved = carve ? carveSelectionSet(trainRaw) : undefined;
  const fitRaw = carved?.fit ?? trainRaw;
  const itemIds = lfm.artists.map((a) => String(a.id));
  const names = lfm.artists.map((a) => a.name);
  const itemIndex = new Map(lfm.artists.map((a, i) => [a.id, i]));
  const userIndex = new Map(lfm.users.map((u, i) => [u, i]));
  // Everything below that counts train queries counts only those the model fits on (`fitRaw`).
  const train = toLabeledQueries(fitRaw, userIndex, itemIndex, trainFile);
  const val = carved ? toLabeledQueries(carved.selection, userIndex, itemIndex, trainFile) : toLabeledQueries(valRaw, userIndex, itemIndex, valFile);
  const selectionNote = carved
    ? `latest 10% of each user's train queries (${val.length}), carved before any train statistic was computed`
    : `val.jsonl (${val.length} queries)`;
  const popularity = new Float32Array(itemIds.length);
  for (const q of train) for (const i of q.relevant) popularity[i]++;
  const tagLists = topTrainTags(fitRaw, itemIndex, itemIds.length);
  const tagTexts = tagLists.map((tags) => tags.join(", "));

  // The whole listening history (user_artists.dat, raw play counts): side information the benchmark allows.
  const interactions = csrFromEntries(
    lfm.users.length,
    itemIds.length,
    lfm.plays.map((p) => ({ row: userIndex.get(p.user)!, col: itemIndex.get(p.artist)!, value: p.plays })),
  );
  const encoder = options.encoder ?? defaultTextEncoder(config, progress);
  const common = {
    items: { ids: itemIds, names, texts: { name: names, tags: tagTexts }, popularity },
    usersIds: lfm.users.map(String),
  };
  if (options.features === "shared") {
    const f = await loadSharedFeatures(path.join(dir, "features"), lfm);
    const byText = new Map<string, number>();
    f.tagTexts.forEach((t, i) => {
      if (!byText.has(t)) byText.set(t, i);
    });
    return {
      name: `${LFM2K_TAGQ}/shared`,
      items: { ...common.items, features: { cf: f.itemCf, tagtext: f.itemTagtext, name: f.itemName } },
      users: { ids: common.usersIds, features: { cf: f.userCf } },
      train,
      val,
      selectionNote,
      interactions,
      queryEncoderId: SHARED_QUERY_ENCODER_ID,
      encodeQueries: (texts) => lookupOrEncode(texts, byText, f.tagsUse, encoder),
    };
  }

  // Own features.
  const seed = options.seed ?? 0;
  progress?.("lfm2k: cf svd", 0, 1);
  const entries = lfm.plays.map((p) => ({ row: userIndex.get(p.user)!, col: itemIndex.get(p.artist)!, value: Math.log1p(p.plays) }));
  const cf = cfEmbeddings(entries, lfm.users.length, itemIds.length, 64, { seed });
  progress?.("lfm2k: cf svd", 1, 1);
  const nameVecs = await encodeDistinct(names, encoder);
  // Artists without train tags use their name (as the shared README does): copy the name row, bit for bit.
  const tagged = tagTexts.map((t, i) => (tagLists[i].length > 0 ? i : -1)).filter((i) => i >= 0);
  const taggedVecs = await encodeDistinct(tagged.map((i) => tagTexts[i]), encoder);
  const tagtext = matrix(itemIds.length, encoder.dims, new Float32Array(nameVecs.data));
  tagged.forEach((i, k) => tagtext.data.set(taggedVecs.data.subarray(k * encoder.dims, (k + 1) * encoder.dims), i * encoder.dims));
  // cotag: each artist's train-query tags, repeated by count (how many train queries used it for that artist).
  const tagCounts = trainTagCounts(fitRaw, itemIndex, itemIds.length);
  const cotag = cotagEmbeddings(
    tagCounts.map((m) => [...m].flatMap(([tag, n]) => Array<string>(n).fill(String(tag)))),
    { k: 32, seed },
  ).items;
  return {
    name: `${LFM2K_TAGQ}/own`,
    items: { ...common.items, features: { cf: cf.cols, tagtext, name: nameVecs, cotag } },
    users: { ids: common.usersIds, features: { cf: cf.rows } },
    train,
    val,
    selectionNote,
    interactions,
    queryEncoderId: encoder.id,
    encodeQueries: (texts) => encoder.encode(texts),
  };
}

/** Maps a split's raw queries to dense indices; an unknown user or artist is a DataError naming the file and qid. */
export function toLabeledQueries(
  queries: readonly TagQuery[],
  userIndex: ReadonlyMap<number, number>,
  itemIndex: ReadonlyMap<number, number>,
  file: string,
): LabeledQuery[] {
  return queries.map((q) => {
    const user = userIndex.get(q.user);
    if (user === undefined) throw new DataError(`${file}: query ${q.qid} names user ${q.user}, who is not in user_artists.dat`, { path: file });
    const relevant = q.relevant.map((a) => {
      const i = itemIndex.get(a);
      if (i === undefined) throw new DataError(`${file}: query ${q.qid} names artist ${a}, which is not in artists.dat`, { path: file });
      return i;
    });
    return { qid: q.qid, text: q.text, user, relevant };
  });
}

/** Per item: tag id → number of TRAIN queries with that tag whose relevant list contains the item. */
function trainTagCounts(train: readonly TagQuery[], itemIndex: ReadonlyMap<number, number>, nItems: number): Map<number, number>[] {
  const counts = Array.from({ length: nItems }, () => new Map<number, number>());
  for (const q of train) {
    for (const a of q.relevant) {
      const m = counts[itemIndex.get(a)!];
      m.set(q.tag, (m.get(q.tag) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Each item's top {@link TOP_TAGS} tag texts over TRAIN queries: count descending, ties by tag id ascending
 * (the shared README's `item_tagtext` definition). Items without train tags get [].
 */
export function topTrainTags(train: readonly TagQuery[], itemIndex: ReadonlyMap<number, number>, nItems: number): string[][] {
  const text = new Map<number, string>();
  for (const q of train) if (!text.has(q.tag)) text.set(q.tag, q.text);
  return topTagsByCount(trainTagCounts(train, itemIndex, nItems), TOP_TAGS).map((tags) => tags.map((tag) => text.get(tag)!));
}

/** Encodes the distinct texts once and spreads rows back (the encoder may be uncached). */
async function encodeDistinct(texts: readonly string[], encoder: TextEncoder): Promise<Matrix> {
  const distinct = [...new Set(texts)];
  const at = new Map(distinct.map((t, i) => [t, i]));
  const m = await encoder.encode(distinct);
  const out = matrix(texts.length, encoder.dims);
  texts.forEach((t, i) => out.data.set(m.data.subarray(at.get(t)! * m.cols, (at.get(t)! + 1) * m.cols), i * m.cols));
  return out;
}

/** Request vectors: the tags_use row of an exactly matching tag text, else the encoder (one call for all misses). */
async function lookupOrEncode(texts: readonly string[], byText: ReadonlyMap<string, number>, table: Matrix, encoder: TextEncoder): Promise<Matrix> {
  if (encoder.dims !== table.cols) {
    throw new RangeError(`fallback encoder ${encoder.id} gives ${encoder.dims}-d vectors, tags_use.npy has ${table.cols}`);
  }
  const out = matrix(texts.length, table.cols);
  const misses: number[] = [];
  texts.forEach((t, i) => {
    const r = byText.get(t);
    if (r === undefined) misses.push(i);
    else out.data.set(table.data.subarray(r * table.cols, (r + 1) * table.cols), i * table.cols);
  });
  if (misses.length > 0) {
    const m = await encoder.encode(misses.map((i) => texts[i]));
    misses.forEach((i, k) => out.data.set(m.data.subarray(k * m.cols, (k + 1) * m.cols), i * table.cols));
  }
  return out;
}

interface SharedFeatures {
  itemCf: Matrix;
  itemTagtext: Matrix;
  itemName: Matrix;
  userCf: Matrix;
  tagsUse: Matrix;
  tagTexts: string[];
}

const idList = z.array(z.number().int());
const tagList = z.array(z.object({ tag: z.number().int(), text: z.string() }));

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (err) {
    throw new DataError(`cannot read ${file} as JSON: ${(err as Error).message}`, { path: file, cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DataError(`${file}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`, { path: file });
  return parsed.data;
}

/** Reads `features/` and checks its row orders and shapes against the loaded Last.fm data. */
async function loadSharedFeatures(dir: string, lfm: LastfmDataset): Promise<SharedFeatures> {
  const f = (n: string) => path.join(dir, n);
  const [artists, users, tags, itemCf, itemTagtext, itemName, userCf, tagsUse] = await Promise.all([
    readJson(f("artists.json"), idList),
    readJson(f("users.json"), idList),
    readJson(f("tags.json"), tagList),
    readNpy(f("item_cf.npy")),
    readNpy(f("item_tagtext_use.npy")),
    readNpy(f("item_name_use.npy")),
    readNpy(f("user_cf.npy")),
    readNpy(f("tags_use.npy")),
  ]);
  const sameOrder = (file: string, got: readonly number[], want: readonly number[], what: string) => {
    const bad = got.length !== want.length ? -1 : got.findIndex((x, i) => x !== want[i]);
    if (got.length !== want.length || bad >= 0) {
      const where = bad >= 0 ? `entry ${bad} is ${got[bad]}, expected ${want[bad]}` : `${got.length} entries, expected ${want.length}`;
      throw new DataError(`${file}: row order does not match ${what} (${where}); the features were built from other data`, { path: file });
    }
  };
  sameOrder(f("artists.json"), artists, lfm.artists.map((a) => a.id), "artists.dat");
  sameOrder(f("users.json"), users, lfm.users, "the users of user_artists.dat");
  const rowsAre = (file: string, m: Matrix, rows: number) => {
    if (m.rows !== rows) throw new DataError(`${f(file)}: ${m.rows} rows, expected ${rows}`, { path: f(file) });
  };
  rowsAre("item_cf.npy", itemCf, artists.length);
  rowsAre("item_tagtext_use.npy", itemTagtext, artists.length);
  rowsAre("item_name_use.npy", itemName, artists.length);
  rowsAre("user_cf.npy", userCf, users.length);
  rowsAre("tags_use.npy", tagsUse, tags.length);
  return { itemCf, itemTagtext, itemName, userCf, tagsUse, tagTexts: tags.map((t) => t.text) };
}

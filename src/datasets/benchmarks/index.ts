/**
 * @file Benchmark split loaders (lfm2k-tagq, jamendo-captions, lfm2k-cf), validated; captions lose their answer key.
 */
import path from "node:path";
import { z } from "zod";
import { DataError } from "../../errors.js";
import { readJsonl } from "../jsonl.js";
import { assertReadableFile, dataErrorAt, parseIntField, readTsv } from "../tsv.js";
import type { LastfmPlay } from "../types.js";

/** One lfm2k-tagq query: a (user, tag) pair whose relevant items are the Last.fm artists the user tagged. */
export interface TagQuery {
  readonly qid: string;
  readonly user: number;
  readonly tag: number;
  readonly text: string;
  /** Last.fm artist ids. */
  readonly relevant: readonly number[];
  /** ISO date yyyy-mm-dd. */
  readonly date: string;
}

/** One jamendo-captions query. The file's `tags` (the answer key) is dropped at parse time and never exposed. */
export interface CaptionQuery {
  readonly qid: string;
  readonly text: string;
  /** Jamendo track ids ("track_0000948"). */
  readonly relevant: readonly string[];
}

const nonEmptyText = z.string().refine((s) => s.trim() !== "", "must not be empty");

const tagQuerySchema = z.object({
  qid: z.string().min(1),
  user: z.number().int().nonnegative(),
  tag: z.number().int().nonnegative(),
  text: nonEmptyText,
  relevant: z.array(z.number().int().nonnegative()),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be yyyy-mm-dd"),
});

// No `tags` here: zod strips unknown keys, and the object is rebuilt below, so the answer key cannot leak.
const captionQuerySchema = z.object({
  qid: z.string().min(1),
  text: nonEmptyText,
  relevant: z.array(z.string().regex(/^track_\d+$/, "must be a track id like track_0000948")),
});

/**
 * Loads an lfm2k-tagq split (`{"qid","user","tag","text","relevant":[artist ids],"date"}` per line), in file order.
 * @throws DataError `"<file>:<line>: ..."` for malformed JSON, a bad field or a duplicate qid; missing or empty file.
 * @example
 * (await loadTagQueries(".../lfm2k-tagq/val.jsonl"))[0];
 * // { qid: "u2-t32", user: 2, tag: 32, text: "avant-garde", relevant: [3894], date: "2009-05-01" }
 */
export function loadTagQueries(file: string): Promise<TagQuery[]> {
  return loadQueries(file, tagQuerySchema, (v) => ({ qid: v.qid, user: v.user, tag: v.tag, text: v.text, relevant: Object.freeze(v.relevant), date: v.date }));
}

/**
 * Loads a jamendo-captions split, returning `{qid, text, relevant}` only: the `tags` field is the answer key and is
 * dropped here, so no model can read it.
 * @throws DataError `"<file>:<line>: ..."` for malformed JSON, a bad field or a duplicate qid; missing or empty file.
 * @example
 * Object.keys((await loadCaptionQueries(".../jamendo-captions/val.jsonl"))[0]); // ["qid", "text", "relevant"]
 */
export function loadCaptionQueries(file: string): Promise<CaptionQuery[]> {
  return loadQueries(file, captionQuerySchema, (v) => ({ qid: v.qid, text: v.text, relevant: Object.freeze(v.relevant) }));
}

/** Reads a JSONL split of queries: each line validated by `schema`, qids unique, each kept as `pick` returns it (frozen). */
async function loadQueries<S extends z.ZodType<{ qid: string }>, Q>(file: string, schema: S, pick: (value: z.output<S>) => Q): Promise<Q[]> {
  const out: Q[] = [];
  const seen = new Set<string>();
  for await (const { value, lineNo } of readJsonl(file, schema)) {
    if (seen.has(value.qid)) throw dataErrorAt(file, lineNo, `duplicate qid "${value.qid}"`);
    seen.add(value.qid);
    out.push(Object.freeze(pick(value)));
  }
  return out;
}

/**
 * Reads a `user artist plays` TSV (lfm2k-cf train, fold-in or held-out file), with each row's line number. Empty (no
 * rows) or a (user, artist) pair listed twice → DataError naming the file (and line).
 */
async function loadPlaysTsv(file: string): Promise<{ plays: LastfmPlay[]; lines: number[] }> {
  const plays: LastfmPlay[] = [];
  const lines: number[] = [];
  const seen = new Map<string, number>();
  for await (const { fields, lineNo } of readTsv(file, { header: ["user", "artist", "plays"] })) {
    const play = {
      user: parseIntField(fields[0], file, lineNo, "user"),
      artist: parseIntField(fields[1], file, lineNo, "artist"),
      plays: parseIntField(fields[2], file, lineNo, "plays"),
    };
    const key = `${play.user}\t${play.artist}`;
    const first = seen.get(key);
    if (first !== undefined) throw dataErrorAt(file, lineNo, `user ${play.user} and artist ${play.artist} are already paired on line ${first}`);
    seen.set(key, lineNo);
    plays.push(play);
    lines.push(lineNo);
  }
  if (plays.length === 0) throw new DataError(`${file}: no interactions after the header; check that it is the right file`, { path: file });
  return { plays, lines };
}

/**
 * Loads an lfm2k-cf training file (`train.tsv`: user, artist, plays).
 * @example
 * (await loadCfTrain(".../lfm2k-cf/train.tsv"))[0]; // { user: 3, artist: 101, plays: 13176 }
 */
export async function loadCfTrain(file: string): Promise<LastfmPlay[]> {
  return (await loadPlaysTsv(file)).plays;
}

/**
 * Loads an lfm2k-cf evaluation split: `inFile` is the fold-in file (`*_in.tsv`); the held-out file is its sibling
 * `*_out.tsv`. Every held-out user must have fold-in rows (else the split pair is mismatched), and no (user, artist)
 * pair may be listed twice, in one file or across the two.
 * @throws DataError if `inFile` does not end in `_in.tsv`, a file is missing/empty/malformed (`file:line: ...`), a
 *   pair repeats, or the users differ.
 * @example
 * const { foldIn, heldOut } = await loadCfSplit(".../lfm2k-cf/val_in.tsv");
 */
export async function loadCfSplit(inFile: string): Promise<{ foldIn: LastfmPlay[]; heldOut: LastfmPlay[] }> {
  if (!inFile.endsWith("_in.tsv")) {
    throw new DataError(`${inFile}: an lfm2k-cf split must name a fold-in file ending in "_in.tsv" (its held-out sibling is "*_out.tsv")`, {
      path: inFile,
    });
  }
  const outFile = `${inFile.slice(0, -"_in.tsv".length)}_out.tsv`;
  await assertReadableFile(outFile, `it holds the held-out artists of ${path.basename(inFile)} and must sit next to it`);
  const [foldIn, heldOut] = await Promise.all([loadPlaysTsv(inFile), loadPlaysTsv(outFile)]);
  const inUsers = new Set(foldIn.plays.map((p) => p.user));
  const inPairs = new Set(foldIn.plays.map((p) => `${p.user}\t${p.artist}`));
  heldOut.plays.forEach((p, k) => {
    if (!inUsers.has(p.user)) {
      throw dataErrorAt(outFile, heldOut.lines[k], `user ${p.user} has held-out rows but no fold-in rows in ${inFile}; the two files do not belong together`);
    }
    // A held-out artist that is also a fold-in artist would be masked, so it could never be found.
    if (inPairs.has(`${p.user}\t${p.artist}`)) throw dataErrorAt(outFile, heldOut.lines[k], `user ${p.user}'s artist ${p.artist} is also in the fold-in file ${inFile}`);
  });
  return { foldIn: foldIn.plays, heldOut: heldOut.plays };
}

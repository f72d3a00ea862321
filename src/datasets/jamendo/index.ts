/**
 * @file MTG-Jamendo loader: joins every category file on track id, then adds song-describer names and stats.
 */
import { z } from "zod";
import type { Config } from "../../config.js";
import { readCsv } from "../csv.js";
import { resolveDataFile } from "../mirror.js";
import { dataErrorAt, parseIntField, parseNumberField, readTsvBatches } from "../tsv.js";
import type { JamendoTrack, Progress, TrackTags } from "../types.js";

/** The tag category files joined into the catalog (genre tags come only from the split files). */
export const JAMENDO_TAG_FILES: readonly string[] = Object.freeze([
  "mtg-jamendo/data/autotagging_instrument.tsv",
  "mtg-jamendo/data/autotagging_moodtheme.tsv",
  ...[
    "autotagging-test",
    "autotagging-validation",
    "autotagging_genre-test",
    "autotagging_genre-train",
    "autotagging_genre-validation",
    "autotagging_instrument-test",
    "autotagging_instrument-train",
    "autotagging_instrument-validation",
    "autotagging_moodtheme-test",
    "autotagging_moodtheme-train",
    "autotagging_moodtheme-validation",
    "autotagging_top50tags-test",
    "autotagging_top50tags-train",
    "autotagging_top50tags-validation",
  ].map((n) => `mtg-jamendo/splits/split-0/${n}.tsv`),
]);
export const SONG_DESCRIBER_TRACKS = "song-describer/split_0_test_tracks.tsv";
export const SONG_DESCRIBER_STATS = "song-describer/jamendo_stats.tsv";

const JAMENDO_HEADER = ["TRACK_ID", "ARTIST_ID", "ALBUM_ID", "PATH", "DURATION", "TAGS"] as const;
const TRACKS_HEADER = ["TRACK_ID", "ATTRIBUTION", "LICENSE"] as const;
const STATS_HEADER = ["track", "rate_downloads_total", "rate_listened_total", "playlisted", "favorited", "likes", "dislikes", "avgnote", "notes"] as const;

/** The tag categories, keyed by their prefix in the files (`mood/theme---calm` → mood). */
const CATEGORY_BY_PREFIX: Readonly<Record<string, keyof TrackTags>> = { genre: "genre", instrument: "instrument", "mood/theme": "mood" };

const trackRowSchema = z.object({
  id: z.string().regex(/^track_\d{7}$/, "TRACK_ID must look like track_0000948"),
  artistId: z.string().regex(/^artist_\d+$/, "ARTIST_ID must look like artist_000020"),
  albumId: z.string().regex(/^album_\d+$/, "ALBUM_ID must look like album_000046"),
  path: z.string().regex(/^\d+\/\d+\.mp3$/, "PATH must look like 82/382.mp3"),
  durationSec: z.number().positive("DURATION must be positive seconds"),
});

interface MutableTrack {
  id: string;
  jamendoId: number;
  artistId: string;
  albumId: string;
  path: string;
  durationSec: number;
  /** Raw columns 2-5 as first seen, to check agreement across files cheaply. */
  key: string;
  keyFile: string;
  /** Small arrays, deduplicated on insert: cheaper than 3 Sets per track over 55k tracks. */
  tags: { genre: string[]; instrument: string[]; mood: string[] };
  title?: string;
  artistName?: string;
  license?: string;
  stats?: { listens: number; downloads: number; favorites: number };
}

/**
 * Loads all 55,525 MTG-Jamendo tracks, sorted by id, each with its full tag set (the union over every category
 * and split file), plus title/artist/license (11,565 tracks) and listen/download/favorite stats (9,858 tracks)
 * from song-describer. Every file is verified by checksum first.
 * @throws DataError on a checksum mismatch, a missing file, a malformed row (`file:line: ...`) or a track whose
 *   artist/album/path/duration disagree between files.
 * @example
 * const tracks = await loadJamendo(config);
 * tracks[0]; // { id: "track_0000214", jamendoId: 214, artistId: "artist_000014", tags: { genre: ["punkrock"], ... }, title: "Intro chiante", ... }
 */
export async function loadJamendo(config: Config, progress?: Progress): Promise<JamendoTrack[]> {
  const all = [...JAMENDO_TAG_FILES, SONG_DESCRIBER_TRACKS, SONG_DESCRIBER_STATS];
  const files = await Promise.all(all.map((rel) => resolveDataFile(config, rel)));
  const total = files.length;
  progress?.("jamendo: files", 0, total);
  const byId = new Map<string, MutableTrack>();
  for (let i = 0; i < JAMENDO_TAG_FILES.length; i++) {
    await readTagFile(files[i], byId);
    progress?.("jamendo: files", i + 1, total);
  }
  const byJamendoId = new Map<number, MutableTrack>();
  for (const t of byId.values()) byJamendoId.set(t.jamendoId, t);
  await readSongDescriberTracks(files[JAMENDO_TAG_FILES.length], byJamendoId);
  progress?.("jamendo: files", total - 1, total);
  await readSongDescriberStats(files[JAMENDO_TAG_FILES.length + 1], byJamendoId);
  progress?.("jamendo: files", total, total);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(freeze);
}

async function readTagFile(file: string, byId: Map<string, MutableTrack>): Promise<void> {
  // TAGS spreads over one or more extra columns, so only a minimum column count is fixed.
  for await (const batch of readTsvBatches(file, { header: JAMENDO_HEADER, minColumns: 6, maxColumns: Infinity })) {
    for (const { fields, lineNo } of batch) {
      const [id, artistId, albumId, trackPath, duration] = fields;
      const key = `${artistId}\t${albumId}\t${trackPath}\t${duration}`;
      let track = byId.get(id);
      if (!track) {
        const parsed = trackRowSchema.safeParse({ id, artistId, albumId, path: trackPath, durationSec: Number(duration) });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw dataErrorAt(file, lineNo, `${issue.path.join(".")}: ${issue.message} (row "${fields.slice(0, 5).join("\\t")}")`);
        }
        track = {
          ...parsed.data,
          jamendoId: Number(id.slice("track_".length)),
          key,
          keyFile: file,
          tags: { genre: [], instrument: [], mood: [] },
        };
        byId.set(id, track);
      } else if (track.key !== key && !sameMetadata(track, fields)) {
        throw dataErrorAt(file, lineNo, `${id}: artist/album/path/duration "${fields.slice(1, 5).join(" ")}" disagree with ${track.keyFile} ("${track.key.replace(/\t/g, " ")}")`);
      }
      for (let c = 5; c < fields.length; c++) {
        const raw = fields[c].trim();
        const sep = raw.indexOf("---");
        const category = sep > 0 ? CATEGORY_BY_PREFIX[raw.slice(0, sep)] : undefined;
        const tag = sep > 0 ? raw.slice(sep + 3) : "";
        if (category === undefined || tag === "") {
          throw dataErrorAt(file, lineNo, `tag "${raw}" is not <genre|instrument|mood/theme>---<name>`);
        }
        const list = track.tags[category];
        if (!list.includes(tag)) list.push(tag);
      }
    }
  }
}

/** Same values written differently ("211.1" vs "211.10") still agree. */
function sameMetadata(track: MutableTrack, fields: string[]): boolean {
  return track.artistId === fields[1] && track.albumId === fields[2] && track.path === fields[3] && track.durationSec === Number(fields[4]);
}

/** `<title> by <artist>`: the LAST " by " splits, since titles may contain " by " themselves. */
export function splitAttribution(attribution: string): { title: string; artistName?: string } {
  const text = attribution.trim();
  const at = text.lastIndexOf(" by ");
  if (at < 0) return { title: text };
  const title = text.slice(0, at).trim();
  const artistName = text.slice(at + 4).trim();
  return artistName === "" ? { title } : { title, artistName };
}

/** The licence text's URL if it has one ("Available under ...: http://creativecommons.org/..."), else the text. */
export function licenseUrl(license: string): string | undefined {
  const m = /https?:\/\/\S+/.exec(license);
  const value = m ? m[0] : license.trim();
  return value === "" ? undefined : value;
}

async function readSongDescriberTracks(file: string, byJamendoId: Map<number, MutableTrack>): Promise<void> {
  // This TSV uses CSV quoting: some attributions are quoted, with "" and even tabs inside.
  let first = true;
  for await (const { fields, lineNo } of readCsv(file, { delimiter: "\t" })) {
    if (first) {
      first = false;
      if (fields.join("\t") !== TRACKS_HEADER.join("\t")) throw dataErrorAt(file, lineNo, `expected header "${TRACKS_HEADER.join("\\t")}"`);
      continue;
    }
    if (fields.length !== 3) throw dataErrorAt(file, lineNo, `expected 3 tab-separated columns, got ${fields.length}`);
    const jamendoId = parseIntField(fields[0], file, lineNo, "TRACK_ID");
    const track = byJamendoId.get(jamendoId);
    if (!track) throw dataErrorAt(file, lineNo, `TRACK_ID ${jamendoId} is not an MTG-Jamendo track`);
    const { title, artistName } = splitAttribution(fields[1]);
    if (title !== "") track.title = title;
    if (artistName !== undefined) track.artistName = artistName;
    const license = licenseUrl(fields[2]);
    if (license !== undefined) track.license = license;
  }
  if (first) throw dataErrorAt(file, 1, "empty file (expected a header line)");
}

async function readSongDescriberStats(file: string, byJamendoId: Map<number, MutableTrack>): Promise<void> {
  for await (const batch of readTsvBatches(file, { header: STATS_HEADER })) {
    for (const { fields, lineNo } of batch) {
      const jamendoId = parseIntField(fields[0], file, lineNo, "track");
      const track = byJamendoId.get(jamendoId);
      if (!track) throw dataErrorAt(file, lineNo, `track ${jamendoId} is not an MTG-Jamendo track`);
      track.stats = {
        downloads: parseNumberField(fields[1], file, lineNo, "rate_downloads_total"),
        listens: parseNumberField(fields[2], file, lineNo, "rate_listened_total"),
        favorites: parseNumberField(fields[4], file, lineNo, "favorited"),
      };
    }
  }
}

function freeze(t: MutableTrack): JamendoTrack {
  const sorted = (s: string[]) => Object.freeze(s.sort());
  return Object.freeze({
    id: t.id,
    jamendoId: t.jamendoId,
    artistId: t.artistId,
    albumId: t.albumId,
    durationSec: t.durationSec,
    path: t.path,
    tags: Object.freeze({ genre: sorted(t.tags.genre), instrument: sorted(t.tags.instrument), mood: sorted(t.tags.mood) }),
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.artistName !== undefined ? { artistName: t.artistName } : {}),
    ...(t.license !== undefined ? { license: t.license } : {}),
    ...(t.stats !== undefined ? { stats: Object.freeze(t.stats) } : {}),
  });
}

/** The distinct tags of each category over `tracks`, sorted (187 on the full catalog: 87 + 41 + 59). */
export interface TagVocabulary {
  readonly genre: readonly string[];
  readonly instrument: readonly string[];
  readonly mood: readonly string[];
}

/**
 * Lists every distinct tag by category.
 * @example
 * const v = jamendoTagVocabulary(await loadJamendo(config));
 * [v.genre.length, v.instrument.length, v.mood.length]; // [87, 41, 59]
 */
export function jamendoTagVocabulary(tracks: readonly JamendoTrack[]): TagVocabulary {
  const sets = { genre: new Set<string>(), instrument: new Set<string>(), mood: new Set<string>() };
  for (const t of tracks) {
    for (const g of t.tags.genre) sets.genre.add(g);
    for (const i of t.tags.instrument) sets.instrument.add(i);
    for (const m of t.tags.mood) sets.mood.add(m);
  }
  return Object.freeze({ genre: [...sets.genre].sort(), instrument: [...sets.instrument].sort(), mood: [...sets.mood].sort() });
}

/**
 * The public Jamendo page of a track.
 * @example
 * jamendoTrackUrl({ jamendoId: 948 }); // "https://www.jamendo.com/track/948"
 */
export function jamendoTrackUrl(t: Pick<JamendoTrack, "jamendoId">): string {
  return `https://www.jamendo.com/track/${t.jamendoId}`;
}

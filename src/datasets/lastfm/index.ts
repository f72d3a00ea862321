/**
 * @file Last.fm-2k (HetRec 2011) loader: artists, tags, users, play counts, dated tag assignments, friendships.
 */
import type { Config } from "../../config.js";
import { resolveDataFile } from "../mirror.js";
import { dataErrorAt, parseIntField, readTsvBatches } from "../tsv.js";
import type { LastfmArtist, LastfmDataset, LastfmPlay, LastfmTag, LastfmTagAssignment } from "../types.js";

/** The mirror files this loader reads. */
export const LASTFM_FILES = Object.freeze({
  artists: "lastfm-2k/artists.dat",
  tags: "lastfm-2k/tags.dat",
  plays: "lastfm-2k/user_artists.dat",
  tagAssignments: "lastfm-2k/user_taggedartists.dat",
  friends: "lastfm-2k/user_friends.dat",
});

/**
 * Loads Last.fm-2k: 17,632 artists (artists.dat order), 11,946 tags, 1,892 users (every user of
 * user_artists.dat, ascending), 92,834 plays, 186,479 tag assignments (dates as yyyy-mm-dd), and friend pairs.
 * Files are verified by checksum. `tags.dat` is latin-1, the rest UTF-8.
 * @throws DataError on a checksum mismatch, a missing file, a malformed row (`file:line: ...`), a duplicate id,
 *   or a play/tag assignment that names an unknown artist or tag.
 * @example
 * const lfm = await loadLastfm(config);
 * lfm.artists[0]; // { id: 1, name: "MALICE MIZER", url: "http://www.last.fm/music/MALICE+MIZER" }
 */
export async function loadLastfm(config: Config): Promise<LastfmDataset> {
  const [artistsFile, tagsFile, playsFile, assignFile, friendsFile] = await Promise.all(
    [LASTFM_FILES.artists, LASTFM_FILES.tags, LASTFM_FILES.plays, LASTFM_FILES.tagAssignments, LASTFM_FILES.friends].map((rel) =>
      resolveDataFile(config, rel),
    ),
  );

  const artists: LastfmArtist[] = [];
  const artistIds = new Set<number>();
  for await (const batch of readTsvBatches(artistsFile, { header: ["id", "name", "url", "pictureURL"], minColumns: 3, maxColumns: 4 })) {
    for (const { fields, lineNo } of batch) {
      const id = parseIntField(fields[0], artistsFile, lineNo, "id");
      if (artistIds.has(id)) throw dataErrorAt(artistsFile, lineNo, `duplicate artist id ${id}`);
      artistIds.add(id);
      artists.push({ id, name: fields[1], url: fields[2] });
    }
  }

  const tags: LastfmTag[] = [];
  const tagIds = new Set<number>();
  for await (const batch of readTsvBatches(tagsFile, { header: ["tagID", "tagValue"], encoding: "latin1" })) {
    for (const { fields, lineNo } of batch) {
      const id = parseIntField(fields[0], tagsFile, lineNo, "tagID");
      if (tagIds.has(id)) throw dataErrorAt(tagsFile, lineNo, `duplicate tag id ${id}`);
      tagIds.add(id);
      tags.push({ id, text: fields[1] });
    }
  }

  const plays: LastfmPlay[] = [];
  const users = new Set<number>();
  for await (const batch of readTsvBatches(playsFile, { header: ["userID", "artistID", "weight"] })) {
    for (const { fields, lineNo } of batch) {
      const user = parseIntField(fields[0], playsFile, lineNo, "userID");
      const artist = parseIntField(fields[1], playsFile, lineNo, "artistID");
      if (!artistIds.has(artist)) throw dataErrorAt(playsFile, lineNo, `artistID ${artist} is not in ${artistsFile}`);
      plays.push({ user, artist, plays: parseIntField(fields[2], playsFile, lineNo, "weight") });
      users.add(user);
    }
  }

  // Tag assignments may name artists missing from artists.dat (the upstream dataset has such rows); keep them,
  // since the benchmark's relevance sets are built from this file as it is.
  const tagAssignments: LastfmTagAssignment[] = [];
  const header = ["userID", "artistID", "tagID", "day", "month", "year"];
  for await (const batch of readTsvBatches(assignFile, { header })) {
    for (const { fields, lineNo } of batch) {
      const at = (i: number) => parseIntField(fields[i], assignFile, lineNo, header[i]);
      const tag = at(2);
      if (!tagIds.has(tag)) throw dataErrorAt(assignFile, lineNo, `tagID ${tag} is not in ${tagsFile}`);
      tagAssignments.push({ user: at(0), artist: at(1), tag, date: isoDate(at(5), at(4), at(3), assignFile, lineNo) });
    }
  }

  const friends: (readonly [number, number])[] = [];
  for await (const batch of readTsvBatches(friendsFile, { header: ["userID", "friendID"] })) {
    for (const { fields, lineNo } of batch) {
      friends.push(Object.freeze([parseIntField(fields[0], friendsFile, lineNo, "userID"), parseIntField(fields[1], friendsFile, lineNo, "friendID")] as const));
    }
  }

  return Object.freeze({
    artists: Object.freeze(artists),
    tags: Object.freeze(tags),
    users: Object.freeze([...users].sort((a, b) => a - b)),
    plays: Object.freeze(plays),
    tagAssignments: Object.freeze(tagAssignments),
    friends: Object.freeze(friends),
  });
}

/** yyyy-mm-dd from day/month/year columns, checking ranges (the file holds dates from 1956 to 2011). */
export function isoDate(year: number, month: number, day: number, file: string, lineNo: number): string {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1000 || year > 9999) {
    throw dataErrorAt(file, lineNo, `invalid date day=${day} month=${month} year=${year}`);
  }
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DataError } from "../../errors.js";
import { makeMirror, realDataConfig, type TempMirror } from "../testing.js";
import type { JamendoTrack } from "../types.js";
import {
  JAMENDO_TAG_FILES,
  SONG_DESCRIBER_STATS,
  SONG_DESCRIBER_TRACKS,
  jamendoTagVocabulary,
  jamendoTrackUrl,
  licenseUrl,
  loadJamendo,
  splitAttribution,
} from "./index.js";

const HEADER = "TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS\n";
const TRACKS_HEADER = "TRACK_ID\tATTRIBUTION\tLICENSE\r\n";
const STATS_HEADER = "track\trate_downloads_total\trate_listened_total\tplaylisted\tfavorited\tlikes\tdislikes\tavgnote\tnotes\n";
const INSTRUMENT = "mtg-jamendo/data/autotagging_instrument.tsv";
const MOOD = "mtg-jamendo/data/autotagging_moodtheme.tsv";
const GENRE_TRAIN = "mtg-jamendo/splits/split-0/autotagging_genre-train.tsv";

/** A mini mirror: every category file present (header only unless given). */
function files(over: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of JAMENDO_TAG_FILES) out[f] = HEADER;
  out[SONG_DESCRIBER_TRACKS] = TRACKS_HEADER;
  out[SONG_DESCRIBER_STATS] = STATS_HEADER;
  return { ...out, ...over };
}

const mirrors: TempMirror[] = [];
afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((m) => m.cleanup()));
});
async function load(over: Record<string, string>): Promise<JamendoTrack[]> {
  const m = await makeMirror(files(over));
  mirrors.push(m);
  return loadJamendo(m.config);
}

describe("loadJamendo on a fixture", () => {
  it("joins every file on track id, unions tags, adds names and stats, sorts by id", async () => {
    const tracks = await load({
      [INSTRUMENT]: HEADER + "track_0000948\tartist_000020\talbum_000046\t48/948.mp3\t211.1\tinstrument---piano\tinstrument---voice\r\n",
      [MOOD]: HEADER + "track_0000948\tartist_000020\talbum_000046\t48/948.mp3\t211.1\tmood/theme---calm\n",
      [GENRE_TRAIN]:
        HEADER +
        "track_0000948\tartist_000020\talbum_000046\t48/948.mp3\t211.10\tgenre---rock\tinstrument---piano\n" +
        "track_0000012\tartist_000001\talbum_000002\t12/12.mp3\t60\tgenre---jazz\n",
      [SONG_DESCRIBER_TRACKS]:
        TRACKS_HEADER +
        '948\t"Stand by Me by The ""Best"" Band "\tAvailable under a Creative Commons license: http://creativecommons.org/licenses/by/3.0/\r\n',
      [SONG_DESCRIBER_STATS]: STATS_HEADER + "948\t10\t200\t1\t3\t0\t0\t7.0\t2\n",
    });
    expect(tracks.map((t) => t.id)).toEqual(["track_0000012", "track_0000948"]);
    expect(tracks[1]).toEqual({
      id: "track_0000948",
      jamendoId: 948,
      artistId: "artist_000020",
      albumId: "album_000046",
      durationSec: 211.1,
      path: "48/948.mp3",
      tags: { genre: ["rock"], instrument: ["piano", "voice"], mood: ["calm"] },
      title: "Stand by Me",
      artistName: 'The "Best" Band',
      license: "http://creativecommons.org/licenses/by/3.0/",
      stats: { downloads: 10, listens: 200, favorites: 3 },
    });
    expect(tracks[0]).not.toHaveProperty("title");
    expect(tracks[0]).not.toHaveProperty("stats");
    expect(jamendoTagVocabulary(tracks)).toEqual({ genre: ["jazz", "rock"], instrument: ["piano", "voice"], mood: ["calm"] });
    expect(jamendoTrackUrl(tracks[1])).toBe("https://www.jamendo.com/track/948");
  });

  it("rejects a track whose album disagrees between files, naming both", async () => {
    const err = await load({
      [INSTRUMENT]: HEADER + "track_0000948\tartist_000020\talbum_000046\t48/948.mp3\t211.1\tinstrument---piano\n",
      [MOOD]: HEADER + "track_0000948\tartist_000020\talbum_000099\t48/948.mp3\t211.1\tmood/theme---calm\n",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/autotagging_moodtheme\.tsv:2: track_0000948: artist\/album\/path\/duration .* disagree with .*autotagging_instrument\.tsv/);
  });

  it("rejects a malformed row with its file and line (zod)", async () => {
    await expect(
      load({ [MOOD]: HEADER + "track_0000001\tartist_1\talbum_1\t1/1.mp3\t10\tmood/theme---calm\ntrack_0000002\tartist_1\talbum_1\t2/2.mp3\tlong\tmood/theme---calm\n" }),
    ).rejects.toThrow(/autotagging_moodtheme\.tsv:3: durationSec: Expected number, received nan/);
    await expect(load({ [MOOD]: HEADER + "trk_1\tartist_1\talbum_1\t1/1.mp3\t10\tmood/theme---calm\n" })).rejects.toThrow(
      /autotagging_moodtheme\.tsv:2: id: TRACK_ID must look like track_0000948/,
    );
  });

  it("rejects a tag without a known category, and a row without tags", async () => {
    await expect(load({ [MOOD]: HEADER + "track_0000001\tartist_1\talbum_1\t1/1.mp3\t10\ttempo---fast\n" })).rejects.toThrow(
      /autotagging_moodtheme\.tsv:2: tag "tempo---fast" is not <genre\|instrument\|mood\/theme>---<name>/,
    );
    await expect(load({ [MOOD]: HEADER + "track_0000001\tartist_1\talbum_1\t1/1.mp3\t10\n" })).rejects.toThrow(
      /autotagging_moodtheme\.tsv:2: expected at least 6 tab-separated columns, got 5/,
    );
  });

  it("rejects song-describer rows for tracks outside the catalog", async () => {
    await expect(load({ [SONG_DESCRIBER_STATS]: STATS_HEADER + "77\t1\t2\t3\t4\t5\t6\t7\t8\n" })).rejects.toThrow(
      /jamendo_stats\.tsv:2: track 77 is not an MTG-Jamendo track/,
    );
  });
});

describe("attribution and licence parsing", () => {
  it("splits on the LAST ' by ' and trims", () => {
    expect(splitAttribution("Intro chiante by David TMX ")).toEqual({ title: "Intro chiante", artistName: "David TMX" });
    expect(splitAttribution("Stand by me by Someone")).toEqual({ title: "Stand by me", artistName: "Someone" });
    expect(splitAttribution("Untitled")).toEqual({ title: "Untitled" });
  });
  it("keeps the URL of a licence text, or the text", () => {
    expect(licenseUrl("Available under X: http://creativecommons.org/licenses/by/3.0/")).toBe("http://creativecommons.org/licenses/by/3.0/");
    expect(licenseUrl("All rights reserved")).toBe("All rights reserved");
    expect(licenseUrl("  ")).toBeUndefined();
  });
});

describe("loadJamendo on the real data", () => {
  const real = realDataConfig();
  afterAll(() => real.cleanup());

  it("has 55,525 tracks, 11,565 named, 9,858 with stats, 87/41/59 tags, in a few seconds", async () => {
    const t0 = performance.now();
    const tracks = await loadJamendo(real.config);
    const coldMs = performance.now() - t0; // checksums included: a fresh homeDir has no cache
    expect(tracks.length).toBe(55_525);
    expect(tracks.filter((t) => t.title !== undefined && t.artistName !== undefined).length).toBe(11_565);
    expect(tracks.filter((t) => t.stats !== undefined).length).toBe(9_858);
    const vocab = jamendoTagVocabulary(tracks);
    expect([vocab.genre.length, vocab.instrument.length, vocab.mood.length]).toEqual([87, 41, 59]);
    expect(tracks.findIndex((t, i) => i > 0 && tracks[i - 1].id >= t.id)).toBe(-1); // sorted, no duplicates
    const t948 = tracks.find((t) => t.id === "track_0000948");
    expect(t948?.jamendoId).toBe(948);
    // Generous bound: 2 shared cores under load; measured ~2 s cold (hashing included).
    expect(coldMs).toBeLessThan(20_000);
  });
});

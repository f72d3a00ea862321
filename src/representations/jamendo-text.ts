/**
 * @file Readable text for MTG-Jamendo tags and tracks: compound tags split into words ("easylistening" →
 * "easy listening"), a track's tags as one phrase, and its "title by artist" name.
 */
import type { JamendoTrack, TrackTags } from "../datasets/types.js";

/** Compound tags written without spaces in the dataset, and how people write them. Others display as they are. */
const DISPLAY: Readonly<Record<string, string>> = Object.freeze({
  acidjazz: "acid jazz",
  alternativerock: "alternative rock",
  bluesrock: "blues rock",
  bossanova: "bossa nova",
  classicrock: "classic rock",
  darkambient: "dark ambient",
  deephouse: "deep house",
  drumnbass: "drum and bass",
  easylistening: "easy listening",
  hardrock: "hard rock",
  hiphop: "hip hop",
  instrumentalpop: "instrumental pop",
  instrumentalrock: "instrumental rock",
  jazzfusion: "jazz fusion",
  newage: "new age",
  newwave: "new wave",
  popfolk: "pop folk",
  poprock: "pop rock",
  postrock: "post-rock",
  punkrock: "punk rock",
  rnb: "r&b",
  rocknroll: "rock and roll",
  singersongwriter: "singer-songwriter",
  synthpop: "synth pop",
  triphop: "trip hop",
  worldfusion: "world fusion",
  acousticbassguitar: "acoustic bass guitar",
  acousticguitar: "acoustic guitar",
  classicalguitar: "classical guitar",
  doublebass: "double bass",
  drummachine: "drum machine",
  electricguitar: "electric guitar",
  electricpiano: "electric piano",
  pipeorgan: "pipe organ",
});

/**
 * How a tag reads in text (the dataset's `genre---` style prefix, if still present, is dropped).
 * @example tagDisplay("easylistening") // "easy listening"
 */
export function tagDisplay(tag: string): string {
  const bare = tag.includes("---") ? tag.slice(tag.lastIndexOf("---") + 3) : tag;
  return DISPLAY[bare] ?? bare;
}

/**
 * A track's tags as one readable phrase: genres, then instruments, then moods/themes; ", " within a group, "; "
 * between groups; empty groups skipped. Tag order within a group is as given (the loader sorts them).
 * @example tagPhrase({ genre: ["pop", "rock"], instrument: ["guitar"], mood: ["energetic"] }) // "pop, rock; guitar; energetic"
 */
export function tagPhrase(tags: TrackTags): string {
  return [tags.genre, tags.instrument, tags.mood]
    .filter((g) => g.length > 0)
    .map((g) => g.map(tagDisplay).join(", "))
    .join("; ");
}

/**
 * "title by artist" where both are known, the title alone when only it is, else "" (no name: a zero vector).
 * @example trackName({ title: "Intro", artistName: "Nobody" }) // "Intro by Nobody"
 */
export function trackName(track: Pick<JamendoTrack, "title" | "artistName">): string {
  const title = track.title?.trim() ?? "";
  const artist = track.artistName?.trim() ?? "";
  if (title === "") return "";
  return artist === "" ? title : `${title} by ${artist}`;
}

/** Category-qualified tag keys of a track ("genre---rock"), for vocabularies where "genre---x" ≠ "mood---x". */
export function qualifiedTags(tags: TrackTags): string[] {
  return [...tags.genre.map((t) => `genre---${t}`), ...tags.instrument.map((t) => `instrument---${t}`), ...tags.mood.map((t) => `mood---${t}`)];
}

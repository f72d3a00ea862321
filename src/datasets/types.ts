/**
 * @file The canonical shapes every dataset loader produces. Everything above the datasets layer sees only these.
 */

/** Tags of one MTG-Jamendo track by category, as they appear after `genre---`, `instrument---`, `mood/theme---`. */
export interface TrackTags {
  readonly genre: readonly string[];
  readonly instrument: readonly string[];
  readonly mood: readonly string[];
}

/** One MTG-Jamendo track, joined across every category file; names and stats from song-describer where present. */
export interface JamendoTrack {
  /** e.g. "track_0000948" (the id benchmarks use). */
  readonly id: string;
  /** The Jamendo numeric id (948): the track page is https://www.jamendo.com/track/948. */
  readonly jamendoId: number;
  readonly artistId: string;
  readonly albumId: string;
  readonly durationSec: number;
  readonly path: string;
  readonly tags: TrackTags;
  /** From song-describer's `"title" by artist` attribution, when present. */
  readonly title?: string;
  readonly artistName?: string;
  /** Audio licence URL, when present. */
  readonly license?: string;
  /** Listens / downloads / favorites from song-describer's jamendo_stats, when present. */
  readonly stats?: { readonly listens: number; readonly downloads: number; readonly favorites: number };
}

/** Last.fm-2k (HetRec 2011). Ids are the dataset's own integer ids. */
export interface LastfmArtist {
  readonly id: number;
  readonly name: string;
  readonly url: string;
}
export interface LastfmTag {
  readonly id: number;
  readonly text: string;
}
export interface LastfmPlay {
  readonly user: number;
  readonly artist: number;
  readonly plays: number;
}
export interface LastfmTagAssignment {
  readonly user: number;
  readonly artist: number;
  readonly tag: number;
  /** ISO date yyyy-mm-dd. */
  readonly date: string;
}
export interface LastfmDataset {
  /** In `artists.dat` row order. */
  readonly artists: readonly LastfmArtist[];
  readonly tags: readonly LastfmTag[];
  /** Every user id that appears in `user_artists.dat`, ascending. */
  readonly users: readonly number[];
  readonly plays: readonly LastfmPlay[];
  readonly tagAssignments: readonly LastfmTagAssignment[];
  readonly friends: readonly (readonly [number, number])[];
}

/** CPCD dialogs (Conversational Playlist Curation Dataset). */
export interface CpcdTurn {
  readonly userQuery: string;
  readonly systemResponse: string;
  readonly searchQueries: readonly string[];
  readonly searchResults: readonly (readonly string[])[];
  readonly liked: readonly string[];
  readonly disliked: readonly string[];
}
export interface CpcdTrack {
  readonly id: string;
  readonly title: string;
  readonly artists: readonly string[];
  readonly album?: string;
  /**
   * Upstream `track_cluster_ids`: tracks with approximately the same title and artists share it. CPCD's official
   * evaluation maps predictions, gold and seeds to clusters, so a near-duplicate upload counts as the same track.
   */
  readonly clusterId: string;
  /** Upstream `track_canonical_ids`: the canonical track id of that cluster. */
  readonly canonicalId: string;
}
export interface CpcdDialog {
  readonly id: string;
  readonly turns: readonly CpcdTurn[];
  readonly tracks: ReadonlyMap<string, CpcdTrack>;
  readonly goalPlaylist: readonly string[];
}

/** One row of cpcd_intent.csv: a CPCD turn with intent / action and music-attribute labels. */
export interface CpcdIntentRow {
  readonly index: number;
  readonly dialogId: string;
  readonly uniqueId: string;
  readonly role: "user" | "system";
  readonly content: string;
  readonly intents: readonly string[];
  readonly musicAttributes: readonly string[];
}

export type { Progress } from "../core/progress.js";

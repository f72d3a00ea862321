/**
 * @file The album and artist of each item where the source data has them but the catalog does not store them:
 * Jamendo's ALBUM_ID and ARTIST_ID (most tracks have no artist name, so the catalog's `artist` is usually empty).
 * Diversity reads them; other catalogs (Last.fm artists) have none. Also the other side data a catalog's ranker
 * reads from the source: descriptions of artists outside it, and listening histories.
 */
import type { Config } from "../config.js";
import { loadJamendo } from "../datasets/jamendo/index.js";
import { loadLastfm } from "../datasets/lastfm/index.js";
import { CoListening } from "./co-listening.js";
import { ArtistDescriptions } from "./understanding/references.js";
import type { DiversityItem } from "./diversity.js";

/** Album and artist by item id, or undefined for a catalog whose source has none. */
export async function catalogGroups(config: Config, catalog: string): Promise<ReadonlyMap<string, Pick<DiversityItem, "album" | "artist">> | undefined> {
  if (catalog !== "jamendo") return undefined;
  const tracks = await loadJamendo(config);
  return new Map(tracks.map((t) => [t.id, { album: t.albumId, artist: t.artistId }]));
}

/**
 * Descriptions of artists outside a catalog, from Last.fm-2k's tags: for every catalog but lastfm-2k itself (whose
 * items are those artists, matched by entity awareness).
 */
export async function catalogDescriptions(config: Config, catalog: string): Promise<ArtistDescriptions | undefined> {
  if (catalog === "lastfm-2k") return undefined;
  return ArtistDescriptions.fromLastfm(await loadLastfm(config));
}

/** Who each artist's listeners also play (Last.fm-2k's user_artists.dat), for lastfm-2k; undefined elsewhere. */
export async function catalogCoListening(config: Config, catalog: string): Promise<CoListening | undefined> {
  if (catalog !== "lastfm-2k") return undefined;
  const { plays } = await loadLastfm(config);
  return CoListening.fromListens(plays.map((p) => ({ user: String(p.user), item: String(p.artist) })));
}

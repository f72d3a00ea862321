/**
 * @file CPCD dialog loader (Conversational Playlist Curation Dataset JSONL: turns, tracks, goal playlist).
 */
import { z } from "zod";
import type { Config } from "../../config.js";
import { readJsonl } from "../jsonl.js";
import { resolveDataFile } from "../mirror.js";
import { dataErrorAt } from "../tsv.js";
import type { CpcdDialog, CpcdTrack } from "../types.js";

/** The mirrored 5-dialog sample of the upstream validation file. */
export const CPCD_SAMPLE = "cpcd/cpcd_v1.dialogs.sample.jsonl";

const turnSchema = z.object({
  user_query: z.string(),
  system_response: z.string(),
  search_queries: z.array(z.string()),
  search_results: z.array(z.array(z.string())),
  liked_results: z.array(z.string()),
  disliked_results: z.array(z.string()),
});

const trackSchema = z.object({
  track_ids: z.string().min(1),
  track_titles: z.string(),
  track_artists: z.array(z.string()),
  // Absent or null for some tracks upstream; optional here.
  track_release_titles: z.string().nullish(),
  // The official evaluation scores by cluster: a track without one could not be scored, so both are required.
  track_cluster_ids: z.string().min(1),
  track_canonical_ids: z.string().min(1),
});

const dialogSchema = z.object({
  id: z.string().min(1),
  turns: z.array(turnSchema),
  tracks: z.record(z.string(), trackSchema),
  goal_playlist: z.array(z.string()),
});

/**
 * Parses a CPCD dialog JSONL file (upstream schema: `id`, `turns[]` with `user_query`, `system_response`,
 * `search_queries`, `search_results`, `liked_results`, `disliked_results`, `tracks` id → metadata,
 * `goal_playlist`) into canonical dialogs, in file order.
 * @throws DataError `"<file>:<line>: ..."` for malformed JSON, a missing field or a wrong type (naming the field,
 *   e.g. `field turns.2.liked_results: Expected array, received string`), a duplicate dialog id, a tracks entry whose
 *   key differs from its `track_ids`, a track id given two different clusters on two lines, or a liked/disliked result
 *   that is not in `tracks`; a missing or empty file.
 *   A `goal_playlist` id without metadata is kept (upstream has such ids; the official evaluation looks them up in
 *   its global tracks file).
 * @example
 * const dialogs = await loadCpcdDialogs(await cpcdSampleFile(config));
 * dialogs.length; // 5
 * dialogs[0].turns[0].userQuery; // "hello, i'm going on a road trip with my girl, can you make us a playlist"
 */
export async function loadCpcdDialogs(file: string): Promise<CpcdDialog[]> {
  const dialogs: CpcdDialog[] = [];
  const seen = new Set<string>();
  // A track id names one cluster across the file: the official evaluation reads clusters from one global table.
  const clusterOf = new Map<string, { readonly cluster: string; readonly lineNo: number }>();
  for await (const { value, lineNo } of readJsonl(file, dialogSchema)) {
    if (seen.has(value.id)) throw dataErrorAt(file, lineNo, `duplicate dialog id "${value.id}"`);
    seen.add(value.id);
    const tracks = new Map<string, CpcdTrack>();
    for (const [key, t] of Object.entries(value.tracks)) {
      if (t.track_ids !== key) throw dataErrorAt(file, lineNo, `tracks["${key}"].track_ids is "${t.track_ids}", expected "${key}"`);
      const earlier = clusterOf.get(key);
      if (earlier !== undefined && earlier.cluster !== t.track_cluster_ids) {
        throw dataErrorAt(file, lineNo, `field tracks.${key}.track_cluster_ids: "${t.track_cluster_ids}", but line ${earlier.lineNo} gives this track cluster "${earlier.cluster}"`);
      }
      clusterOf.set(key, { cluster: t.track_cluster_ids, lineNo });
      tracks.set(
        key,
        Object.freeze({
          id: key,
          title: t.track_titles,
          artists: Object.freeze(t.track_artists),
          ...(t.track_release_titles != null ? { album: t.track_release_titles } : {}),
          clusterId: t.track_cluster_ids,
          canonicalId: t.track_canonical_ids,
        }),
      );
    }
    value.turns.forEach((turn, i) => {
      for (const key of ["liked_results", "disliked_results"] as const) {
        // Feedback becomes dense item indices of the candidate pool: an id without metadata has no index.
        const j = turn[key].findIndex((id) => !tracks.has(id));
        if (j >= 0) throw dataErrorAt(file, lineNo, `field turns.${i}.${key}.${j}: track "${turn[key][j]}" is not in tracks`);
      }
    });
    dialogs.push(
      Object.freeze({
        id: value.id,
        turns: Object.freeze(
          value.turns.map((t) =>
            Object.freeze({
              userQuery: t.user_query,
              systemResponse: t.system_response,
              searchQueries: t.search_queries,
              searchResults: t.search_results,
              liked: t.liked_results,
              disliked: t.disliked_results,
            }),
          ),
        ),
        tracks,
        goalPlaylist: Object.freeze(value.goal_playlist),
      }),
    );
  }
  return dialogs;
}

/** Resolves (and verifies) the mirrored CPCD sample file. */
export function cpcdSampleFile(config: Config): Promise<string> {
  return resolveDataFile(config, CPCD_SAMPLE);
}

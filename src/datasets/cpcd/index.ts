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
 * @throws DataError `"<file>:<line>: ..."` for malformed JSON, a missing field, a duplicate dialog id, or a
 *   tracks entry whose key differs from its `track_ids`; a missing or empty file.
 * @example
 * const dialogs = await loadCpcdDialogs(await cpcdSampleFile(config));
 * dialogs.length; // 5
 * dialogs[0].turns[0].userQuery; // "hello, i'm going on a road trip with my girl, can you make us a playlist"
 */
export async function loadCpcdDialogs(file: string): Promise<CpcdDialog[]> {
  const dialogs: CpcdDialog[] = [];
  const seen = new Set<string>();
  for await (const { value, lineNo } of readJsonl(file, dialogSchema)) {
    if (seen.has(value.id)) throw dataErrorAt(file, lineNo, `duplicate dialog id "${value.id}"`);
    seen.add(value.id);
    const tracks = new Map<string, CpcdTrack>();
    for (const [key, t] of Object.entries(value.tracks)) {
      if (t.track_ids !== key) throw dataErrorAt(file, lineNo, `tracks["${key}"].track_ids is "${t.track_ids}", expected "${key}"`);
      tracks.set(
        key,
        Object.freeze({
          id: key,
          title: t.track_titles,
          artists: Object.freeze(t.track_artists),
          ...(t.track_release_titles != null ? { album: t.track_release_titles } : {}),
        }),
      );
    }
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

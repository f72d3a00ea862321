/**
 * @file Test fixture: three small dialogues in CPCD's upstream dialog JSONL schema, made up here, whose pool (130
 * tracks, 129 clusters) is just big enough for the official 100-prediction rule, with hand-checkable answers.
 *
 * - d1: tracks t000–t059 (t001 and t002 share cluster c001), goal t001 t010 t011 t012 t013; turn 1 likes
 *   t010–t013 and dislikes t020, so turn 2's seeds are t010 t011 t012 (the first 3).
 * - d2: tracks u000–u059 plus t005 (shared with d1); goal u005 and "gone" (no metadata anywhere); turn 0 likes u005.
 * - d3: tracks v000–v009; goal v001, liked at turn 0, so turn 1 has no gold left and is skipped.
 */

/** A track entry of the upstream schema; its cluster is "c-<id>" unless given. */
function track(id: string, title: string, artist: string, cluster = `c-${id}`): Record<string, unknown> {
  return { track_ids: id, track_titles: title, track_release_titles: `${title} (single)`, track_artists: [artist], track_canonical_ids: id, track_cluster_ids: cluster };
}

function turn(user: string, system: string, liked: string[] = [], disliked: string[] = []): Record<string, unknown> {
  const shown = [...liked, ...disliked];
  return { user_query: user, system_response: system, search_queries: shown.length > 0 ? [user] : [], search_results: shown.length > 0 ? [shown] : [], liked_results: liked, disliked_results: disliked };
}

function tracks(prefix: string, n: number, genre: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${String(i).padStart(3, "0")}`;
    out[id] = track(id, `${genre} song ${i}`, `${genre} artist ${i % 7}`);
  }
  return out;
}

/**
 * The three dialogues as upstream JSON objects (fresh copies: tests may alter them).
 * @example syntheticCpcdDialogs().map((d) => d.id) // ["d1", "d2", "d3"]
 */
export function syntheticCpcdDialogs(): Record<string, unknown>[] {
  const d1Tracks = tracks("t", 60, "highlife");
  d1Tracks.t002 = track("t002", "highlife song 1 (live)", "highlife artist 1", "c-t001");
  const d2Tracks = { ...tracks("u", 60, "sad"), t005: d1Tracks.t005 };
  return [
    {
      id: "d1",
      turns: [
        turn("hello can you make me a playlist", "sure, any genre in mind?"),
        turn("some highlife please", "here are a few highlife songs", ["t010", "t011", "t012", "t013"], ["t020"]),
        turn("more like these", "how about these?", ["t001"]),
      ],
      tracks: d1Tracks,
      goal_playlist: ["t001", "t010", "t011", "t012", "t013"],
    },
    {
      id: "d2",
      turns: [turn("sad songs for a rainy day", "try these", ["u005"]), turn("thanks, something slower", "ok")],
      tracks: d2Tracks,
      goal_playlist: ["u005", "gone"],
    },
    {
      id: "d3",
      turns: [turn("anything by vintage artist", "here", ["v001"]), turn("great, that's all", "bye")],
      tracks: tracks("v", 10, "vintage"),
      goal_playlist: ["v001"],
    },
  ];
}

/**
 * The dialogues as JSONL text (one dialogue a line).
 * @example syntheticCpcdJsonl().split("\n").length // 4 (three lines and the final newline)
 */
export function syntheticCpcdJsonl(dialogs: readonly Record<string, unknown>[] = syntheticCpcdDialogs()): string {
  return dialogs.map((d) => JSON.stringify(d)).join("\n") + "\n";
}

import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DataError } from "../../errors.js";
import { realDataConfig, tempFile } from "../testing.js";
import { cpcdSampleFile, loadCpcdDialogs } from "./index.js";

const DIALOG = {
  id: "d1",
  turns: [
    { user_query: "hi", system_response: "hello", search_queries: [], search_results: [], liked_results: [], disliked_results: [] },
    { user_query: "upbeat", system_response: "here", search_queries: ["hey ya"], search_results: [["a", "b"]], liked_results: ["a"], disliked_results: ["b"] },
  ],
  tracks: {
    a: { track_ids: "a", track_titles: "Hey Ya", track_release_titles: "Speakerboxxx", track_artists: ["Outkast"], track_canonical_ids: "a", track_cluster_ids: "c1" },
    b: { track_ids: "b", track_titles: "Other", track_artists: ["X", "Y"], track_canonical_ids: "a", track_cluster_ids: "c1" },
  },
  goal_playlist: ["a"],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function file(content: string): Promise<string> {
  const t = await tempFile("dialogs.jsonl", content);
  cleanups.push(t.cleanup);
  return t.file;
}

describe("loadCpcdDialogs", () => {
  it("maps the upstream schema to CpcdDialog", async () => {
    const [d] = await loadCpcdDialogs(await file(JSON.stringify(DIALOG) + "\n\n"));
    expect(d.id).toBe("d1");
    expect(d.turns[1]).toEqual({ userQuery: "upbeat", systemResponse: "here", searchQueries: ["hey ya"], searchResults: [["a", "b"]], liked: ["a"], disliked: ["b"] });
    expect(d.tracks.get("a")).toEqual({ id: "a", title: "Hey Ya", artists: ["Outkast"], album: "Speakerboxxx", clusterId: "c1", canonicalId: "a" });
    expect(d.tracks.get("b")).toEqual({ id: "b", title: "Other", artists: ["X", "Y"], clusterId: "c1", canonicalId: "a" });
    expect(d.goalPlaylist).toEqual(["a"]);
  });

  it("a malformed line: DataError with file and line", async () => {
    const f = await file(`${JSON.stringify(DIALOG)}\n{"id": "d2", "turns": [\n`);
    const err = await loadCpcdDialogs(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: malformed JSON`));
  });

  it("a missing field, a duplicate id, an empty file, a missing file", async () => {
    const noGoal = { ...DIALOG, goal_playlist: undefined };
    await expect(loadCpcdDialogs(await file(JSON.stringify(noGoal)))).rejects.toThrow(/:1: field goal_playlist: Required/);
    await expect(loadCpcdDialogs(await file(`${JSON.stringify(DIALOG)}\n${JSON.stringify(DIALOG)}\n`))).rejects.toThrow(/:2: duplicate dialog id "d1"/);
    await expect(loadCpcdDialogs(await file("\n"))).rejects.toThrow(/empty file/);
    await expect(loadCpcdDialogs("/nonexistent/d.jsonl")).rejects.toThrow(/\/nonexistent\/d\.jsonl: no such file/);
  });

  it("a malformed turn or track names the line and the field", async () => {
    const withTurn = (turn: Record<string, unknown>) => JSON.stringify({ ...DIALOG, turns: [DIALOG.turns[0], turn] });
    const { liked_results: _liked, ...noLiked } = DIALOG.turns[1];
    await expect(loadCpcdDialogs(await file(`${JSON.stringify({ ...DIALOG, id: "d0" })}\n${withTurn(noLiked)}\n`))).rejects.toThrow(
      /:2: field turns\.1\.liked_results: Required$/,
    );
    await expect(loadCpcdDialogs(await file(withTurn({ ...DIALOG.turns[1], user_query: 7 })))).rejects.toThrow(
      /:1: field turns\.1\.user_query: Expected string, received number$/,
    );
    await expect(loadCpcdDialogs(await file(withTurn({ ...DIALOG.turns[1], liked_results: ["a", "zz"] })))).rejects.toThrow(
      /:1: field turns\.1\.liked_results\.1: track "zz" is not in tracks$/,
    );
    await expect(loadCpcdDialogs(await file(withTurn({ ...DIALOG.turns[1], disliked_results: ["zz"] })))).rejects.toThrow(
      /:1: field turns\.1\.disliked_results\.0: track "zz" is not in tracks$/,
    );
    const { track_cluster_ids: _c, ...noCluster } = DIALOG.tracks.a;
    await expect(loadCpcdDialogs(await file(JSON.stringify({ ...DIALOG, tracks: { ...DIALOG.tracks, a: noCluster } })))).rejects.toThrow(
      /:1: field tracks\.a\.track_cluster_ids: Required$/,
    );
  });

  it("one track, two clusters on two lines: names both lines", async () => {
    const other = { ...DIALOG, id: "d2", tracks: { a: { ...DIALOG.tracks.a, track_cluster_ids: "c9" }, b: DIALOG.tracks.b } };
    await expect(loadCpcdDialogs(await file(`${JSON.stringify(DIALOG)}\n${JSON.stringify(other)}\n`))).rejects.toThrow(
      /:2: field tracks\.a\.track_cluster_ids: "c9", but line 1 gives this track cluster "c1"$/,
    );
  });

  it("keeps a goal track that has no metadata (upstream has them)", async () => {
    const [d] = await loadCpcdDialogs(await file(JSON.stringify({ ...DIALOG, goal_playlist: ["a", "gone"] })));
    expect(d.goalPlaylist).toEqual(["a", "gone"]);
    expect(d.tracks.has("gone")).toBe(false);
  });
});

describe("the mirrored CPCD sample", () => {
  const real = realDataConfig();
  afterAll(() => real.cleanup());

  it("has 5 dialogs whose liked tracks all have metadata", async () => {
    const dialogs = await loadCpcdDialogs(await cpcdSampleFile(real.config));
    expect(dialogs.length).toBe(5);
    expect(dialogs[0].id).toBe("e504147b42cb891e");
    for (const d of dialogs) {
      expect(d.turns.length).toBeGreaterThan(0);
      for (const t of d.turns) for (const id of t.liked) expect(d.tracks.has(id)).toBe(true);
    }
  });
});

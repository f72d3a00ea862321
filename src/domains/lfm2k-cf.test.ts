import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../config.js";
import { csrRow } from "../core/sparse.js";
import { loadCfSplit, loadCfTrain } from "../datasets/benchmarks/index.js";
import { realDataConfig } from "../datasets/testing.js";
import type { LastfmPlay, LastfmTagAssignment } from "../datasets/types.js";
import { DataError } from "../errors.js";
import { buildLfm2kCfDomain, cfRequest, lfm2kCfDomainFrom, lfm2kCfSelection, lfm2kCfTrainFile } from "./lfm2k-cf.js";
import type { Domain } from "./types.js";

/** 10 users (1..10) over artists 100..107; user u plays artists 100..100+4+(u%3) with plays = u * 10 + offset. */
const train: LastfmPlay[] = Array.from({ length: 10 }, (_, k) => k + 1).flatMap((u) =>
  Array.from({ length: 5 + (u % 3) }, (_, o) => ({ user: u, artist: 100 + o, plays: u * 10 + o })),
);
const artists = Array.from({ length: 9 }, (_, o) => ({ id: 100 + o, name: `Artist ${100 + o}`, url: `http://www.last.fm/music/Artist+${100 + o}` }));
const tags = [
  { id: 1, text: "rock" },
  { id: 2, text: "jazz" },
  { id: 3, text: "secret" },
];
const tag = (user: number, artist: number, t: number): LastfmTagAssignment => ({ user, artist, tag: t, date: "2009-01-01" });

describe("lfm2kCfDomainFrom (fixture)", () => {
  const [selected] = lfm2kCfSelection(train).selection;
  const [fitUser, otherFitUser] = [1, 2, 3].filter((u) => u !== selected.user);
  const tagAssignments = [
    tag(fitUser, 100, 2),
    tag(fitUser, 100, 1),
    tag(otherFitUser, 100, 1),
    tag(selected.user, 101, 3), // a selection user's tag: never read
    tag(99, 102, 3), // a user outside train (a val/test user): never read
    tag(fitUser, 108, 1), // an artist outside the candidates: ignored
  ];
  const d = lfm2kCfDomainFrom({ train, artists, tags, tagAssignments, trainFile: "train.tsv" });

  it("has the artists of train.tsv as items, named from artists.dat", () => {
    // Artists 100..106 are played (user u plays 5 + u % 3 of them); 107 and 108 never are.
    expect(d.items.ids).toEqual(["100", "101", "102", "103", "104", "105", "106"]);
    expect(d.items.names[0]).toBe("Artist 100");
    expect(d.items.texts.name).toEqual(d.items.names);
    expect(d.items.links![0]).toBe("http://www.last.fm/music/Artist+100");
  });

  it("selects on one held-out training user (10% of 10), absent from users, interactions, popularity and tags", () => {
    expect(d.val.length).toBe(1);
    expect(d.users.ids).toEqual(Array.from({ length: 10 }, (_, k) => String(k + 1)).filter((u) => u !== String(selected.user)));
    expect(d.interactions!.rows).toBe(9);
    // Popularity = fit users who played the artist. Everyone plays 100..104; 105 by users with u % 3 >= 1, 106 by u % 3 = 2.
    const fitIds = d.users.ids.map(Number);
    const expected = [100, 101, 102, 103, 104, 105, 106].map((a) => fitIds.filter((u) => a - 100 < 5 + (u % 3)).length);
    expect(Array.from(d.items.popularity)).toEqual(expected);
    expect(d.items.texts.tags[0]).toBe("rock, jazz"); // rock by 2 fit users, jazz by 1
    expect(d.items.texts.tags.slice(1)).toEqual(["", "", "", "", "", ""]); // "secret" came from non-fit users only
    // Every count of fit users' tags (APRON's prototypes), and none of anyone else's.
    expect(d.items.tagCounts!.vocabulary).toEqual(["rock", "jazz"]);
    expect(Array.from(d.items.tagCounts!.counts.indptr)).toEqual([0, 2, 2, 2, 2, 2, 2, 2]);
    expect(Array.from(d.items.tagCounts!.counts.values)).toEqual([2, 1]);
  });

  it("keeps raw plays as interaction values", () => {
    const r = csrRow(d.interactions!, d.users.ids.indexOf(String(fitUser)));
    expect(Array.from(r.indices)).toEqual(Array.from({ length: 5 + (fitUser % 3) }, (_, o) => o));
    expect(Array.from(r.values)).toEqual(Array.from({ length: 5 + (fitUser % 3) }, (_, o) => fitUser * 10 + o));
  });

  it("shapes the selection request like the benchmark's: no words, fold-in history with plays, masked, held-out answers", () => {
    const q = d.val[0];
    const index = (a: number) => d.items.ids.indexOf(String(a));
    expect(q).toEqual(
      cfRequest(
        selected.user,
        selected.foldIn.map((r) => ({ item: index(r.item), value: r.value })),
        selected.heldOut.map((r) => index(r.item)),
      ),
    );
    expect(q.text).toBe("");
    expect(q.exclude).toEqual(q.history!.items);
    expect(q.history!.weights).toEqual(selected.foldIn.map((r) => selected.user * 10 + (r.item - 100)));
    expect(q.relevant.length).toBe(1); // round(0.2 x 5..7) = 1
  });

  it("appends the selection user's full row in refitInteractions", () => {
    const refit = d.refitInteractions!;
    expect([refit.rows, refit.cols]).toEqual([10, 7]);
    const last = csrRow(refit, 9);
    const all = [...selected.foldIn, ...selected.heldOut].map((r) => r.item - 100).sort((a, b) => a - b);
    expect(Array.from(last.indices)).toEqual(all);
    expect(Array.from(last.values)).toEqual(all.map((o) => selected.user * 10 + o));
    for (let r = 0; r < 9; r++) expect(Array.from(csrRow(refit, r).indices)).toEqual(Array.from(csrRow(d.interactions!, r).indices));
  });

  it("has no request encoder: wordless requests get 0-d vectors, words are refused", async () => {
    expect((await d.encodeQueries(["", " "])).cols).toBe(0);
    await expect(d.encodeQueries(["jazz"])).rejects.toThrow(/lfm2k-cf requests carry no words/);
  });

  it("rejects a train artist missing from artists.dat", () => {
    expect(() => lfm2kCfDomainFrom({ train, artists: artists.slice(1), tags, tagAssignments, trainFile: "train.tsv" })).toThrow(DataError);
  });
});

describe("buildLfm2kCfDomain on the real files", () => {
  let config: Config;
  let cleanup: () => Promise<void>;
  let d: Domain;

  beforeAll(async () => {
    ({ config, cleanup } = realDataConfig());
    d = await buildLfm2kCfDomain(config);
  }, 60000);
  afterAll(async () => cleanup?.());

  it("has the README's 2,823 artists, 1,489 training users of which 149 select, and 57,069 training plays", async () => {
    expect(d.items.ids.length).toBe(2823);
    expect(d.users.ids.length).toBe(1489 - 149);
    expect(d.val.length).toBe(149);
    expect([d.refitInteractions!.rows, d.refitInteractions!.indices.length]).toEqual([1489, 57069]);
    const selectionPlays = d.val.reduce((t, q) => t + q.history!.items.length + q.relevant.length, 0);
    expect(d.interactions!.indices.length).toBe(57069 - selectionPlays);
    let listeners = 0;
    for (const x of d.items.popularity) listeners += x;
    expect(listeners).toBe(d.interactions!.indices.length);
    // The selection users are training users, never the benchmark's val users.
    const { foldIn } = await loadCfSplit(lfm2kCfTrainFile(config).replace("train.tsv", "val_in.tsv"));
    const valUsers = new Set(foldIn.map((p) => `u${p.user}`));
    expect(d.val.filter((q) => valUsers.has(q.qid))).toEqual([]);
    const trainUsers = new Set((await loadCfTrain(lfm2kCfTrainFile(config))).map((p) => `u${p.user}`));
    expect(d.val.every((q) => trainUsers.has(q.qid) && !d.users.ids.includes(q.qid.slice(1)))).toBe(true);
  });

  it("names artists and tags most of them from fit users' tags", () => {
    expect(d.items.names[d.items.ids.indexOf("289")]).toBe("Britney Spears");
    expect(d.items.texts.tags.filter((t) => t === "").length).toBe(38);
  });
});

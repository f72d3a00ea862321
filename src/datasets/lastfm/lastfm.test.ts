import { afterAll, afterEach, describe, expect, it } from "vitest";
import { makeMirror, realDataConfig, type TempMirror } from "../testing.js";
import type { LastfmDataset } from "../types.js";
import { LASTFM_FILES, loadLastfm } from "./index.js";

const BASE: Record<string, string | Uint8Array> = {
  [LASTFM_FILES.artists]: 'id\tname\turl\tpictureURL\n1\t"Weird Al" Yankovic\thttp://www.last.fm/music/x\thttp://p/1.jpg\n2\tBjörk\thttp://www.last.fm/music/Bj%C3%B6rk\t\n',
  // latin-1 bytes: "tropicália" has 0xE1 for á
  [LASTFM_FILES.tags]: Buffer.concat([Buffer.from("tagID\ttagValue\r\n1\trock\r\n2\ttropic"), Buffer.from([0xe1]), Buffer.from("lia\r\n")]),
  [LASTFM_FILES.plays]: "userID\tartistID\tweight\r\n7\t1\t100\r\n3\t2\t5\r\n7\t2\t1\r\n",
  [LASTFM_FILES.tagAssignments]: "userID\tartistID\ttagID\tday\tmonth\tyear\n3\t2\t2\t1\t4\t2009\n7\t999\t1\t15\t12\t1956\n",
  [LASTFM_FILES.friends]: "userID\tfriendID\r\n3\t7\r\n7\t3\r\n",
};

const mirrors: TempMirror[] = [];
afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((m) => m.cleanup()));
});
async function load(over: Record<string, string> = {}): Promise<LastfmDataset> {
  const m = await makeMirror({ ...BASE, ...over });
  mirrors.push(m);
  return loadLastfm(m.config);
}

describe("loadLastfm on a fixture", () => {
  it("reads every file with the right encodings, users ascending, ISO dates", async () => {
    const d = await load();
    expect(d.artists).toEqual([
      { id: 1, name: '"Weird Al" Yankovic', url: "http://www.last.fm/music/x" },
      { id: 2, name: "Björk", url: "http://www.last.fm/music/Bj%C3%B6rk" },
    ]);
    expect(d.tags).toEqual([
      { id: 1, text: "rock" },
      { id: 2, text: "tropicália" },
    ]);
    expect(d.users).toEqual([3, 7]);
    expect(d.plays).toEqual([
      { user: 7, artist: 1, plays: 100 },
      { user: 3, artist: 2, plays: 5 },
      { user: 7, artist: 2, plays: 1 },
    ]);
    // The artist 999 row is kept: upstream has tag assignments for artists missing from artists.dat.
    expect(d.tagAssignments).toEqual([
      { user: 3, artist: 2, tag: 2, date: "2009-04-01" },
      { user: 7, artist: 999, tag: 1, date: "1956-12-15" },
    ]);
    expect(d.friends).toEqual([
      [3, 7],
      [7, 3],
    ]);
  });

  it("names file and line of a bad number, an unknown artist, a bad date, a duplicate id", async () => {
    await expect(load({ [LASTFM_FILES.plays]: "userID\tartistID\tweight\n7\t1\t100\n3\t2\tlots\n" })).rejects.toThrow(
      /user_artists\.dat:3: column weight: expected a non-negative integer, got "lots"/,
    );
    await expect(load({ [LASTFM_FILES.plays]: "userID\tartistID\tweight\n7\t5\t1\n" })).rejects.toThrow(/user_artists\.dat:2: artistID 5 is not in/);
    await expect(load({ [LASTFM_FILES.tagAssignments]: "userID\tartistID\ttagID\tday\tmonth\tyear\n3\t2\t2\t1\t13\t2009\n" })).rejects.toThrow(
      /user_taggedartists\.dat:2: invalid date day=1 month=13 year=2009/,
    );
    await expect(load({ [LASTFM_FILES.artists]: "id\tname\turl\tpictureURL\n1\ta\tu\tp\n1\tb\tu\tp\n" })).rejects.toThrow(/artists\.dat:3: duplicate artist id 1/);
  });
});

describe("loadLastfm on the real data", () => {
  const real = realDataConfig();
  afterAll(() => real.cleanup());

  it("has the documented counts", async () => {
    const d = await loadLastfm(real.config);
    expect(d.artists.length).toBe(17_632);
    expect(d.plays.length).toBe(92_834);
    expect(d.tags.length).toBe(11_946);
    expect(d.tagAssignments.length).toBe(186_479);
    expect(d.users.length).toBe(1_892);
    expect(d.users[0]).toBe(2);
    expect(d.tags.find((t) => t.id === 2863)?.text).toBe("tropicália");
    expect(d.tagAssignments[0]).toEqual({ user: 2, artist: 52, tag: 13, date: "2009-04-01" });
  });
});

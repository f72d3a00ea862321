import { describe, expect, it } from "vitest";
import type { CpcdDialog, CpcdTrack } from "../../datasets/types.js";
import { buildCpcdDomain } from "../../domains/cpcd.js";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import { ArtistDescriptions } from "../../ranking/understanding/references.js";
import type { UserIntent } from "../types.js";
import { namedArtists, StateRecommender, type UtteranceLabeler } from "./state-model.js";

// 4 artists x 5 tracks: "Alpha Band" (rock), "Beta Crew" (rock), "Gamma Trio" (jazz), "Delta Duo" (jazz).
const ARTISTS = ["Alpha Band", "Beta Crew", "Gamma Trio", "Delta Duo"];
const tracks = new Map<string, CpcdTrack>();
ARTISTS.forEach((artist, a) => {
  for (let i = 0; i < 5; i++) {
    const id = `a${a}t${i}`;
    tracks.set(id, { id, title: `song ${a * 5 + i}`, artists: [artist], album: `${artist} album`, clusterId: id, canonicalId: id });
  }
});
const dialog: CpcdDialog = { id: "d", turns: [], tracks, goalPlaylist: [] };
const describe_ = new ArtistDescriptions(
  ARTISTS.map((name, a) => ({ name, tagCounts: new Map([[a < 2 ? "rock" : "jazz", 10]]) })),
);
/** Every utterance: the intents a keyword would give (test stand-in for the trained classifier). */
const labeler: UtteranceLabeler = {
  async label(us) {
    return us.map((u) => ({
      intents: (/no |not /.test(u.text) ? ["remove_filter"] : u.position === 0 ? ["initial_query"] : ["add_filter"]) as UserIntent[],
      attributes: [],
    }));
  },
};

async function model() {
  const domain = await buildCpcdDomain([dialog], { encoder: fakeEncoder(8) });
  const m = new StateRecommender({ labeler: async () => labeler, describe: async () => describe_ });
  await m.fit(domain, { seed: 42 });
  return { m, ids: domain.items.ids };
}

describe("StateRecommender", () => {
  it("ranks the tracks of the named artist first", async () => {
    const { m, ids } = await model();
    const [r] = await m.rank([{ text: "some Gamma Trio please" }], { k: 5 });
    expect(Array.from(r.items, (i) => ids[i]).every((id) => id.startsWith("a2"))).toBe(true);
  });

  it("liked tracks pull up their artist's other tracks; disliked tracks are never returned", async () => {
    const { m, ids } = await model();
    const at = (id: string) => ids.indexOf(id);
    const turns = [{ user: "music please", system: "here", liked: [at("a1t0")], disliked: [at("a3t0")] }];
    const [r] = await m.rank([{ text: "more", turns }], { k: 19 });
    const got = Array.from(r.items, (i) => ids[i]);
    // The liked track itself may come back (in eval cpcd repeating is the model's choice; the product excludes shown items).
    expect(got.slice(0, 5).sort()).toEqual(["a1t0", "a1t1", "a1t2", "a1t3", "a1t4"]);
    expect(got).not.toContain("a3t0");
  });

  it("never returns a track of a rejected artist or tag, even when k asks for every track", async () => {
    const { m, ids } = await model();
    const [r] = await m.rank([{ text: "anything but no Alpha Band", turns: [{ user: "no rock", system: "ok" }] }], { k: 20 });
    const got = Array.from(r.items, (i) => ids[i]);
    expect(got.some((id) => id.startsWith("a0") || id.startsWith("a1"))).toBe(false);
    expect(got).toHaveLength(10);
    const state = await m.stateOf({ text: "anything but no Alpha Band", turns: [{ user: "no rock", system: "ok" }] });
    expect(state.constraints.excludeTags).toEqual(["rock"]);
  });

  it("preferred tags (from the artists' Last.fm tags) rank their tracks first when no name is given", async () => {
    const { m, ids } = await model();
    const [r] = await m.rank([{ text: "jazz" }], { k: 10 });
    expect(Array.from(r.items, (i) => ids[i]).every((id) => id.startsWith("a2") || id.startsWith("a3"))).toBe(true);
    const parts = (await m.explain({ text: "jazz" }, r.items[0])).parts;
    expect(parts.tags).toBeGreaterThan(0);
  });
});

describe("namedArtists", () => {
  it("finds whole names only", () => {
    const names = [{ name: "Cher", words: " cher " }, { name: "Heart", words: " heart " }];
    expect(namedArtists("some Cher please", names)).toEqual(["Cher"]);
    expect(namedArtists("cherry hearts", names)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import type { CpcdDialog, CpcdTrack } from "../datasets/types.js";
import { fakeEncoder, fakeVector } from "../representations/fake-encoder.js";
import { buildCpcdDomain, cpcdPool, cpcdTrackText } from "./cpcd.js";

const track = (id: string, title: string, artists: string[], album?: string): CpcdTrack => ({
  id,
  title,
  artists,
  ...(album !== undefined ? { album } : {}),
  clusterId: `c-${id}`,
  canonicalId: id,
});
const dialog = (id: string, tracks: CpcdTrack[]): CpcdDialog => ({ id, turns: [], tracks: new Map(tracks.map((t) => [t.id, t])), goalPlaylist: [] });

describe("cpcdTrackText", () => {
  it("title, artists, and the album when it is not the title again", () => {
    expect(cpcdTrackText(track("a", "Hey Ya!", ["Outkast"], "Speakerboxxx"))).toBe("Hey Ya! by Outkast, from Speakerboxxx");
    expect(cpcdTrackText(track("b", "Kolomental", ["Masta K", "X"], "Kolomental"))).toBe("Kolomental by Masta K, X");
    expect(cpcdTrackText(track("c", "Untitled", []))).toBe("Untitled");
  });
});

describe("cpcdPool and buildCpcdDomain", () => {
  const dialogs = [dialog("d2", [track("zz", "Z", ["A"]), track("b", "B", ["A"])]), dialog("d1", [track("b", "B", ["A"]), track("a", "Aa", ["C"], "Alb")])];

  it("the union of the dialogues' tracks, each once, in id order (not dialogue order)", () => {
    expect(cpcdPool(dialogs).map((t) => t.id)).toEqual(["a", "b", "zz"]);
  });

  it("texts per field, the encoded track sentence as tagtext, no popularity, the evaluated dialogue ids", async () => {
    const d = await buildCpcdDomain(dialogs, { encoder: fakeEncoder(8) });
    expect(d.items.ids).toEqual(["a", "b", "zz"]);
    expect(d.items.texts).toEqual({ title: ["Aa", "B", "Z"], artists: ["C", "A", "A"], album: ["Alb", "", ""] });
    expect(Array.from(d.items.features.tagtext.data.subarray(0, 8))).toEqual(Array.from(fakeVector("Aa by C, from Alb", 8)));
    expect(Array.from(d.items.popularity)).toEqual([0, 0, 0]);
    expect(d.evaluatedDialogIds).toEqual(["d2", "d1"]);
    expect((await d.encodeQueries(["x"])).cols).toBe(8);
  });
});

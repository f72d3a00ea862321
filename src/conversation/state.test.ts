import { describe, expect, it } from "vitest";
import type { WantedTag } from "../ranking/understanding/understand.js";
import { applyTurn, liftConstraints, preferenceOp, recordShown, withFeedback, type TurnAnalysis } from "./state.js";
import { EMPTY_STATE, type UserIntent } from "./types.js";

const wanted = (tag: string, weight = 1, source: WantedTag["source"] = "literal"): WantedTag => ({ tag, weight, from: tag, source });
const analysis = (intents: UserIntent[], tags: WantedTag[] = [], rejectedTags: string[] = [], extra: Partial<TurnAnalysis["understood"]> & { artists?: string[] } = {}): TurnAnalysis => ({
  labels: { intents, attributes: [] },
  understood: { wanted: tags, rejectedTags, rejectedArtists: extra.rejectedArtists ?? [], references: extra.references ?? [] },
  artists: extra.artists,
});

describe("preferenceOp", () => {
  it("maps intents to add / remove / replace / keep", () => {
    expect(preferenceOp({ intents: ["initial_query", "greeting"], attributes: [] })).toBe("add");
    expect(preferenceOp({ intents: ["add_filter"], attributes: [] })).toBe("add");
    expect(preferenceOp({ intents: ["remove_filter"], attributes: [] })).toBe("remove");
    expect(preferenceOp({ intents: ["remove_filter", "add_filter"], attributes: [] })).toBe("replace");
    expect(preferenceOp({ intents: ["accept_response"], attributes: [] })).toBe("keep");
  });
});

describe("applyTurn", () => {
  const first = applyTurn(EMPTY_STATE, "chill jazz but no vocals, not by Kenny G", analysis(["initial_query"], [wanted("jazz"), wanted("chillout", 0.5, "synonym")], ["vocal"], { rejectedArtists: ["Kenny G"] }));

  it("add: the first turn sets preferences and hard constraints", () => {
    expect(first.turn).toBe(0);
    expect(first.requests).toEqual(["chill jazz but no vocals, not by Kenny G"]);
    expect(first.preferences.map((p) => [p.tag, p.weight])).toEqual([["jazz", 1], ["chillout", 0.5]]);
    expect(first.constraints).toEqual({ excludeTags: ["vocal"], excludeArtists: ["Kenny G"] });
  });

  it("add: a later add keeps earlier preferences and constraints, raising a repeated tag", () => {
    const s = applyTurn(first, "more piano, really chill", analysis(["add_filter"], [wanted("piano"), wanted("chillout", 1)]));
    expect(s.preferences.map((p) => p.tag).sort()).toEqual(["chillout", "jazz", "piano"]);
    expect(s.preferences.find((p) => p.tag === "chillout")!.weight).toBe(1);
    expect(s.constraints.excludeTags).toEqual(["vocal"]);
  });

  it("remove: drops the named preference and keeps the others; a rejected tag becomes hard and leaves the preferences", () => {
    const s = applyTurn(first, "forget the chill part", analysis(["remove_filter"], [wanted("chillout")]));
    expect(s.preferences.map((p) => p.tag)).toEqual(["jazz"]);
    const t = applyTurn(first, "no jazz anymore", analysis(["remove_filter"], [], ["jazz"]));
    expect(t.preferences.map((p) => p.tag)).toEqual(["chillout"]);
    expect(t.constraints.excludeTags).toEqual(["vocal", "jazz"]);
  });

  it("replace: earlier preferences go, new ones come, hard constraints stay", () => {
    const s = applyTurn(first, "not jazz, rock instead", analysis(["remove_filter", "add_filter"], [wanted("rock")], ["jazz"]));
    expect(s.preferences.map((p) => p.tag)).toEqual(["rock"]);
    expect(s.constraints.excludeTags).toEqual(["vocal", "jazz"]);
    expect(s.constraints.excludeArtists).toEqual(["Kenny G"]);
  });

  it("accept: explicit likes join liked, preferences unchanged", () => {
    const s = applyTurn(first, "love these", analysis(["accept_response"]), { liked: ["t1", "t2"] }, ["t1", "t2", "t3"]);
    expect(s.liked).toEqual(["t1", "t2"]);
    expect(s.disliked).toEqual([]);
    expect(s.preferences).toEqual(first.preferences);
  });

  it("reject: without feedback the last answer is disliked (but not what was liked before); with feedback, only that", () => {
    const liked = withFeedback(first, { liked: ["t1"] });
    const s = applyTurn(liked, "nah, not these", analysis(["reject_response"]), {}, ["t1", "t2", "t3"]);
    expect(s.disliked).toEqual(["t2", "t3"]);
    expect(s.liked).toEqual(["t1"]);
    const t = applyTurn(liked, "not that one", analysis(["reject_response"]), { disliked: ["t3"] }, ["t1", "t2", "t3"]);
    expect(t.disliked).toEqual(["t3"]);
  });

  it("continue: nothing changes but the turn and the request text; shown items are kept", () => {
    const shown = recordShown(first, ["t1", "t2"]);
    const s = applyTurn(shown, "more like that", analysis(["continue"]));
    expect(s.turn).toBe(1);
    expect(s.preferences).toEqual(first.preferences);
    expect(s.constraints).toEqual(first.constraints);
    expect(s.shown).toEqual(["t1", "t2"]);
  });

  it("lifts an exclusion only when the listener names the tag as wanted again", () => {
    const s = applyTurn(first, "actually some vocal jazz is fine", analysis(["add_filter"], [wanted("vocal")]));
    expect(s.constraints.excludeTags).toEqual([]);
    const t = applyTurn(first, "something calmer", analysis(["add_filter"], [wanted("vocal", 0.1, "related")]));
    expect(t.constraints.excludeTags).toEqual(["vocal"]);
    expect(t.preferences.some((p) => p.tag === "vocal")).toBe(false);
  });

  it("a wanted artist joins the artists and lifts its exclusion", () => {
    const s = applyTurn(first, "ok, some Kenny G after all", analysis(["add_filter"], [], [], { artists: ["Kenny G"] }));
    expect(s.artists).toEqual(["Kenny G"]);
    expect(s.constraints.excludeArtists).toEqual([]);
  });
});

describe("feedback and chips", () => {
  it("the newest verdict on an item wins", () => {
    const s = withFeedback(withFeedback(EMPTY_STATE, { liked: ["a", "b"] }), { disliked: ["a"] });
    expect(s.liked).toEqual(["b"]);
    expect(s.disliked).toEqual(["a"]);
  });
  it("recordShown keeps first-seen order without repeats", () => {
    expect(recordShown(recordShown(EMPTY_STATE, ["a", "b"]), ["b", "c"]).shown).toEqual(["a", "b", "c"]);
  });
  it("liftConstraints removes a constraint chip, case-insensitively", () => {
    const s = applyTurn(EMPTY_STATE, "no Rap", analysis(["initial_query"], [], ["rap"], { rejectedArtists: ["Drake"] }));
    expect(liftConstraints(s, { tags: ["RAP"], artists: ["drake"] }).constraints).toEqual({ excludeTags: [], excludeArtists: [] });
  });
});

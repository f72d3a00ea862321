import { describe, expect, it } from "vitest";
import type { Answer } from "../../../ranking/catalog-ranker.js";
import { formatAnswer } from "./ask.js";

/** An answer ranked by a profile model, with or without the listener's edits among the parts it used. */
function profileAnswer(used: Answer["context"]["used"]): Answer {
  const prototypeWeights = { rock: 0.4, pop: 0.3, jazz: 0.2, folk: 0.05, punk: 0.03, metal: 0.01, soul: 0.01 };
  const item = { id: "a1", name: "Alpha", tags: ["rock"], popularity: 1, text: "Alpha rock" };
  return {
    request: { text: "something loud", excludeTags: [], excludeArtists: [], unmatched: [], understood: { wanted: [], references: [], outside: [] } },
    results: [{ rank: 1, item, score: 2, components: { profile: 2 }, prototypeWeights }],
    candidates: 1,
    ranker: "apron",
    entities: [],
    context: { used, ignored: [] },
    diversity: null,
  } as unknown as Answer;
}

describe("formatAnswer with a profile model", () => {
  it("says once that the profile was used, its strongest prototypes first, and whether the listener's edits were applied", () => {
    const edited = formatAnswer(profileAnswer(["text", "history", "profile"]));
    expect(edited).toContain("ranked by apron");
    expect(edited).toContain("profile used (with your edits): rock 0.40, pop 0.30, jazz 0.20, folk 0.05, punk 0.03, metal 0.01, ... (7 prototypes)");
    expect(edited.match(/profile used/g)).toHaveLength(1);
    expect(formatAnswer(profileAnswer(["text", "history"]))).toContain("profile used (as read from your likes): rock 0.40");
  });
});

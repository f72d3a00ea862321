import { describe, expect, it } from "vitest";
import { contentKey, overlapOf } from "./identity.js";

describe("overlapOf", () => {
  it("counts queries that share a qid or a content with the selection set", () => {
    const selection = [
      { qid: "a", content: "x" },
      { qid: "b", content: "y" },
    ];
    const split = [
      { qid: "a", content: "other" }, // same qid
      { qid: "renamed", content: "y" }, // same content under another qid
      { qid: "b", content: "x" }, // both
      { qid: "c", content: "z" }, // neither
    ];
    expect(overlapOf(split, selection)).toEqual({ byQid: 2, byContent: 2, queries: 3 });
    expect(overlapOf(split, [])).toEqual({ byQid: 0, byContent: 0, queries: 0 });
  });
});

describe("contentKey", () => {
  it("ignores the order of relevant ids, case and outer spaces of the text, but not the user", () => {
    expect(contentKey({ user: 2, text: " Chillout", relevant: [3, 1] })).toBe(contentKey({ user: 2, text: "chillout ", relevant: ["1", "3"] }));
    expect(contentKey({ user: 2, text: "chillout", relevant: [1] })).not.toBe(contentKey({ user: 3, text: "chillout", relevant: [1] }));
  });
});

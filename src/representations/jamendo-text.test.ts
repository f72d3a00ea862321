import { describe, expect, it } from "vitest";
import { qualifiedTags, tagDisplay, tagPhrase, trackName } from "./jamendo-text.js";

describe("jamendo text", () => {
  it("renders tags and names readably", () => {
    expect(tagDisplay("genre---easylistening")).toBe("easy listening");
    expect(tagPhrase({ genre: ["pop", "rock"], instrument: ["electricguitar", "drums"], mood: ["energetic"] })).toBe(
      "pop, rock; electric guitar, drums; energetic",
    );
    expect(tagPhrase({ genre: [], instrument: ["piano"], mood: ["calm"] })).toBe("piano; calm");
    expect(trackName({ title: "Intro", artistName: "Nobody" })).toBe("Intro by Nobody");
    expect(trackName({ title: "Intro" })).toBe("Intro");
    expect(trackName({ artistName: "Nobody" })).toBe("");
    expect(trackName({ title: "  ", artistName: "Nobody" })).toBe("");
  });

  it("qualifies tags by category so equal names in different categories stay apart", () => {
    expect(qualifiedTags({ genre: ["ambient"], instrument: ["voice"], mood: ["ambiental"] })).toEqual([
      "genre---ambient",
      "instrument---voice",
      "mood---ambiental",
    ]);
  });
});

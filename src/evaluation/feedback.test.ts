import { describe, expect, it } from "vitest";
import { heatmapLines } from "../interfaces/cli/commands/feedback.js";
import { contentWords, THRESHOLDS } from "./feedback.js";

describe("feedback benchmark pieces", () => {
  it("counts content words without function words, once each, as the encoder splits them", () => {
    expect(contentWords("Songs for a rainy day and a rainy night", 12)).toEqual(["songs", "rainy", "day", "night"]);
    expect(contentWords("rock and roll", 12)).toEqual(["rock", "roll"]);
    expect(contentWords("the best of", 12)).toEqual(["best"]);
  });

  it("has the paper's thresholds, strengthen below and weaken above", () => {
    expect(THRESHOLDS.map(([s, w]) => `${s},${w}`)).toEqual(["0.5,0.5", "0.6,0.4", "0.7,0.3", "0.8,0.2", "0.9,0.1"]);
  });

  it("draws a heatmap line per word with a bar of one # per 2.5%", () => {
    expect(heatmapLines([{ word: "sad", weight: 0.25 }, { word: "piano", weight: 0.75 }])).toEqual([
      `  sad    0.250 ${"#".repeat(10)}`,
      `  piano  0.750 ${"#".repeat(30)}`,
    ]);
  });
});

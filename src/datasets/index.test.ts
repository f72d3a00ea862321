import { describe, expect, it } from "vitest";
import * as datasets from "./index.js";

describe("datasets public API", () => {
  it("exports every loader and the mirror resolver as functions", () => {
    for (const name of [
      "resolveDataFile",
      "loadJamendo",
      "jamendoTagVocabulary",
      "jamendoTrackUrl",
      "loadLastfm",
      "loadCpcdDialogs",
      "cpcdSampleFile",
      "loadCpcdIntent",
      "loadTagQueries",
      "loadCaptionQueries",
      "loadCfSplit",
      "loadCfTrain",
      "readTsv",
      "readCsv",
    ] as const) {
      expect(typeof datasets[name], name).toBe("function");
    }
    expect(datasets.jamendoTrackUrl({ jamendoId: 948 })).toBe("https://www.jamendo.com/track/948");
  });
});

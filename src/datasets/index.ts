/**
 * @file Public API of the datasets layer: verified mirror access, loaders, and the canonical shapes.
 */
export * from "./types.js";
export { resolveDataFile, sha256File, clearChecksumMemo, type ResolveOptions } from "./mirror.js";
export { upstreamFor, UPSTREAM_SOURCES, type UpstreamSource, type UpstreamLocation } from "./upstream.js";
export { readLines, readLineBatches, readTsv, readTsvBatches, dataErrorAt, parseIntField, parseNumberField, type Line, type TsvRow, type TsvOptions, type TextEncoding } from "./tsv.js";
export { readCsv, parseCsvText, type CsvRecord, type CsvOptions } from "./csv.js";
export { readJsonl, type JsonlRecord } from "./jsonl.js";
export {
  loadJamendo,
  jamendoTagVocabulary,
  jamendoTrackUrl,
  splitAttribution,
  JAMENDO_TAG_FILES,
  type TagVocabulary,
} from "./jamendo/index.js";
export { loadLastfm, LASTFM_FILES } from "./lastfm/index.js";
export { loadCpcdDialogs, cpcdSampleFile, CPCD_SAMPLE } from "./cpcd/index.js";
export { loadCpcdIntent, parseCpcdIntentFile, parsePythonStringList, withoutDialogs, CPCD_INTENT_FILE } from "./cpcd-intent/index.js";
export { loadTagQueries, loadCaptionQueries, loadCfSplit, loadCfTrain, type TagQuery, type CaptionQuery } from "./benchmarks/index.js";

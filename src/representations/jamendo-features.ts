/**
 * @file Text fields and frozen feature vectors of Jamendo tracks, shared by the catalog build and the Jamendo domain.
 */
import { matrix, type Matrix } from "../core/matrix.js";
import type { JamendoTrack, Progress } from "../datasets/types.js";
import { qualifiedTags, tagPhrase, trackName } from "./jamendo-text.js";
import { cotagEmbeddings } from "./tags.js";
import type { TextEncoder } from "./text-encoder.js";

/** Text fields and frozen feature matrices of the tracks (rows in track order). */
export interface JamendoFeatures {
  /**
   * name: "title by artist" or ""; tags: the tag phrase. Each text once: a lexical model indexes every field, so a
   * composite field (name + tags) would count each of their terms twice.
   */
  readonly texts: { readonly name: readonly string[]; readonly tags: readonly string[] };
  /** tagtext, name: encoder vectors (zero rows for empty texts); cotag: 32-d SVD of IDF-weighted track x tag. */
  readonly features: { readonly tagtext: Matrix; readonly name: Matrix; readonly cotag: Matrix };
}

/** Encodes each distinct non-empty text once; empty texts get zero rows (an unknown name says nothing). */
async function encodeDistinctNonEmpty(texts: readonly string[], encoder: TextEncoder): Promise<Matrix> {
  const distinct = [...new Set(texts.filter((t) => t !== ""))];
  const at = new Map(distinct.map((t, i) => [t, i]));
  const m = distinct.length > 0 ? await encoder.encode(distinct) : matrix(0, encoder.dims);
  const d = encoder.dims;
  const out = matrix(texts.length, d);
  texts.forEach((t, i) => {
    const r = at.get(t);
    if (r !== undefined) out.data.set(m.data.subarray(r * d, (r + 1) * d), i * d);
  });
  return out;
}

/**
 * Builds the track texts and features. Only distinct texts are encoded (21,229 tag phrases and 11,565 names on
 * the full catalog), so a cold run with USE-lite takes ~2–3 minutes and a warm (cached) one seconds.
 * @example
 * const f = await buildJamendoFeatures(tracks, defaultTextEncoder(config));
 * f.texts.tags[0]; // "punk rock; ..." ; f.features.cotag.cols // 32
 */
export async function buildJamendoFeatures(tracks: readonly JamendoTrack[], encoder: TextEncoder, progress?: Progress): Promise<JamendoFeatures> {
  const name = tracks.map(trackName);
  const tags = tracks.map((t) => tagPhrase(t.tags));
  progress?.("jamendo features", 0, 3);
  const tagtext = await encodeDistinctNonEmpty(tags, encoder);
  progress?.("jamendo features", 1, 3);
  const nameVecs = await encodeDistinctNonEmpty(name, encoder);
  progress?.("jamendo features", 2, 3);
  const cotag = cotagEmbeddings(tracks.map((t) => qualifiedTags(t.tags)), { k: 32, seed: 0 }).items;
  progress?.("jamendo features", 3, 3);
  return { texts: { name, tags }, features: { tagtext, name: nameVecs, cotag } };
}


/**
 * @file The MTG-Jamendo domain: all 55,525 tracks with text and co-tag features, no users, and synthetic
 * training/validation requests generated from the catalog (zero-shot: real captions are for evaluation only).
 */
import type { Config } from "../config.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { loadJamendo } from "../datasets/jamendo/index.js";
import type { JamendoTrack, Progress } from "../datasets/types.js";
import { defaultTextEncoder } from "../representations/default-encoder.js";
import { cotagEmbeddings } from "../representations/tags.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { qualifiedTags, tagPhrase, trackName } from "./jamendo-text.js";
import { generateSyntheticQueries } from "./synthetic-queries.js";
import type { Domain, LabeledQuery } from "./types.js";

/** Text fields and frozen feature matrices of the tracks (rows in track order). */
export interface JamendoFeatures {
  /** name: "title by artist" or ""; tags: the tag phrase; full: both, for lexical indexing. */
  readonly texts: { readonly name: readonly string[]; readonly tags: readonly string[]; readonly full: readonly string[] };
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
  const full = tracks.map((_, i) => [name[i], tags[i]].filter((s) => s !== "").join(". "));
  progress?.("jamendo features", 0, 3);
  const tagtext = await encodeDistinctNonEmpty(tags, encoder);
  progress?.("jamendo features", 1, 3);
  const nameVecs = await encodeDistinctNonEmpty(name, encoder);
  progress?.("jamendo features", 2, 3);
  const cotag = cotagEmbeddings(tracks.map((t) => qualifiedTags(t.tags)), { k: 32, seed: 0 }).items;
  progress?.("jamendo features", 3, 3);
  return { texts: { name, tags, full }, features: { tagtext, name: nameVecs, cotag } };
}

/** Options of {@link buildJamendoDomain}. */
export interface JamendoDomainOptions {
  /** [default: USE-lite cached under `homeDir/cache/encoder`] used as given for item texts and requests. */
  readonly encoder?: TextEncoder;
  readonly progress?: Progress;
  /** [seed=0] seed of the synthetic requests. */
  readonly seed?: number;
  /** [trainQueries=20000] synthetic training requests (validation: 1,000). */
  readonly trainQueries?: number;
  /** [valQueries=1000] */
  readonly valQueries?: number;
}

/**
 * The Jamendo domain: items = all tracks (ids "track_0000948"; names "title by artist" or the id), no users,
 * popularity = song-describer listens where present else 0 (catalog side information, not answers), and
 * train/val = synthetic requests from the catalog's own tags (disjoint by tag combination, 5–3,000 relevant).
 * The jamendo-captions queries are never read here.
 * @example
 * const d = await buildJamendoDomain(config, { seed: 0 });
 * d.items.ids.length; // 55525
 * d.train[0].text; // e.g. "energetic rock songs with guitar"
 */
export async function buildJamendoDomain(config: Config, options: JamendoDomainOptions = {}): Promise<Domain> {
  const encoder = options.encoder ?? defaultTextEncoder(config, options.progress);
  const tracks = await loadJamendo(config, options.progress);
  const f = await buildJamendoFeatures(tracks, encoder, options.progress);
  const { train, val } = generateSyntheticQueries(
    tracks.map((t) => t.tags),
    { seed: options.seed ?? 0, train: options.trainQueries ?? 20000, val: options.valQueries ?? 1000 },
  );
  // The tags of a synthetic query are its construction, not something a model may read: keep text and labels only.
  const labeled = (qs: typeof train): LabeledQuery[] => qs.map((q) => ({ qid: q.qid, text: q.text, relevant: q.relevant }));
  const popularity = Float32Array.from(tracks, (t) => t.stats?.listens ?? 0);
  return {
    name: "jamendo",
    items: {
      ids: tracks.map((t) => t.id),
      names: tracks.map((t, i) => (f.texts.name[i] !== "" ? f.texts.name[i] : t.id)),
      texts: f.texts,
      features: f.features,
      popularity,
    },
    users: { ids: [], features: {} },
    train: labeled(train),
    val: labeled(val),
    queryEncoderId: encoder.id,
    encodeQueries: (texts) => encoder.encode(texts),
  };
}

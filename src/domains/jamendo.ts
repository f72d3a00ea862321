/**
 * @file The MTG-Jamendo domain: all 55,525 tracks with text and co-tag features, no users, and synthetic
 * training/validation requests generated from the catalog (zero-shot: real captions are for evaluation only).
 */
import type { Config } from "../config.js";
import { csrFromEntries } from "../core/sparse.js";
import { jamendoTrackUrl, loadJamendo } from "../datasets/jamendo/index.js";
import type { JamendoTrack, Progress } from "../datasets/types.js";
import { defaultTextEncoder } from "../representations/default-encoder.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { buildJamendoFeatures, type JamendoFeatures } from "../representations/jamendo-features.js";
import { trackName } from "../representations/jamendo-text.js";
import { generateSyntheticQueries } from "./synthetic-queries.js";
import type { Domain, ItemSide, LabeledQuery } from "./types.js";

/** Relevant tracks sampled per generated query per training epoch (see Domain.positivesPerQuery). */
export const JAMENDO_POSITIVES_PER_QUERY = 16;

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
 * The Jamendo items: ids "track_0000948", names "title by artist" or the id, texts `{ name, tags }` (each text in
 * one field only, so BM25 counts each term once), the frozen features, and popularity = song-describer listens where
 * present else 0 (catalog side information, not answers).
 * @example jamendoItems(tracks, await buildJamendoFeatures(tracks, encoder)).texts // { name: [...], tags: [...] }
 */
export function jamendoItems(tracks: readonly JamendoTrack[], f: JamendoFeatures): ItemSide {
  return {
    ids: tracks.map((t) => t.id),
    names: tracks.map((t, i) => (f.texts.name[i] !== "" ? f.texts.name[i] : t.id)),
    texts: { name: f.texts.name, tags: f.texts.tags },
    features: f.features,
    popularity: Float32Array.from(tracks, (t) => t.stats?.listens ?? 0),
  };
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
  return {
    name: "jamendo",
    items: jamendoItems(tracks, f),
    users: { ids: [], features: {} },
    train: labeled(train),
    val: labeled(val),
    selectionNote: `requests generated from the catalog's tags (${val.length}), never captions`,
    // Generated queries match up to 3,000 tracks each: 16 fresh positives per query per epoch keep an epoch
    // at ~320k pairs instead of millions, while every relevant track is still drawn over the epochs.
    positivesPerQuery: JAMENDO_POSITIVES_PER_QUERY,
    queryEncoderId: encoder.id,
    encodeQueries: (texts) => encoder.encode(texts),
  };
}

/**
 * The Jamendo profile domain: every track with its tags (all categories: the 187 tags of the full catalog), names
 * ("title by artist" or the id), listen links (https://www.jamendo.com/track/<numeric id>) and song-describer
 * listens as popularity. It has no listening data (no interactions, no users, no queries): Jamendo's profile model
 * is built from the tags alone (models/apron/tag-profile.ts), and only what that reads is filled in.
 * @example (await buildJamendoProfileDomain(config)).items.tagCounts!.vocabulary.length // 187
 */
export async function buildJamendoProfileDomain(config: Config, options: { progress?: Progress } = {}): Promise<Domain> {
  const tracks = await loadJamendo(config, options.progress);
  const tagsOf = tracks.map((t) => [...new Set([...t.tags.genre, ...t.tags.instrument, ...t.tags.mood])]);
  const vocabulary = [...new Set(tagsOf.flat())].sort();
  const col = new Map(vocabulary.map((t, j) => [t, j]));
  const counts = csrFromEntries(tracks.length, vocabulary.length, tagsOf.flatMap((tags, row) => tags.map((t) => ({ row, col: col.get(t)!, value: 1 }))));
  const names = tracks.map((t) => trackName(t) || t.id);
  return {
    name: "jamendo",
    items: {
      ids: tracks.map((t) => t.id),
      names,
      texts: { name: names, tags: tagsOf.map((t) => t.join(", ")) },
      features: {},
      popularity: Float32Array.from(tracks, (t) => t.stats?.listens ?? 0),
      links: tracks.map(jamendoTrackUrl),
      tagCounts: { vocabulary, counts },
    },
    users: { ids: [], features: {} },
    train: [],
    val: [],
    selectionNote: "none: Jamendo has no listening data; its profile model is built from the tags, not trained",
    queryEncoderId: "none",
    encodeQueries: () => Promise.reject(new Error("the Jamendo profile domain has no query encoder")),
  };
}

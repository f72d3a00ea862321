/**
 * @file The lfm2k-cf domain: the benchmark's candidate artists as items, its training users and their plays as
 * interactions, and a selection set of held-out training users shaped exactly like the benchmark's requests.
 */
import path from "node:path";
import type { Config } from "../config.js";
import { matrix } from "../core/matrix.js";
import { csrFromEntries } from "../core/sparse.js";
import { loadCfTrain } from "../datasets/benchmarks/index.js";
import { loadLastfm } from "../datasets/lastfm/index.js";
import type { LastfmArtist, LastfmPlay, LastfmTag, LastfmTagAssignment, Progress } from "../datasets/types.js";
import { DataError, InputError } from "../errors.js";
import { topTagsByCount } from "../representations/tags.js";
import { carveHeldOutUsers, type HeldOutUser, type SelectionMode, type UserItemValue } from "./selection.js";
import type { Domain, LabeledQuery } from "./types.js";

/** The benchmark's folder name under `benchmarksDir`. */
export const LFM2K_CF = "lfm2k-cf";
/**
 * Seeds the selection carve. Fixed per benchmark version (VAE-CF's split seed), not `eval --seed`, so the selection
 * set is known before the domain is built (see the spec's `selectionIdentities`).
 */
export const LFM2K_CF_SELECTION_SEED = 98765;
/** Tags per artist in the `tags` text (as in lfm2k-tagq). */
export const LFM2K_CF_TOP_TAGS = 10;
/** queryEncoderId of a domain whose requests have no words. */
export const NO_QUERY_ENCODER = "none";

/** `$ASKMUSIC_BENCHMARKS/lfm2k-cf/train.tsv`. */
export function lfm2kCfTrainFile(config: Config): string {
  return path.join(config.benchmarksDir, LFM2K_CF, "train.tsv");
}

/**
 * One held-out user as a request, the same for the benchmark's users and the domain's selection users: no words,
 * the fold-in items as history (weights = plays) and as the mask, the held-out items as the answers.
 * @example cfRequest(2, [{ item: 0, value: 11351 }], [5]) // { qid: "u2", text: "", history: { items: [0], weights: [11351] }, exclude: [0], relevant: [5] }
 */
export function cfRequest(user: number, foldIn: readonly { readonly item: number; readonly value: number }[], heldOut: readonly number[]): LabeledQuery {
  const items = foldIn.map((r) => r.item);
  return { qid: `u${user}`, text: "", history: { items, weights: foldIn.map((r) => r.value) }, exclude: items, relevant: [...heldOut] };
}

/**
 * The selection carve of lfm2k-cf's training rows (external artist ids): 10% of the training users (seeded), each
 * split 80/20 into fold-in and held-out artists, as the benchmark split its val and test users.
 * @example lfm2kCfSelection(train).selection.length // 149 of 1,489 training users
 */
export function lfm2kCfSelection(train: readonly LastfmPlay[], seed = LFM2K_CF_SELECTION_SEED): { fit: UserItemValue[]; selection: HeldOutUser[] } {
  return carveHeldOutUsers(
    train.map((p) => ({ user: p.user, item: p.artist, value: p.plays })),
    { seed, userFraction: 0.1, heldOutFraction: 0.2, minItems: 5 },
  );
}

/** What {@link lfm2kCfDomainFrom} builds from (the loaded files). */
export interface Lfm2kCfSources {
  /** train.tsv rows. */
  readonly train: readonly LastfmPlay[];
  /** artists.dat, for names. */
  readonly artists: readonly LastfmArtist[];
  /** tags.dat, for tag texts. */
  readonly tags: readonly LastfmTag[];
  /** user_taggedartists.dat: only rows of fit users are ever read. */
  readonly tagAssignments: readonly LastfmTagAssignment[];
  /** For error messages. */
  readonly trainFile: string;
}

/** Options of {@link buildLfm2kCfDomain}. */
export interface Lfm2kCfDomainOptions {
  readonly progress?: Progress;
  /** [LFM2K_CF_SELECTION_SEED] Seeds the selection carve. */
  readonly selectionSeed?: number;
  /**
   * ["default"] Accepted for the BenchmarkSpec contract; both modes give the same selection set, which is already
   * carved from training users (the spec rejects a split that names a training user, so no evaluated user can be
   * in it).
   */
  readonly selection?: SelectionMode;
}

/**
 * Builds the lfm2k-cf domain from loaded sources (pure; see {@link buildLfm2kCfDomain} for what it holds).
 * @throws DataError when train.tsv names an artist that artists.dat does not have.
 */
export function lfm2kCfDomainFrom(sources: Lfm2kCfSources, options: Pick<Lfm2kCfDomainOptions, "selectionSeed"> = {}): Domain {
  // Candidates: every artist of train.tsv. On the distributed files these are exactly the README's 2,823 (the
  // benchmark's >= 5-listener filter over all 1,859 users keeps no artist that only held-out users play).
  const artistIds = [...new Set(sources.train.map((p) => p.artist))].sort((a, b) => a - b);
  const itemOf = new Map(artistIds.map((a, i) => [a, i]));
  const byId = new Map(sources.artists.map((a) => [a.id, a]));
  const names = artistIds.map((a) => {
    const artist = byId.get(a);
    if (artist === undefined) throw new DataError(`${sources.trainFile}: artist ${a} is not in artists.dat; the benchmark and the data mirror disagree`, { path: sources.trainFile });
    return artist.name;
  });

  // Selection users leave before ANY statistic below (popularity, tags, interactions) is computed.
  const { fit, selection } = lfm2kCfSelection(sources.train, options.selectionSeed);
  const fitUsers = [...new Set(fit.map((r) => r.user))].sort((a, b) => a - b);
  const userOf = new Map(fitUsers.map((u, i) => [u, i]));
  const nItems = artistIds.length;
  const fitEntries = fit.map((r) => ({ row: userOf.get(r.user)!, col: itemOf.get(r.item)!, value: r.value }));
  const interactions = csrFromEntries(fitUsers.length, nItems, fitEntries);
  // The selection users' full rows (fold-in and held-out) after the fit users', in selection (= val) order.
  const refitInteractions = csrFromEntries(fitUsers.length + selection.length, nItems, [
    ...fitEntries,
    ...selection.flatMap((s, k) => [...s.foldIn, ...s.heldOut].map((r) => ({ row: fitUsers.length + k, col: itemOf.get(r.item)!, value: r.value }))),
  ]);

  const popularity = new Float32Array(nItems);
  for (const r of fit) if (r.value > 0) popularity[itemOf.get(r.item)!] += 1;

  const tagText = new Map(sources.tags.map((t) => [t.id, t.text]));
  const counts = Array.from({ length: nItems }, () => new Map<number, number>());
  for (const t of sources.tagAssignments) {
    const item = itemOf.get(t.artist);
    // Only tags given by fit users: never a held-out (val/test) user's, never a selection user's.
    if (item === undefined || !userOf.has(t.user)) continue;
    counts[item].set(t.tag, (counts[item].get(t.tag) ?? 0) + 1);
  }
  const tagTexts = topTagsByCount(counts, LFM2K_CF_TOP_TAGS).map((tags) => tags.map((t) => tagText.get(t) ?? String(t)).join(", "));
  // The vocabulary: tags some fit user gave to a candidate, by tag id (stable across runs).
  const tagIds = [...new Set(counts.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
  const column = new Map(tagIds.map((t, j) => [t, j]));
  const tagCounts = {
    vocabulary: tagIds.map((t) => tagText.get(t) ?? String(t)),
    counts: csrFromEntries(nItems, tagIds.length, counts.flatMap((c, item) => [...c].map(([t, n]) => ({ row: item, col: column.get(t)!, value: n })))),
  };
  const links = artistIds.map((a) => byId.get(a)!.url);

  const val = selection.map((s) =>
    cfRequest(
      s.user,
      s.foldIn.map((r) => ({ item: itemOf.get(r.item)!, value: r.value })),
      s.heldOut.map((r) => itemOf.get(r.item)!),
    ),
  );
  return {
    name: LFM2K_CF,
    items: { ids: artistIds.map(String), names, texts: { name: names, tags: tagTexts }, features: {}, popularity, tagCounts, links },
    users: { ids: fitUsers.map(String), features: {} },
    train: [],
    val,
    selectionNote: `${val.length} training users held out (seed ${options.selectionSeed ?? LFM2K_CF_SELECTION_SEED}, 80% fold-in / 20% held-out each), removed before any statistic was computed`,
    interactions,
    refitInteractions,
    queryEncoderId: NO_QUERY_ENCODER,
    encodeQueries: async (texts) => {
      const worded = texts.find((t) => t.trim() !== "");
      if (worded !== undefined) throw new InputError(`${LFM2K_CF} requests carry no words, so its domain has no request encoder (asked to encode "${worded.slice(0, 40)}")`, { field: "text" });
      return matrix(texts.length, 0);
    },
  };
}

/**
 * Builds the lfm2k-cf domain. Items: the artists of `train.tsv` (2,823; ids = artist ids as strings, ascending),
 * named from artists.dat (links: its Last.fm URL), with `texts.tags` = each artist's top 10 tags (count desc, then tag
 * id) assigned by fit users only, and `tagCounts` = every tag count of fit users. Users: the training users minus the selection users (1,340). `interactions`: their raw play counts
 * (values = plays, unnormalised: each model binarises or log-scales as it wants); `refitInteractions` adds the
 * selection users' rows. popularity: number of fit users who played the artist. val: the selection users
 * (149), one request each in the benchmark's shape ({@link cfRequest}). No train queries, no features, no words.
 * @throws DataError when a file is missing or malformed, or train.tsv names an artist artists.dat lacks.
 * @example
 * const d = await buildLfm2kCfDomain(config);
 * [d.items.ids.length, d.users.ids.length, d.val.length]; // [2823, 1340, 149]
 */
export async function buildLfm2kCfDomain(config: Config, options: Lfm2kCfDomainOptions = {}): Promise<Domain> {
  const trainFile = lfm2kCfTrainFile(config);
  options.progress?.("lfm2k-cf: load", 0, 1);
  const [train, lfm] = await Promise.all([loadCfTrain(trainFile), loadLastfm(config)]);
  options.progress?.("lfm2k-cf: load", 1, 1);
  return lfm2kCfDomainFrom({ train, artists: lfm.artists, tags: lfm.tags, tagAssignments: lfm.tagAssignments, trainFile }, options);
}

/** Listeners an artist needs to be in a profile model of lastfm-2k (the lfm2k-cf benchmark's filter). */
export const PROFILE_MIN_LISTENERS = 5;

/**
 * The training domain of lastfm-2k's profile model (the product, not an evaluation): every Last.fm listener's plays
 * (user_artists.dat) over the artists at least 5 of them played, built like the lfm2k-cf domain (10% of listeners
 * held out for selection, tags and popularity from the others only). Named "lastfm-2k/profiles".
 * @example (await buildLastfmProfileDomain(config)).items.ids.length // about 2,800 artists
 */
export async function buildLastfmProfileDomain(config: Config, options: Pick<Lfm2kCfDomainOptions, "progress"> = {}): Promise<Domain> {
  options.progress?.("lastfm-2k profiles: load", 0, 1);
  const lfm = await loadLastfm(config);
  options.progress?.("lastfm-2k profiles: load", 1, 1);
  const listeners = new Map<number, number>();
  for (const p of lfm.plays) if (p.plays > 0) listeners.set(p.artist, (listeners.get(p.artist) ?? 0) + 1);
  const train = lfm.plays.filter((p) => p.plays > 0 && (listeners.get(p.artist) ?? 0) >= PROFILE_MIN_LISTENERS);
  const domain = lfm2kCfDomainFrom({ train, artists: lfm.artists, tags: lfm.tags, tagAssignments: lfm.tagAssignments, trainFile: "user_artists.dat" });
  return { ...domain, name: "lastfm-2k/profiles" };
}

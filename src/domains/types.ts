/**
 * @file A domain is everything a model may learn from and rank over: items with their modalities, users,
 * labeled training/validation queries and the request encoder. Benchmarks and the live catalogs both build one.
 */
import type { Matrix } from "../core/matrix.js";

/** The candidate items. Every item matrix has rows in `ids` order. */
export interface ItemSide {
  /** External ids ("track_0000948", or a Last.fm artist id as a string). Row i of every matrix is ids[i]. */
  readonly ids: readonly string[];
  /** Display names ("Title — Artist", an artist name, or the id when nothing better is known). */
  readonly names: readonly string[];
  /** Text fields a lexical model may index, e.g. { name: [...], tags: [...] }. Never derived from eval answers. */
  readonly texts: Readonly<Record<string, readonly string[]>>;
  /** Frozen modality vectors, e.g. { cf, tagtext, name }: rows = items. */
  readonly features: Readonly<Record<string, Matrix>>;
  /** Interaction counts from training data only (used by popularity and as a prior). */
  readonly popularity: Float32Array;
}

/** Users known to the domain: dense index i is ids[i]. */
export interface UserSide {
  readonly ids: readonly string[];
  /** e.g. { cf }: rows = users. */
  readonly features: Readonly<Record<string, Matrix>>;
}

/** A request with its known relevant items (dense item indices). */
export interface LabeledQuery {
  readonly qid: string;
  readonly text: string;
  /** Dense user index, when the request comes from a known user. */
  readonly user?: number;
  readonly relevant: readonly number[];
}

/** Everything a model may use to fit and score. */
export interface Domain {
  /** e.g. "lfm2k-tagq/shared", "lfm2k-tagq/own", "jamendo". */
  readonly name: string;
  readonly items: ItemSide;
  readonly users: UserSide;
  /** Training queries (benchmark train split, or generated from the catalog for zero-shot domains). */
  readonly train: readonly LabeledQuery[];
  /** Model-selection queries: never the split being evaluated. */
  readonly val: readonly LabeledQuery[];
  /**
   * For domains whose (generated) training queries have very large relevant sets: learned models draw at most
   * this many relevant items per train query per epoch (a fresh seeded sample each epoch). Absent: use all.
   */
  readonly positivesPerQuery?: number;
  /** The request encoder of this domain's feature set (its id keys caches and saved models). */
  readonly queryEncoderId: string;
  /** Encodes request texts: rows = texts, cols = the request vector size of this domain. */
  encodeQueries(texts: readonly string[]): Promise<Matrix>;
}

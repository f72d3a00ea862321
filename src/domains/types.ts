/**
 * @file A domain is everything a model may learn from and rank over: items with their modalities, users,
 * labeled training/validation queries and the request encoder. Benchmarks and the live catalogs both build one.
 */
import type { Matrix } from "../core/matrix.js";
import type { CsrMatrix } from "../core/sparse.js";
import type { RequestContext } from "./requests.js";

/** The candidate items. Every item matrix has rows in `ids` order. */
export interface ItemSide {
  /** External ids ("track_0000948", or a Last.fm artist id as a string). Row i of every matrix is ids[i]. */
  readonly ids: readonly string[];
  /** Display names ("Title — Artist", an artist name, or the id when nothing better is known). */
  readonly names: readonly string[];
  /**
   * Text fields a lexical model may index, e.g. { name: [...], tags: [...] }. Each text belongs to one field only: a
   * lexical model indexes them all, so a composite field (name + tags) would count each term twice. Never derived
   * from eval answers.
   */
  readonly texts: Readonly<Record<string, readonly string[]>>;
  /** Frozen modality vectors, e.g. { cf, tagtext, name }: rows = items. */
  readonly features: Readonly<Record<string, Matrix>>;
  /** Interaction counts from training data only (used by popularity and as a prior). */
  readonly popularity: Float32Array;
  /**
   * How often each tag was given to each item, from training data only (lfm2k-cf: tags assigned by fit users; a
   * held-out or selection user's tags are never counted): rows = items, cols = `vocabulary`. Absent when the domain
   * has no tags. APRON's prototypes are the most frequent of these tags.
   */
  readonly tagCounts?: { readonly vocabulary: readonly string[]; readonly counts: CsrMatrix };
  /** Per item, a link a person can follow to listen (a Last.fm artist page, a Jamendo track page); "" when unknown. */
  readonly links?: readonly string[];
}

/** Users known to the domain: dense index i is ids[i]. */
export interface UserSide {
  readonly ids: readonly string[];
  /** e.g. { cf }: rows = users. */
  readonly features: Readonly<Record<string, Matrix>>;
}

/**
 * A request in context with its known relevant items (dense item indices) and the items masked for it (never
 * ranked: e.g. a fold-in user's own history).
 */
export interface LabeledQuery extends RequestContext {
  readonly qid: string;
  readonly relevant: readonly number[];
  /** Items the benchmark's protocol removes from this request's ranking; absent = nothing is masked. */
  readonly exclude?: readonly number[];
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
  /** Where `val` comes from, for reports (e.g. "val.jsonl (2,853 queries)" or how it was carved). */
  readonly selectionNote?: string;
  /**
   * For domains whose (generated) training queries have very large relevant sets: learned models draw at most
   * this many relevant items per train query per epoch (a fresh seeded sample each epoch). Absent: use all.
   */
  readonly positivesPerQuery?: number;
  /**
   * Interactions of `users` (rows, dense user index) with `items` (cols) from training data only, e.g. play counts
   * of the training users of a collaborative-filtering benchmark. Absent when the domain has none.
   */
  readonly interactions?: CsrMatrix;
  /**
   * The CPCD dialog ids (`id` of the dialog JSONL, `dialog_id` of cpcd-intent) of the split this domain was built to
   * evaluate. Integrity rule: anything trained for such a domain on data derived from CPCD dialogues (e.g. the
   * utterances of `cpcd-intent/cpcd_intent.csv`) must first drop every row whose dialog id is listed here
   * (`withoutDialogs` in src/datasets/cpcd-intent), or the evaluated conversations leak into training. Absent when
   * the domain evaluates no CPCD dialogues.
   */
  readonly evaluatedDialogIds?: readonly string[];
  /**
   * For domains whose selection set is made of held-out training users (lfm2k-cf): the interactions of every
   * training user, the selection users included (rows: `users.ids` in order, then the selection users in `val`
   * order; same columns and value transform as `interactions`). A model may refit on it once its hyperparameters
   * are chosen on `val`, never select on it. Absent: `interactions` already holds every training user.
   */
  readonly refitInteractions?: CsrMatrix;
  /** The request encoder of this domain's feature set (its id keys caches and saved models). */
  readonly queryEncoderId: string;
  /** Encodes request texts: rows = texts, cols = the request vector size of this domain. */
  encodeQueries(texts: readonly string[]): Promise<Matrix>;
}

/**
 * @file The contract every model implements: fit on a Domain, rank requests in context (and, for models that
 * score every item, score them), explain, save and load.
 */
import type { Matrix } from "../core/matrix.js";
import type { ContextPart, RequestContext } from "../domains/requests.js";
import type { Domain } from "../domains/types.js";

export { CONTEXT_PARTS, type AdapterHandle, type ContextPart, type DialogueTurn, type ListeningHistory, type ProfileEdits, type RequestContext } from "../domains/requests.js";

/** The request type of {@link Recommender.score}; the same as {@link RequestContext}. */
export type ScoreRequest = RequestContext;

/** Which context parts a model reads. Documented per model; checked against a benchmark's request shape. */
export interface ContextUse {
  /** Parts that change the model's answer. Anything else a request carries is ignored (and reported as such). */
  readonly uses: readonly ContextPart[];
  /** Parts without which the model cannot rank at all (a subset of `uses`), e.g. twotower needs `user`. */
  readonly needs: readonly ContextPart[];
}

/** Options of {@link Recommender.rank}. */
export interface RankOptions {
  /** Items wanted per request (>= 1). Fewer come back only when fewer than k items are allowed. */
  readonly k: number;
  /**
   * Per request (same order as the requests; a shorter array leaves the rest unrestricted): dense item indices that
   * must never be returned (already seen, excluded by a hard constraint, disliked).
   */
  readonly exclude?: readonly (ReadonlySet<number> | undefined)[];
}

/** One request's ranking: dense item indices best first, and their scores (higher is better). */
export interface RankedList {
  readonly items: Int32Array;
  readonly scores: Float32Array;
}

/** Options for fitting. Seeds are parameters so runs are reproducible. */
export interface FitOptions {
  /** [seed=42] */
  readonly seed: number;
  /** Called with progress of long work (epochs, batches). */
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /** Free-form log line sink (model selection results etc.). */
  readonly log?: (line: string) => void;
}

/** What fitting reports. */
export interface FitReport {
  readonly trainSeconds: number;
  /** e.g. best epoch, val NDCG@10 of the selected configuration. */
  readonly notes?: Readonly<Record<string, number | string>>;
}

/** One word of a request and how much it counted (e.g. attention, summing to 1 over the request's words). */
export interface WordAttribution {
  readonly word: string;
  readonly weight: number;
}

/** Per-item score components, so explanations come from the actual computation. */
export interface ScoreComponents {
  /** Named additive parts of the final score, e.g. { user: 0.3, request: 1.2 } or { bm25: 7.1 }: they sum to it. */
  readonly parts: Readonly<Record<string, number>>;
  /**
   * How an item's modalities were mixed for this request (e.g. { tagtext: 0.61, name: 0.19, cf: 0.2 }), for models
   * that fuse modalities. Weights in [0, 1] summing to 1: data about the computation, not additive parts.
   */
  readonly modalityWeights?: Readonly<Record<string, number>>;
  /** For models that attend over the request's words: each word's weight in the request vector they ranked with. */
  readonly wordAttributions?: readonly WordAttribution[];
  /** For profile models: the prototype (tag) weights of the profile that produced the score, after any edits. */
  readonly prototypeWeights?: Readonly<Record<string, number>>;
}

/**
 * A recommender. `rank` is the contract every model honours; models that score every item also expose `score`
 * (rows = requests, cols = `domain.items`, higher is better) and get `rank` from {@link rankByScoring}.
 */
export interface Recommender {
  readonly name: string;
  /** Which request parts the model reads and needs (see each model's doc for what it ignores and why). */
  readonly context: ContextUse;
  fit(domain: Domain, options: FitOptions): Promise<FitReport>;
  /**
   * The best `k` items of each request, never an excluded one, every index an item of the domain. Generative models
   * search directly and honour `exclude` inside the search, so k valid items still come out.
   */
  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]>;
  /** rows = requests, cols = items. Absent for models that do not score every item (generative retrieval). */
  score?(requests: readonly RequestContext[]): Promise<Matrix>;
  /** Decomposes the score of `item` for one request into named parts (sum ≈ the score). */
  explain?(request: RequestContext, item: number): Promise<ScoreComponents>;
  /**
   * For profile models (APRON): each request's prototype weights after its edits (rows = requests, cols = `tags`),
   * the profile its scores come from. Absent for models without an editable profile.
   */
  profiles?(requests: readonly RequestContext[]): Promise<PrototypeProfiles>;
  /** Writes everything needed to score again (not the domain itself) into `dir`. */
  save(dir: string): Promise<void>;
  /** Restores a saved model for `domain` (the same domain it was fit on). */
  load(dir: string, domain: Domain): Promise<void>;
  dispose(): void;
}

/** Profiles of a batch of requests: the prototypes' tags and their weights per request. */
export interface PrototypeProfiles {
  /** Prototype tags, in column order. */
  readonly tags: readonly string[];
  /** rows = requests, cols = prototypes; each row sums to 1. */
  readonly weights: Matrix;
}

/** Creates an unfitted model. */
export type RecommenderFactory = () => Recommender;

/** A recommender that scores every item (most models; not generative retrieval). */
export type ScoringRecommender = Recommender & Pick<Required<Recommender>, "score">;

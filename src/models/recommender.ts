/**
 * @file The contract every model implements: fit on a Domain, score requests over all items, save and load.
 */
import type { Matrix } from "../core/matrix.js";
import type { Domain } from "../domains/types.js";

/** One request to score. */
export interface ScoreRequest {
  readonly text: string;
  /** Dense user index in the domain, when known. */
  readonly user?: number;
  /** Precomputed `domain.encodeQueries([text])` row; models encode it themselves when absent. */
  readonly vector?: Float32Array;
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

/** Per-item score components, so explanations come from the actual computation. */
export interface ScoreComponents {
  /** Named additive parts of the final score, e.g. { user: 0.3, request: 1.2 } or { bm25: 7.1 }: they sum to it. */
  readonly parts: Readonly<Record<string, number>>;
  /**
   * How an item's modalities were mixed for this request (e.g. { tagtext: 0.61, name: 0.19, cf: 0.2 }), for models
   * that fuse modalities. Weights in [0, 1] summing to 1: data about the computation, not additive parts.
   */
  readonly modalityWeights?: Readonly<Record<string, number>>;
}

/** A recommender. Scores are higher-is-better over all `domain.items` (cols = items). */
export interface Recommender {
  readonly name: string;
  fit(domain: Domain, options: FitOptions): Promise<FitReport>;
  /** rows = requests, cols = items. */
  score(requests: readonly ScoreRequest[]): Promise<Matrix>;
  /** Decomposes the score of `item` for one request into named parts (sum ≈ the score). */
  explain?(request: ScoreRequest, item: number): Promise<ScoreComponents>;
  /** Writes everything needed to score again (not the domain itself) into `dir`. */
  save(dir: string): Promise<void>;
  /** Restores a saved model for `domain` (the same domain it was fit on). */
  load(dir: string, domain: Domain): Promise<void>;
  dispose(): void;
}

/** Creates an unfitted model. */
export type RecommenderFactory = () => Recommender;

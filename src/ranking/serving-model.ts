/**
 * @file The serving port: what `ask`, `serve`, the web app and the catalog ranker's shortlist need from a trained
 * model, whatever system is behind it. Each system's trained serving form is one implementation (JAM and TalkRec
 * now, in ranking/serving/; generative retrieval, profiles, conversations and per-user adapters later), listed in
 * serving-forms.ts with how to train and load it.
 */
import type { Config } from "../config.js";
import type { Progress } from "../core/progress.js";
import type { Domain } from "../domains/types.js";
import type { ContextPart, ContextUse, Recommender, RequestContext, ScoreComponents } from "../models/recommender.js";
import { presentParts } from "../models/rank.js";

/**
 * One request as a serving model sees it: its words and their vector, and what the edge knows about the listener.
 * Item ids are already mapped to the model's rows (history items, liked and disliked items of earlier turns), once,
 * by the catalog ranker; the user stays the catalog's string id, which only the model can map to its own users.
 * @example { text: "calm piano", vector, user: "2", history: { items: [17, 4051], weights: [3, 1] } }
 */
export interface ServingRequest extends Omit<RequestContext, "user" | "vector"> {
  /** The raw request vector, from the encoder named by the model's `encoderId`. */
  readonly vector: Float32Array;
  /** The catalog's user id (e.g. a Last.fm user of lastfm-2k), when the listener is one of its users. */
  readonly user?: string;
  /**
   * For a model that reads the request word by word ({@link ServingModel.words}): each of those words encoded alone
   * by the same encoder, rows in that order (words x vector size, row-major).
   */
  readonly wordVectors?: Float32Array;
}

/**
 * What the caller does with a ranked list: "final" shows its first rows in the model's order, so they must be the
 * model's best; "reranked" adds other score components (taste, named artists) and sorts again, so a pool of
 * about-best rows is enough and a model may search less for it.
 */
export type CandidateUse = "final" | "reranked";

/** Options of {@link PreparedRequest.candidates}. */
export interface CandidateOptions {
  /** Rows wanted (>= 1). Fewer come back only when fewer rows are accepted. */
  readonly k: number;
  /**
   * Rows an answer may hold: false for rows that break a hard constraint or that the listener disliked. The model
   * applies it inside its own search (a generative model while decoding), so k accepted rows still come out.
   * [every row]
   */
  readonly accept?: (row: number) => boolean;
  readonly use: CandidateUse;
}

/** Model rows, best first, with their exact scores (the ones {@link PreparedRequest.score} gives). */
export interface ScoredRows {
  readonly rows: readonly number[];
  readonly scores: readonly number[];
}

/** A request bound to a model: prepared once (projected, its context applied), then ranked and explained. */
export interface PreparedRequest {
  /**
   * The context parts the model read for this request: those it uses (`context.uses`) and could apply, e.g. not a
   * user it was not trained with, nor an adapter trained for another model.
   */
  readonly used: readonly ContextPart[];
  /** The best rows under `accept`, with exact scores (ties by lower row). */
  candidates(options: CandidateOptions): ScoredRows;
  /** Exact scores of the given rows. */
  score(rows: readonly number[]): Float32Array;
  /**
   * One row's score from the model's computation: additive `parts` that sum to its score, and where the model has
   * them modality weights, word attributions or prototype weights.
   */
  explain(row: number): ScoreComponents;
}

/**
 * A trained model ready to answer requests: the port of the request path. `itemIds` and `encoderId` say what it
 * was trained on, so a model of another catalog build or encoder is refused before it ranks anything.
 * @example
 * const model = await SERVING_FORMS["jam-cross"].load(dir);
 * const prepared = model.prepare({ text: "calm piano", vector });
 * prepared.candidates({ k: 10, use: "final" }).rows // [812, 40, ...] (model rows: model.itemIds[812] is the id)
 */
export interface ServingModel {
  /** Registry name, e.g. "jam-cross". */
  readonly name: string;
  /** Which request parts it reads and needs (a form trained without users does not use `user`). */
  readonly context: ContextUse;
  /** External item ids; row i of the model is itemIds[i]. */
  readonly itemIds: readonly string[];
  /** The request encoder it was trained with: requests must be encoded by the same one (unchecked for a model that does not read the text). */
  readonly encoderId: string;
  /**
   * True when the model knows only some of the catalog's items (a profile model trained on the artists enough
   * listeners played): the others are never its candidates, and the ranker places them at the lowest score among
   * its candidates. [false: it knows every item of the catalog, in any order]
   */
  readonly partial?: boolean;
  /** What training reported (epochs, selection NDCG@10, seconds, ...), for display. */
  readonly training: Readonly<Record<string, unknown>>;
  /** Builds what requests read (e.g. search indices) now, so the first request does not wait for it. */
  warm(): void;
  /**
   * Only for a model that reads the request word by word (whitebox): the words of `text` it reads, which the caller
   * encodes one by one into {@link ServingRequest.wordVectors}. Absent: the request vector is all it reads.
   */
  words?(text: string): readonly string[];
  /** Binds one request. Throws InputError for a request vector of the wrong size. */
  prepare(request: ServingRequest): PreparedRequest;
  /** Writes the serving form into `dir` (its serving form's `load` reads it back). */
  save(dir: string): Promise<void>;
}

/**
 * The context parts a serving request carries, in CONTEXT_PARTS order.
 * @example servingParts({ text: "jazz", vector, user: "2" }) // ["text", "user"]
 */
export function servingParts(request: Omit<ServingRequest, "vector">): ContextPart[] {
  // presentParts only asks whether `user` is set; a serving request's user is a string id, not a dense index.
  return presentParts({ ...request, user: request.user === undefined ? undefined : -1 });
}

/**
 * The parts of `request` a model with `use` reads: those it uses, less the ones it cannot apply to this request.
 * @example usedParts({ uses: ["text", "user"], needs: ["text"] }, { text: "jazz", vector, user: "x" }, ["user"]) // ["text"]
 */
export function usedParts(use: ContextUse, request: Omit<ServingRequest, "vector">, cannotApply: readonly ContextPart[] = []): ContextPart[] {
  return servingParts(request).filter((p) => use.uses.includes(p) && !cannotApply.includes(p));
}

/** Options of {@link ServingForm.train}. */
export interface FormTrainOptions {
  readonly seed: number;
  /** The model's own options over its defaults (e.g. { epochs: 2 }); each model validates them. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly log?: (line: string) => void;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * How one system becomes servable: train it on a catalog's domain (model selection on the domain's validation
 * queries) into its serving form, and load that form back from the directory `ServingModel.save` wrote.
 */
export interface ServingForm {
  train(domain: Domain, options: FormTrainOptions): Promise<ServingModel>;
  /**
   * The domain this form trains on for a catalog, when it is not the catalog's text-query domain (APRON trains on
   * listening histories). [the catalog's domain]
   */
  trainingDomain?(config: Config, catalog: string, progress?: Progress): Promise<Domain>;
  /** Whether `--model auto` may pick it: false for a model that cannot answer a request without a listener. [true] */
  readonly auto?: boolean;
  /** Reads a saved serving form; a missing, corrupt or other model's file is a DataError naming it. */
  load(dir: string): Promise<ServingModel>;
}

/**
 * Fits a freshly created model on `domain` and returns its serving form, built by `serve` from the fitted model and
 * what training reported (the fit report's notes, its seconds, the seed and when, kept for display). The model
 * (and its TF.js tensors) is disposed whether fitting succeeds or not.
 * @example const served = await fitForServing(new TalkRecRecommender(), domain, { seed: 42 }, (m, training) => new TalkRecServingModel(m.toServing(training)));
 */
export async function fitForServing<R extends Recommender>(
  model: R,
  domain: Domain,
  options: FormTrainOptions,
  serve: (fitted: R, training: Record<string, unknown>) => ServingModel,
): Promise<ServingModel> {
  try {
    const report = await model.fit(domain, { seed: options.seed, log: options.log, onProgress: options.onProgress });
    return serve(model, { ...report.notes, trainSeconds: report.trainSeconds, seed: options.seed, trainedAt: new Date().toISOString() });
  } finally {
    model.dispose();
  }
}

/**
 * @file The epoch loop every BPR-trained model shares: fresh (query, positive) pairs per epoch, steps over
 * batches, a finite-loss check, model selection by NDCG@10 after each epoch with patience, and the best epoch's
 * weights restored at the end. The model supplies the step and its weights; the loop owns the bookkeeping.
 */
import { z } from "zod";
import { shuffleInPlace, type Rng } from "../../core/random.js";
import { ModelFitError } from "../../errors.js";
import type { FitOptions, FitReport } from "../recommender.js";

/**
 * The options of every model trained by {@link runEpochs}, as a zod shape each model spreads into its own schema
 * (defaults stay per model).
 */
export const BPR_TRAINING_SHAPE = {
  /** Maximum epochs; training stops earlier when selection NDCG@10 stops improving. */
  epochs: z.number().int().min(1),
  /** Epochs without a selection improvement before stopping. */
  patience: z.number().int().min(1),
  /** Positives per step (512 in JAM). */
  batchSize: z.number().int().min(1),
  /** Sampled negatives per positive (4 in JAM). */
  negatives: z.number().int().min(1),
  /** Adam step size (the peak one under a schedule). */
  learningRate: z.number().positive(),
  /** Decoupled (AdamW-style) weight decay on weight matrices, per unit learning rate; 0 = plain Adam. */
  weightDecay: z.number().min(0),
} as const;

/** Training queries as the loop samples them: a left row (query or user) and its relevant items. */
export type TrainingQueries = readonly { readonly row: number; readonly relevant: readonly number[] }[];

/** (left row, item) training pairs of one epoch. */
export interface EpochPairs {
  readonly left: Int32Array;
  readonly item: Int32Array;
}

/**
 * The pairs of one epoch: every relevant item of every query, or, when a query lists more than `cap`, a fresh
 * random sample of `cap` of them (drawn from `rng`, so epochs see different positives, deterministically).
 */
export function samplePairs(queries: TrainingQueries, cap: number | undefined, rng: Rng): EpochPairs {
  const lefts: number[] = [];
  const items: number[] = [];
  for (const { row, relevant } of queries) {
    const chosen = cap !== undefined && relevant.length > cap ? shuffleInPlace(rng, [...relevant]).slice(0, cap) : relevant;
    for (const it of chosen) {
      lefts.push(row);
      items.push(it);
    }
  }
  return { left: Int32Array.from(lefts), item: Int32Array.from(items) };
}

/** What a model hands the loop. */
export interface EpochLoop<B> {
  /** For messages: "jam-cross". */
  readonly name: string;
  readonly epochs: number;
  readonly patience: number;
  /** What each epoch's pairs are sampled from (see {@link samplePairs}), with `rng`. */
  readonly queries: TrainingQueries;
  /** Domain.positivesPerQuery: at most this many positives per query per epoch, resampled each epoch. */
  readonly positivesPerQuery: number | undefined;
  /** Draws the positives, then the batches' negatives: one stream, so a seed fixes the whole run. */
  readonly rng: Rng;
  /** The batches of one epoch's pairs, and how many there will be (for progress). */
  batches(pairs: EpochPairs): { readonly count: number; readonly batches: Iterable<B> };
  /** One optimisation step; returns its mean loss. */
  step(batch: B, stepInEpoch: number, epoch: number): number;
  /** After each epoch's last step, before selection (e.g. drop caches of item embeddings). */
  afterEpoch?(): void;
  /** Selection NDCG@10 of the current weights; undefined when there is nothing to select on. */
  select: (() => Promise<number>) | undefined;
  /**
   * Also select on the weights before the first epoch (reported as epoch 0), for a model that starts from something
   * worth keeping (e.g. a warmed-up prior): training then never ends below its start on the selection set.
   */
  readonly selectStart?: boolean;
  snapshot(): Float32Array[];
  restore(weights: Float32Array[]): void;
  /** Learning rate shown in the non-finite-loss message. */
  readonly learningRate: number;
}

/** What the loop measured, for FitReport.notes. */
export interface EpochLoopResult {
  readonly epochs: number;
  readonly bestEpoch: number;
  /** Best selection NDCG@10, or undefined without selection. */
  readonly bestVal: number | undefined;
  readonly trainSeconds: number;
  readonly selectionSeconds: number;
  readonly lastLoss: number;
  /** Pairs in the last epoch. */
  readonly positives: number;
}

/** Pairs in every epoch of {@link samplePairs} (the same count each epoch), e.g. to size a learning-rate schedule. */
export function pairsPerEpoch(queries: TrainingQueries, cap: number | undefined): number {
  return queries.reduce((n, q) => n + (cap !== undefined ? Math.min(cap, q.relevant.length) : q.relevant.length), 0);
}

/**
 * Runs the loop: at most `epochs` epochs, stopping once `patience` epochs pass without a better selection score,
 * and leaves the best epoch's weights in place (the last epoch's without selection).
 */
export async function runEpochs<B>(loop: EpochLoop<B>, fit: Pick<FitOptions, "log" | "onProgress">): Promise<EpochLoopResult> {
  let best = { val: -Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let epochsRun = 0;
  let lastLoss = Number.NaN;
  let trainSeconds = 0;
  let selectionSeconds = 0;
  let positives = 0;
  let pairs: EpochPairs | undefined;
  if (loop.selectStart === true && loop.select !== undefined) {
    const s0 = performance.now();
    const val = await loop.select();
    selectionSeconds += (performance.now() - s0) / 1000;
    fit.log?.(`${loop.name} epoch 0 (start): selection ndcg@10 ${val.toFixed(4)}`);
    best = { val, epoch: 0, weights: loop.snapshot() };
  }
  for (let epoch = 1; epoch <= loop.epochs; epoch++) {
    const e0 = performance.now();
    // Without a cap every epoch has the same pairs (and draws nothing from rng): sample them once.
    if (pairs === undefined || loop.positivesPerQuery !== undefined) pairs = samplePairs(loop.queries, loop.positivesPerQuery, loop.rng);
    positives = pairs.left.length;
    const { count, batches } = loop.batches(pairs);
    let lossSum = 0;
    let steps = 0;
    for (const batch of batches) {
      const loss = loop.step(batch, steps, epoch);
      if (!Number.isFinite(loss)) {
        throw new ModelFitError(`${loop.name}: loss is ${loss} at epoch ${epoch}, step ${steps + 1}; lower learningRate (now ${loop.learningRate})`);
      }
      lossSum += loss;
      steps++;
      fit.onProgress?.(`${loop.name} epoch ${epoch}/${loop.epochs} steps`, steps, count);
    }
    loop.afterEpoch?.();
    const e1 = performance.now();
    trainSeconds += (e1 - e0) / 1000;
    epochsRun = epoch;
    lastLoss = lossSum / Math.max(steps, 1);
    const val = loop.select !== undefined ? await loop.select() : Number.NaN;
    const e2 = performance.now();
    selectionSeconds += (e2 - e1) / 1000;
    fit.log?.(`${loop.name} epoch ${epoch}: loss ${lastLoss.toFixed(4)}, selection ndcg@10 ${val.toFixed(4)}, train ${((e1 - e0) / 1000).toFixed(1)} s + selection ${((e2 - e1) / 1000).toFixed(1)} s`);
    fit.onProgress?.(`${loop.name} epochs`, epoch, loop.epochs);
    if (loop.select === undefined) continue; // no model selection possible: train all epochs, keep the last weights
    if (val > best.val) best = { val, epoch, weights: loop.snapshot() };
    else if (epoch - best.epoch >= loop.patience) break;
  }
  if (best.weights !== undefined) loop.restore(best.weights);
  return {
    epochs: epochsRun,
    bestEpoch: loop.select !== undefined ? best.epoch : epochsRun,
    bestVal: loop.select !== undefined ? best.val : undefined,
    trainSeconds,
    selectionSeconds,
    lastLoss,
    positives,
  };
}

/** The FitReport of a fit that started at `startedAt` (performance.now()) and ran the loop: the same notes for every model. */
export function fitReport(startedAt: number, r: EpochLoopResult): FitReport {
  return { trainSeconds: (performance.now() - startedAt) / 1000, notes: epochNotes(r) };
}

function epochNotes(r: EpochLoopResult): Record<string, number | string> {
  return {
    epochs: r.epochs,
    bestEpoch: r.bestEpoch,
    valNdcg10: r.bestVal ?? "n/a (no val queries)",
    secondsPerEpoch: r.trainSeconds / Math.max(r.epochs, 1),
    selectionSecondsPerEpoch: r.selectionSeconds / Math.max(r.epochs, 1),
    examplesPerSecond: (r.positives * r.epochs) / Math.max(r.trainSeconds, 1e-9),
    lastLoss: r.lastLoss,
    positives: r.positives,
  };
}

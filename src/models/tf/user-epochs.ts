/**
 * @file The epoch loop of the autoencoder-style CF models (multvae, apron): shuffled batches of whole users (their
 * binarised interaction rows, denoised by input dropout), a finite-loss check, selection by NDCG@100 on the domain's
 * held-out selection users after each epoch with patience, and the best epoch's weights restored at the end.
 */
import { z } from "zod";
import { csrRow, type CsrMatrix } from "../../core/sparse.js";
import { shuffleInPlace, type Rng } from "../../core/random.js";
import { ModelFitError } from "../../errors.js";
import type { FitOptions } from "../recommender.js";

/** Options every user-batch model shares, as a zod shape each model spreads into its own schema. */
export const USER_EPOCH_SHAPE = {
  /** Maximum epochs; training stops earlier when selection NDCG@100 stops improving. */
  epochs: z.number().int().min(1),
  /** Epochs without a selection improvement before stopping. */
  patience: z.number().int().min(1),
  /** Users per step. */
  batchSize: z.number().int().min(1),
  /** Adam step size. */
  learningRate: z.number().positive(),
  /** Probability of dropping each history item of the input (the target keeps it): VAE-CF's denoising. */
  dropout: z.number().min(0).max(0.95),
} as const;

/** The distinct items with a value > 0 of each row of a CSR matrix (users' binarised histories). */
export function binaryRows(m: CsrMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => {
    const { indices, values } = csrRow(m, r);
    return Array.from(indices).filter((_, k) => values[k] > 0);
  });
}

/** One training batch: dense rows (users x items), the dropped-out input and the full target. */
export interface UserBatch {
  readonly users: number;
  /** users x items, 1 where a kept history item is. */
  readonly input: Float32Array;
  /** users x items, 1 where any history item is. */
  readonly target: Float32Array;
}

/**
 * Shuffles users and yields batches; dropout removes each input item with probability `dropout` (never all of a
 * user's items: one is kept at random, so every input row has mass).
 */
export function* userBatches(rows: readonly (readonly number[])[], nItems: number, batchSize: number, dropout: number, rng: Rng): Generator<UserBatch> {
  const order = shuffleInPlace(rng, Array.from(rows.keys()).filter((u) => rows[u].length > 0));
  for (let start = 0; start < order.length; start += batchSize) {
    const users = order.slice(start, start + batchSize);
    const input = new Float32Array(users.length * nItems);
    const target = new Float32Array(users.length * nItems);
    users.forEach((u, b) => {
      let kept = 0;
      for (const i of rows[u]) {
        target[b * nItems + i] = 1;
        if (rng() >= dropout) {
          input[b * nItems + i] = 1;
          kept++;
        }
      }
      if (kept === 0) input[b * nItems + rows[u][Math.floor(rng() * rows[u].length)]] = 1;
    });
    yield { users: users.length, input, target };
  }
}

/** What a model hands {@link runUserEpochs}. */
export interface UserEpochLoop {
  readonly name: string;
  readonly epochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly dropout: number;
  readonly rows: readonly (readonly number[])[];
  readonly nItems: number;
  readonly rng: Rng;
  readonly learningRate: number;
  /** One optimisation step; returns its mean loss (and optional named parts for the log). */
  step(batch: UserBatch, stepIndex: number): { loss: number; parts?: Record<string, number> };
  /** Selection NDCG@100 of the current weights; undefined when there is nothing to select on. */
  select: (() => Promise<number>) | undefined;
  snapshot(): Float32Array[];
  restore(weights: Float32Array[]): void;
}

/** What the loop measured, for FitReport.notes. */
export interface UserEpochResult {
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly bestSelectionNdcg100: number | undefined;
  readonly trainSeconds: number;
  readonly selectionSeconds: number;
  readonly lastLoss: number;
}

/** Runs the loop and leaves the best epoch's weights in place (the last epoch's without selection). */
export async function runUserEpochs(loop: UserEpochLoop, fit: Pick<FitOptions, "log" | "onProgress">): Promise<UserEpochResult> {
  let best = { val: -Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let trainSeconds = 0;
  let selectionSeconds = 0;
  let lastLoss = Number.NaN;
  let epochsRun = 0;
  let stepIndex = 0;
  for (let epoch = 1; epoch <= loop.epochs; epoch++) {
    const e0 = performance.now();
    let sum = 0;
    let steps = 0;
    const partSums: Record<string, number> = {};
    for (const batch of userBatches(loop.rows, loop.nItems, loop.batchSize, loop.dropout, loop.rng)) {
      const { loss, parts } = loop.step(batch, stepIndex++);
      if (!Number.isFinite(loss)) throw new ModelFitError(`${loop.name}: loss is ${loss} at epoch ${epoch}, step ${steps + 1}; lower learningRate (now ${loop.learningRate})`);
      sum += loss;
      for (const [k, v] of Object.entries(parts ?? {})) partSums[k] = (partSums[k] ?? 0) + v;
      steps++;
    }
    const e1 = performance.now();
    trainSeconds += (e1 - e0) / 1000;
    epochsRun = epoch;
    lastLoss = sum / Math.max(steps, 1);
    const val = loop.select !== undefined ? await loop.select() : Number.NaN;
    const e2 = performance.now();
    selectionSeconds += (e2 - e1) / 1000;
    const parts = Object.entries(partSums).map(([k, v]) => ` ${k} ${(v / Math.max(steps, 1)).toFixed(4)}`).join("");
    fit.log?.(`${loop.name} epoch ${epoch}: loss ${lastLoss.toFixed(4)}${parts}, selection ndcg@100 ${val.toFixed(4)}, ${((e1 - e0) / 1000).toFixed(1)} s + ${((e2 - e1) / 1000).toFixed(1)} s`);
    fit.onProgress?.(`${loop.name} epochs`, epoch, loop.epochs);
    if (loop.select === undefined) continue;
    if (val > best.val) best = { val, epoch, weights: loop.snapshot() };
    else if (epoch - best.epoch >= loop.patience) break;
  }
  if (best.weights !== undefined) loop.restore(best.weights);
  return {
    epochs: epochsRun,
    bestEpoch: loop.select !== undefined ? best.epoch : epochsRun,
    bestSelectionNdcg100: loop.select !== undefined ? best.val : undefined,
    trainSeconds,
    selectionSeconds,
    lastLoss,
  };
}

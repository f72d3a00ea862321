/**
 * @file CPCD's official scoring, ported from google-research-datasets/cpcd (eval.py, metrics.py): tracks become their
 * clusters, the first 3 liked results of every earlier turn are seeds taken out of predictions and gold, turns left
 * without gold are skipped, and Hit/Recall/MRR at 1, 5, 10, 20, 100 are averaged per dialogue, then over dialogues.
 *
 * What eval.py does, step by step, and where this module does the same:
 * - `convert_to_cluster_ids`: each track id → its `track_cluster_ids`, keeping the first occurrence of each cluster
 *   ({@link toClusters}); applied to every turn's predictions, to the goal playlist and to every turn's seeds.
 * - `get_seed_tracks(num_previous_tracks=3)`: turn 0 has no seeds; turn t > 0 gets the first 3 `liked_results` of
 *   turn t − 1 ({@link seedTracks}). `compute_metrics_per_turn` accumulates them: at turn t every seed of turns
 *   0..t is removed (`prev_seed_tracks.update`), from the predictions and from the gold alike.
 * - gold = the dialogue's `goal_playlist` (`get_gold_results`), as clusters, minus the accumulated seeds; a turn with
 *   no gold left is skipped (`if not filtered_gold: continue`), and since seeds only accumulate, so is every later one.
 * - `metrics.compute_metrics` raises `ValueError` when max(k) = 100 exceeds the predictions left after that
 *   filtering: the whole evaluation stops. {@link scoreDialogues} throws an InputError naming the turn instead of
 *   scoring a shorter list, so a number is never reported that eval.py would have refused.
 * - `score_dataset`: the macro average is the mean over dialogues of each dialogue's mean over its scored turns
 *   (`_PerTurnMetricSummary.update`); a dialogue with no scored turn adds nothing. Only dialogues present in the
 *   predictions are scored, and a dialogue's turns are zipped with its seed lists (the shorter one wins).
 */
import { hitRateAtK, mrrAtK, recallAtK } from "../../../core/metrics.js";
import { InputError } from "../../../errors.js";
import type { MetricSummary } from "../../aggregate.js";

/** eval.py `_DEFAULT_K_VALUES`. */
export const CPCD_K_VALUES = [1, 5, 10, 20, 100] as const;

/** Predictions every scored turn must keep after cluster mapping and seed removal (max of the k values). */
export const CPCD_MIN_PREDICTIONS = Math.max(...CPCD_K_VALUES);

/** eval.py `--num_prev_tracks` (default 3): liked results of a turn that become seeds of the following turns. */
export const CPCD_SEEDS_PER_TURN = 3;

/**
 * The metrics of metrics.py this benchmark reports, on de-duplicated clusters (so the generic definitions of
 * src/core/metrics.ts coincide with metrics.py's): hit@k = 1 if any of the top k is gold; recall@k = |top k ∩ gold| /
 * |gold|; mrr@k = 1 / rank of the first gold cluster within the top k, else 0.
 */
const METRICS = {
  hit: (preds: readonly string[], gold: ReadonlySet<string>, k: number) => hitRateAtK(preds, gold, k),
  recall: (preds: readonly string[], gold: ReadonlySet<string>, k: number) => recallAtK(preds, gold, k),
  mrr: (preds: readonly string[], gold: ReadonlySet<string>, k: number) => mrrAtK(preds, gold, k),
} as const;

/**
 * Report columns, metric-major: hit@1 … hit@100, recall@1 … recall@100, mrr@1 … mrr@100.
 * @example CPCD_COLUMNS.slice(0, 3) // ["hit@1", "hit@5", "hit@10"]
 */
export const CPCD_COLUMNS: readonly string[] = Object.keys(METRICS).flatMap((m) => CPCD_K_VALUES.map((k) => `${m}@${k}`));

/**
 * Track ids → cluster ids, each cluster once, at its first position (eval.py `convert_to_cluster_ids`).
 * @example toClusters(["a", "b", "c"], (id) => ({ a: "x", b: "x", c: "y" })[id]!) // ["x", "y"]
 */
export function toClusters(trackIds: readonly string[], clusterOf: (trackId: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of trackIds) {
    const c = clusterOf(id);
    if (seen.has(c)) continue;
    seen.add(c);
    out.push(c);
  }
  return out;
}

/**
 * Each turn's own seed tracks (eval.py `get_seed_tracks`): none for turn 0; for turn t > 0 the first `perTurn` liked
 * results of turn t − 1. One list per turn. (They accumulate when scored: see {@link scoreDialogues}.)
 * @example seedTracks([{ liked: ["a", "b", "c", "d"] }, { liked: ["e"] }, { liked: [] }]) // [[], ["a", "b", "c"], ["e"]]
 */
export function seedTracks(turns: readonly { readonly liked: readonly string[] }[], perTurn: number = CPCD_SEEDS_PER_TURN): string[][] {
  return turns.map((_, t) => (t === 0 ? [] : turns[t - 1].liked.slice(0, perTurn)));
}

/** One turn's metrics by column key (metrics.py `compute_metrics`, restricted to {@link CPCD_COLUMNS}). */
export type TurnMetrics = Record<string, number>;

/**
 * metrics.py `compute_metrics` for one turn: `preds` (clusters, best first) against `gold` (clusters).
 * @throws RangeError as metrics.py raises ValueError: duplicate predictions or gold, empty gold, or fewer than
 *   {@link CPCD_MIN_PREDICTIONS} predictions.
 * @example turnMetrics(["x", "g", ...98 more], ["g", "h"])["recall@5"] // 1 / 2
 */
export function turnMetrics(preds: readonly string[], gold: readonly string[]): TurnMetrics {
  if (new Set(preds).size !== preds.length) throw new RangeError("Predictions should be unique. Duplicates detected.");
  const goldSet = new Set(gold);
  if (goldSet.size !== gold.length) throw new RangeError("Gold item list should be unique. Duplicates detected.");
  if (preds.length < CPCD_MIN_PREDICTIONS) {
    throw new RangeError(`k is larger than the number of retrieved preds, ${CPCD_MIN_PREDICTIONS} > ${preds.length}.`);
  }
  const out: TurnMetrics = {};
  for (const [name, f] of Object.entries(METRICS)) for (const k of CPCD_K_VALUES) out[`${name}@${k}`] = f(preds, goldSet, k);
  return out;
}

/** A dialogue's answer key, as clusters. */
export interface CpcdGold {
  /** The goal playlist's clusters (de-duplicated). */
  readonly goal: readonly string[];
  /** Each turn's own seed clusters ({@link seedTracks} mapped by {@link toClusters}); one list per turn. */
  readonly seeds: readonly (readonly string[])[];
}

/**
 * The clusters a turn is scored on: `clusters` minus every seed of turns 0..`turn` (order kept).
 * @example remainingAt({ goal: ["g", "h"], seeds: [[], ["g"]] }, 1, ["g", "h"]) // ["h"]
 */
export function remainingAt(gold: CpcdGold, turn: number, clusters: readonly string[]): string[] {
  const seeds = new Set(gold.seeds.slice(0, turn + 1).flat());
  return clusters.filter((c) => !seeds.has(c));
}

/** The scores of a set of predictions. */
export interface CpcdScores {
  /** Macro averages (mean over dialogues of each dialogue's mean over scored turns) and their standard errors. */
  readonly summary: MetricSummary;
  /** Micro averages: the mean over all scored turns (eval.py reports both; the report's columns are macro). */
  readonly micro: Record<string, number>;
  /** Dialogues with at least one scored turn (the macro average's n). */
  readonly dialogues: number;
}

/**
 * eval.py `score_dataset` over cluster predictions: for each dialogue of `predictions` (dialogue id → one cluster
 * list per turn), its turns zipped with its seed lists; at turn t the seeds of turns 0..t are removed from the
 * predictions and the goal; a turn with no goal left is skipped (counted in `summary.skippedEmpty`); the others are
 * scored by {@link turnMetrics}. `summary.queries` counts scored turns; standard errors are over dialogue means.
 * @throws InputError naming the dialogue and turn when fewer than 100 predictions remain (where eval.py stops with
 *   ValueError), or when a dialogue of `predictions` is not in `gold` (where eval.py fails with KeyError).
 * @example scoreDialogues(gold, new Map([["d1", [clustersOfTurn0, clustersOfTurn1]]])).summary.metrics["hit@10"]
 */
export function scoreDialogues(gold: ReadonlyMap<string, CpcdGold>, predictions: ReadonlyMap<string, readonly (readonly string[])[]>): CpcdScores {
  const perDialogue: TurnMetrics[] = [];
  const micro = sums();
  let turns = 0;
  let skipped = 0;
  for (const [dialogId, preds] of predictions) {
    const g = gold.get(dialogId);
    if (g === undefined) throw new InputError(`cpcd: predictions for dialogue ${dialogId}, which the evaluated split does not have`, { field: "predictions" });
    const scored: TurnMetrics[] = [];
    for (let t = 0; t < Math.min(preds.length, g.seeds.length); t++) {
      const goal = remainingAt(g, t, g.goal);
      if (goal.length === 0) {
        skipped++;
        continue;
      }
      const kept = remainingAt(g, t, preds[t]);
      if (kept.length < CPCD_MIN_PREDICTIONS) {
        throw new InputError(
          `cpcd ${dialogId}:${t}: only ${kept.length} predicted clusters remain after cluster de-duplication and seed removal; CPCD's eval.py needs at least ${CPCD_MIN_PREDICTIONS} (its deepest cutoff) and stops otherwise`,
          { field: "predictions" },
        );
      }
      scored.push(turnMetrics(kept, goal));
    }
    if (scored.length === 0) continue;
    turns += scored.length;
    for (const m of scored) addInto(micro, m);
    perDialogue.push(meanOf(scored));
  }
  const macro = meanOf(perDialogue);
  const stderr: Record<string, number> = {};
  for (const key of CPCD_COLUMNS) {
    const n = perDialogue.length;
    const variance = n > 1 ? perDialogue.reduce((s, m) => s + (m[key] - macro[key]) ** 2, 0) / (n - 1) : 0;
    stderr[key] = n > 0 ? Math.sqrt(variance / n) : 0;
  }
  const microMeans: Record<string, number> = {};
  for (const key of CPCD_COLUMNS) microMeans[key] = turns > 0 ? micro[key] / turns : 0;
  return { summary: { metrics: macro, stderr, queries: turns, skippedEmpty: skipped }, micro: microMeans, dialogues: perDialogue.length };
}

function sums(): Record<string, number> {
  return Object.fromEntries(CPCD_COLUMNS.map((k) => [k, 0]));
}

function addInto(acc: Record<string, number>, m: TurnMetrics): void {
  for (const key of CPCD_COLUMNS) acc[key] += m[key];
}

/** Column-wise mean (0 for every column when there is nothing to average). */
function meanOf(rows: readonly TurnMetrics[]): Record<string, number> {
  const acc = sums();
  for (const m of rows) addInto(acc, m);
  for (const key of CPCD_COLUMNS) acc[key] = rows.length > 0 ? acc[key] / rows.length : 0;
  return acc;
}

/**
 * @file Multi-label F1: micro (pooled over labels) and macro (mean of per-label F1), with per-label counts.
 */

/** Scores of a multi-label prediction against gold. */
export interface MultiLabelScores {
  /** 2·TP / (2·TP + FP + FN), counts pooled over every label and example. */
  readonly microF1: number;
  /** Mean over the labels with gold support > 0 of each label's 2·TP / (2·TP + FP + FN). */
  readonly macroF1: number;
  /** Per label: support (gold count), predictions, true positives and F1. */
  readonly perLabel: Readonly<Record<string, { readonly support: number; readonly predicted: number; readonly tp: number; readonly f1: number }>>;
  readonly examples: number;
}

/**
 * Micro and macro F1 of `predicted` against `gold` (one label list per example, same order). Labels that never occur
 * in gold are left out of the macro mean (their F1 is undefined, not 0), but their false positives still count in
 * micro F1.
 * @example
 * multiLabelF1([["a"], ["a", "b"]], [["a"], ["b"]]);
 * // micro: TP 2, FP 1 (a in #2), FN 0 -> 4/5 = 0.8; macro: a 2/3·… = (2·1/(2+1) + 2·1/2)/2 = (0.667 + 1)/2 = 0.833
 */
export function multiLabelF1(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): MultiLabelScores {
  if (gold.length !== predicted.length) throw new Error(`multiLabelF1: ${gold.length} gold rows but ${predicted.length} predictions`);
  const counts = new Map<string, { support: number; predicted: number; tp: number }>();
  const at = (l: string) => {
    let c = counts.get(l);
    if (c === undefined) counts.set(l, (c = { support: 0, predicted: 0, tp: 0 }));
    return c;
  };
  for (let i = 0; i < gold.length; i++) {
    const g = new Set(gold[i]);
    const p = new Set(predicted[i]);
    for (const l of g) at(l).support++;
    for (const l of p) {
      at(l).predicted++;
      if (g.has(l)) at(l).tp++;
    }
  }
  let tp = 0;
  let fpfn = 0;
  const perLabel: Record<string, { support: number; predicted: number; tp: number; f1: number }> = {};
  const f1s: number[] = [];
  for (const [l, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    tp += c.tp;
    fpfn += c.predicted - c.tp + (c.support - c.tp);
    const f1 = c.support + c.predicted === 0 ? 0 : (2 * c.tp) / (c.support + c.predicted);
    perLabel[l] = { ...c, f1 };
    if (c.support > 0) f1s.push(f1);
  }
  return {
    microF1: tp + fpfn === 0 ? 0 : (2 * tp) / (2 * tp + fpfn),
    macroF1: f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length,
    perLabel,
    examples: gold.length,
  };
}

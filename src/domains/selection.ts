/**
 * @file Where a domain selects its models: on its own selection split (e.g. lfm2k-tagq val), or, when that split is
 * the one being evaluated, on a set carved from train before any item statistic is computed from train, so neither
 * the reported numbers nor the selection itself are optimistic.
 */

/**
 * "default": the domain's own selection set (a val file, or requests generated from the catalog); "carve": a
 * selection set carved out of the training data (see {@link carveSelectionSet}), used when the default one overlaps
 * the split being evaluated.
 */
export type SelectionMode = "default" | "carve";

/**
 * Splits train into (fit, selection): per user, the last `fraction` of their queries in file order (the files are
 * time-ordered per user) go to selection, for users with at least `minQueries`. Queries without a user are split
 * by position. Deterministic: no randomness. Works on raw split rows (raw user ids) or labeled queries alike.
 * @example carveSelectionSet(train).selection.length // about 10% of train
 */
export function carveSelectionSet<Q extends { readonly user?: number }>(
  train: readonly Q[],
  fraction = 0.1,
  minQueries = 5,
): { fit: Q[]; selection: Q[] } {
  const byUser = new Map<number | undefined, Q[]>();
  for (const q of train) {
    const list = byUser.get(q.user) ?? [];
    list.push(q);
    byUser.set(q.user, list);
  }
  const selected = new Set<Q>();
  for (const list of byUser.values()) {
    if (list.length < minQueries) continue;
    const n = Math.max(1, Math.round(list.length * fraction));
    for (const q of list.slice(list.length - n)) selected.add(q);
  }
  return { fit: train.filter((q) => !selected.has(q)), selection: train.filter((q) => selected.has(q)) };
}

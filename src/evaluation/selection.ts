/**
 * @file Keeps model selection off the evaluated split: when a run evaluates the very file a domain selects on
 * (e.g. lfm2k-tagq val), selection moves to the latest queries of each user in train, and training keeps the rest.
 */
import type { Domain, LabeledQuery } from "../domains/types.js";

/**
 * Splits train into (fit, selection): per user, the last `fraction` of their queries in file order (the files are
 * time-ordered per user) go to selection, for users with at least `minQueries`. Queries without a user are split
 * by position. Deterministic: no randomness.
 */
export function carveSelectionSet(
  train: readonly LabeledQuery[],
  fraction = 0.1,
  minQueries = 5,
): { fit: LabeledQuery[]; selection: LabeledQuery[] } {
  const byUser = new Map<number | undefined, LabeledQuery[]>();
  for (const q of train) {
    const list = byUser.get(q.user) ?? [];
    list.push(q);
    byUser.set(q.user, list);
  }
  const selected = new Set<LabeledQuery>();
  for (const list of byUser.values()) {
    if (list.length < minQueries) continue;
    const n = Math.max(1, Math.round(list.length * fraction));
    for (const q of list.slice(list.length - n)) selected.add(q);
  }
  return { fit: train.filter((q) => !selected.has(q)), selection: train.filter((q) => selected.has(q)) };
}

/** A domain whose val is carved out of its train (see {@link carveSelectionSet}). */
export function withCarvedSelection(domain: Domain): Domain {
  const { fit, selection } = carveSelectionSet(domain.train);
  return {
    name: domain.name,
    items: domain.items,
    users: domain.users,
    train: fit,
    val: selection,
    ...(domain.positivesPerQuery !== undefined ? { positivesPerQuery: domain.positivesPerQuery } : {}),
    queryEncoderId: domain.queryEncoderId,
    encodeQueries: (texts) => domain.encodeQueries(texts),
  };
}

/**
 * @file Where a domain selects its models: on its own selection split (e.g. lfm2k-tagq val), or, when that split is
 * the one being evaluated, on a set carved from train before any item statistic is computed from train, so neither
 * the reported numbers nor the selection itself are optimistic. Collaborative-filtering domains select on held-out
 * training users instead ({@link carveHeldOutUsers}).
 */
import { mulberry32, shuffleInPlace } from "../core/random.js";

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

/** One (user, item, value) interaction in external ids, e.g. a row of lfm2k-cf's train.tsv (value = plays). */
export interface UserItemValue {
  readonly user: number;
  readonly item: number;
  readonly value: number;
}

/** A held-out selection user: the fold-in part of their interactions and the part to predict. */
export interface HeldOutUser {
  readonly user: number;
  /** Items ascending by id, with their values. */
  readonly foldIn: readonly UserItemValue[];
  /** Items ascending by id, with their values. */
  readonly heldOut: readonly UserItemValue[];
}

/** Options of {@link carveHeldOutUsers}; the defaults mirror the lfm2k-cf benchmark's own val/test split. */
export interface HeldOutUserOptions {
  /** Seeds the choice of users and of each user's held-out items. */
  readonly seed: number;
  /** [userFraction=0.1] Share of the eligible users that become selection users (rounded; at least 1). */
  readonly userFraction?: number;
  /** [heldOutFraction=0.2] Share of a selection user's items held out (rounded; at least 1). */
  readonly heldOutFraction?: number;
  /** [minItems=5] Only users with at least this many items are eligible (VAE-CF's rule). */
  readonly minItems?: number;
}

/**
 * Carves held-out users out of a training set for model selection, in the shape of a collaborative-filtering
 * benchmark (VAE-CF's strong generalisation): a seeded `userFraction` of the eligible users leave the fit data, and
 * each one's items are split (seeded) into fold-in history and `max(1, round(heldOutFraction · n))` held-out items
 * (lfm2k-cf's val split holds out exactly round(0.2 · n)). Pure and deterministic: users are drawn from the
 * ascending user order with a mulberry32(seed) shuffle, then each selected user's items (ascending) are shuffled
 * by the same stream in ascending user order.
 * @example
 * const { fit, selection } = carveHeldOutUsers(rows, { seed: 98765 });
 * selection[0]; // { user: 17, foldIn: [...8 items], heldOut: [...2 items] }
 */
export function carveHeldOutUsers(rows: readonly UserItemValue[], options: HeldOutUserOptions): { fit: UserItemValue[]; selection: HeldOutUser[] } {
  const userFraction = options.userFraction ?? 0.1;
  const heldOutFraction = options.heldOutFraction ?? 0.2;
  const minItems = Math.max(2, options.minItems ?? 5);
  const byUser = new Map<number, UserItemValue[]>();
  for (const r of rows) {
    const list = byUser.get(r.user) ?? [];
    list.push(r);
    byUser.set(r.user, list);
  }
  const eligible = [...byUser.keys()].filter((u) => byUser.get(u)!.length >= minItems).sort((a, b) => a - b);
  // At least one user is selected, and at least one user always stays to fit on.
  const count = Math.min(Math.max(1, Math.round(eligible.length * userFraction)), byUser.size - 1, eligible.length);
  const rng = mulberry32(options.seed);
  const chosen = shuffleInPlace(rng, [...eligible]).slice(0, Math.max(0, count)).sort((a, b) => a - b);
  const selection = chosen.map((user): HeldOutUser => {
    const items = [...byUser.get(user)!].sort((a, b) => a.item - b.item);
    const held = Math.max(1, Math.round(items.length * heldOutFraction));
    const shuffled = shuffleInPlace(rng, [...items]);
    const byItem = (a: UserItemValue, b: UserItemValue) => a.item - b.item;
    return { user, foldIn: shuffled.slice(held).sort(byItem), heldOut: shuffled.slice(0, held).sort(byItem) };
  });
  const selected = new Set(chosen);
  return { fit: rows.filter((r) => !selected.has(r.user)), selection };
}

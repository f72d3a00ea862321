/**
 * @file The user-intent dynamics of real conversations, estimated from cpcd-intent: which intent set a dialogue opens
 * with, which follows which (a first-order Markov chain over a user turn's intent set, with an end state), which
 * attributes each intent set touches, and which system actions answer it. The generator samples from it.
 */
import type { CpcdIntentRow } from "../../datasets/types.js";
import type { Rng } from "../../core/random.js";
import { InputError } from "../../errors.js";

/** The end of a dialogue, as a transition target. */
export const END = "<end>";

/** The attributes the generator can realise over a catalog (a subset of cpcd-intent's attribute labels). */
export const GENERATED_ATTRIBUTES = ["artist", "similar_artist", "genre", "mood", "theme", "year", "tempo", "vocal", "instrument", "culture"] as const;
export type GeneratedAttribute = (typeof GENERATED_ATTRIBUTES)[number];

/** A discrete distribution: outcome → probability (sums to 1). */
export type Distribution = ReadonlyMap<string, number>;

/**
 * The estimated dynamics. An intent set is written as its sorted labels joined by "+", e.g.
 * "add_filter+greeting+initial_query".
 */
export interface IntentModel {
  /** Intent set of a dialogue's first user turn. */
  readonly start: Distribution;
  /** Intent set → next user turn's intent set, or {@link END}. */
  readonly next: ReadonlyMap<string, Distribution>;
  /** Intent set → attribute set touched ("genre+theme"; "" when none), restricted to {@link GENERATED_ATTRIBUTES}. */
  readonly attributes: ReadonlyMap<string, Distribution>;
  /** Intent set of the user turn → the system's action set in the same turn. */
  readonly systemActions: ReadonlyMap<string, Distribution>;
  /** Marginal share of each user intent label over user turns (several per turn), for reports. */
  readonly intentShare: Distribution;
  /** User turns and dialogues the statistics come from. */
  readonly turns: number;
  readonly dialogues: number;
}

/** Canonical key of a label set. */
export function labelKey(labels: readonly string[]): string {
  return [...new Set(labels)].sort().join("+");
}

/** The labels of a key ("" → []). */
export function keyLabels(key: string): string[] {
  return key === "" ? [] : key.split("+");
}

function normalise(counts: Map<string, number>): Distribution {
  let total = 0;
  for (const c of counts.values()) total += c;
  // Sorted keys: sampling walks the map in order, so the same seed gives the same draw whatever the row order was.
  return new Map([...counts.keys()].sort().map((k) => [k, counts.get(k)! / total]));
}

function bump(map: Map<string, Map<string, number>>, from: string, to: string): void {
  const m = map.get(from) ?? new Map<string, number>();
  m.set(to, (m.get(to) ?? 0) + 1);
  map.set(from, m);
}

/**
 * Estimates the model from cpcd-intent rows (drop any evaluated dialogue first with `withoutDialogs`). Rows are
 * grouped by `dialog_id` and ordered by the turn number in `unique_id` ("<dialog>:<turn>:<role>").
 * @throws InputError when no user turn is left.
 * @example
 * const m = estimateIntentModel(rows);
 * m.start.get("add_filter+greeting+initial_query"); // ~0.57 on cpcd-intent
 */
export function estimateIntentModel(rows: readonly CpcdIntentRow[]): IntentModel {
  const dialogs = new Map<string, { turn: number; user?: CpcdIntentRow; system?: CpcdIntentRow }[]>();
  for (const r of rows) {
    const turn = Number(r.uniqueId.split(":")[1]);
    const list = dialogs.get(r.dialogId) ?? [];
    let slot = list.find((s) => s.turn === turn);
    if (slot === undefined) list.push((slot = { turn }));
    if (r.role === "user") slot.user = r;
    else slot.system = r;
    dialogs.set(r.dialogId, list);
  }
  const start = new Map<string, number>();
  const next = new Map<string, Map<string, number>>();
  const attributes = new Map<string, Map<string, number>>();
  const systemActions = new Map<string, Map<string, number>>();
  const share = new Map<string, number>();
  const allowed = new Set<string>(GENERATED_ATTRIBUTES);
  let turns = 0;
  let dialogues = 0;
  for (const list of dialogs.values()) {
    const users = list.filter((s) => s.user !== undefined).sort((a, b) => a.turn - b.turn);
    if (users.length === 0) continue;
    dialogues++;
    users.forEach((s, i) => {
      const key = labelKey(s.user!.intents);
      turns++;
      for (const l of new Set(s.user!.intents)) share.set(l, (share.get(l) ?? 0) + 1);
      if (i === 0) start.set(key, (start.get(key) ?? 0) + 1);
      bump(next, key, i + 1 < users.length ? labelKey(users[i + 1].user!.intents) : END);
      bump(attributes, key, labelKey(s.user!.musicAttributes.filter((a) => allowed.has(a))));
      if (s.system !== undefined) bump(systemActions, key, labelKey(s.system.intents));
    });
  }
  if (turns === 0) throw new InputError("cpcd-intent: no user turns to estimate intent transitions from", { field: "intents" });
  const perKey = (m: Map<string, Map<string, number>>) => new Map([...m.keys()].sort().map((k) => [k, normalise(m.get(k)!)]));
  const shareDist = new Map([...share.keys()].sort().map((k) => [k, share.get(k)! / turns]));
  return { start: normalise(start), next: perKey(next), attributes: perKey(attributes), systemActions: perKey(systemActions), intentShare: shareDist, turns, dialogues };
}

/**
 * Draws one outcome of `dist` with `rng` (in the map's key order, so draws are reproducible).
 * @example sample(new Map([["a", 1]]), mulberry32(1)) // "a"
 */
export function sample(dist: Distribution, rng: Rng): string {
  const u = rng();
  let acc = 0;
  let last = "";
  for (const [k, p] of dist) {
    acc += p;
    last = k;
    if (u < acc) return k;
  }
  return last; // rounding: the cumulative sum may end just below 1
}

/** Options of {@link sampleIntentSequence}. */
export interface IntentSequenceOptions {
  /** [minTurns=3] Shorter chains are redrawn (real CPCD dialogues have 3+ user turns but for 2 of 888). */
  readonly minTurns?: number;
  /** [maxTurns=10] Longer chains are cut (and end there). */
  readonly maxTurns?: number;
}

/**
 * The user intent sets of one dialogue, first turn first, sampled from the chain.
 * @example sampleIntentSequence(model, mulberry32(7)) // ["add_filter+greeting+initial_query", "accept_response+add_filter", ...]
 */
export function sampleIntentSequence(model: IntentModel, rng: Rng, options: IntentSequenceOptions = {}): string[] {
  const minTurns = options.minTurns ?? 3;
  const maxTurns = options.maxTurns ?? 10;
  for (let attempt = 0; ; attempt++) {
    const seq = [sample(model.start, rng)];
    while (seq.length < maxTurns) {
      const dist = model.next.get(seq[seq.length - 1]);
      const to = dist === undefined ? END : sample(dist, rng);
      if (to === END) break;
      seq.push(to);
    }
    // 100 redraws never fail on cpcd-intent (about 97% of its chains are long enough); past that, accept what came.
    if (seq.length >= minTurns || attempt >= 100) return seq;
  }
}

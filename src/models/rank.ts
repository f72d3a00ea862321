/**
 * @file What every model shares around `rank`: ranking from a dense score matrix (the default for models that score
 * every item), which context parts a request carries, and which of them a model used or ignored.
 */
import { row, type Matrix } from "../core/matrix.js";
import { topK } from "../core/topk.js";
import { InputError } from "../errors.js";
import { CONTEXT_PARTS, type ContextPart, type ContextUse, type RankedList, type RankOptions, type RequestContext } from "./recommender.js";

/** Checks `options.k` (an integer >= 1) and that `exclude` has no more entries than there are requests. */
export function checkRankOptions(options: RankOptions, requests: number): void {
  if (!Number.isInteger(options.k) || options.k < 1) throw new InputError(`k must be an integer >= 1, got ${options.k}`, { field: "k" });
  if (options.exclude !== undefined && options.exclude.length > requests) {
    throw new InputError(`exclude has ${options.exclude.length} entries for ${requests} requests`, { field: "exclude" });
  }
}

/**
 * Rankings from a dense score matrix (rows = requests, cols = items): per row the top `k` items that are not
 * excluded, best first, ties by lower index. Asking for more items than are allowed returns all allowed ones.
 * @example rankFromScores(fromRows([[0.1, 0.9, 0.5]], 3), { k: 2, exclude: [new Set([1])] })[0].items // Int32Array [2, 0]
 */
export function rankFromScores(scores: Matrix, options: RankOptions): RankedList[] {
  checkRankOptions(options, scores.rows);
  return Array.from({ length: scores.rows }, (_, i) => {
    const s = row(scores, i);
    const items = Int32Array.from(topK(s, options.k, { exclude: options.exclude?.[i] }));
    return { items, scores: Float32Array.from(items, (j) => s[j]) };
  });
}

/**
 * The default `rank` of a model that scores every item: score in batches (memory: batch x items floats), then
 * {@link rankFromScores}.
 */
export async function rankByScoring(
  model: { score(requests: readonly RequestContext[]): Promise<Matrix> },
  requests: readonly RequestContext[],
  options: RankOptions,
  batchSize = 256,
): Promise<RankedList[]> {
  checkRankOptions(options, requests.length);
  const out: RankedList[] = [];
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    const exclude = options.exclude?.slice(start, start + batch.length);
    out.push(...rankFromScores(await model.score(batch), { k: options.k, exclude }));
  }
  return out;
}

/**
 * The context parts a request carries, in {@link CONTEXT_PARTS} order.
 * @example presentParts({ text: "jazz", user: 3 }) // ["text", "user"]
 */
export function presentParts(request: RequestContext): ContextPart[] {
  const has: Record<ContextPart, boolean> = {
    text: request.text.trim() !== "",
    user: request.user !== undefined,
    history: request.history !== undefined && request.history.items.length > 0,
    turns: request.turns !== undefined && request.turns.length > 0,
    profile: request.profile !== undefined,
    adapter: request.adapter !== undefined,
  };
  return CONTEXT_PARTS.filter((p) => has[p]);
}

/** Which parts of a request's context a ranker used and which it ignored: every answer carries this. */
export interface ContextReport {
  readonly used: readonly ContextPart[];
  readonly ignored: readonly ContextPart[];
}

/**
 * Splits the parts a request carries into those the model uses and those it ignores, so a profile edit or a word
 * adapter is never silently dropped.
 * @example contextReport({ uses: ["text"], needs: ["text"] }, ["text", "profile"]) // { used: ["text"], ignored: ["profile"] }
 */
export function contextReport(use: ContextUse, present: readonly ContextPart[]): ContextReport {
  return { used: present.filter((p) => use.uses.includes(p)), ignored: present.filter((p) => !use.uses.includes(p)) };
}

/**
 * Throws an InputError when a model needs a context part that requests of this shape never carry, e.g. twotower
 * (needs `user`) on cpcd (text and turns only).
 * @example checkCanRank("twotower", { uses: ["user"], needs: ["user"] }, ["text", "turns"], "cpcd") // throws
 */
export function checkCanRank(model: string, use: ContextUse, carries: readonly ContextPart[], where: string): void {
  const missing = use.needs.filter((p) => !carries.includes(p));
  if (missing.length > 0) {
    throw new InputError(
      `model ${model} cannot rank ${where} requests: it needs ${missing.join(" and ")}, which they do not carry (they carry ${carries.join(", ") || "nothing"})`,
      { field: "models" },
    );
  }
}

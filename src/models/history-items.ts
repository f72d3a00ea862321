/**
 * @file The distinct, checked history items of a request: what the history-only CF models (ease, multvae, apron)
 * rank from.
 */
import { InputError } from "../errors.js";
import type { RequestContext } from "./recommender.js";

/**
 * The request's distinct history items; an InputError naming the request when it has none (`model` cannot rank
 * without one) or when an item is not one of the domain's `nItems`.
 * @example distinctHistory({ text: "", history: { items: [3, 3, 1] } }, 0, 10, "multvae", "lfm2k-cf") // Set {3, 1}
 */
export function distinctHistory(request: RequestContext, index: number, nItems: number, model: string, domain: string): Set<number> {
  const items = request.history?.items ?? [];
  if (items.length === 0) throw new InputError(`${model} ranks from a listening history, and request ${index} has none`, { field: "history" });
  for (const h of items) {
    if (!Number.isInteger(h) || h < 0 || h >= nItems) throw new InputError(`request ${index}: history item ${h} is not an item of domain ${domain}`, { field: "history" });
  }
  return new Set(items);
}

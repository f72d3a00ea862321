/**
 * @file Overlap of an evaluated split with a selection set, by query identity (qid and content), not by file path:
 * a copy of val.jsonl under another name is still val.
 */
import type { QueryIdentity } from "./spec.js";

/** How many queries of `split` share a qid or a content with `selection`. */
export interface Overlap {
  readonly byQid: number;
  readonly byContent: number;
  /** Queries of the split that match by either. */
  readonly queries: number;
}

/**
 * @example overlapOf([{ qid: "a", content: "x" }], [{ qid: "b", content: "x" }]) // { byQid: 0, byContent: 1, queries: 1 }
 */
export function overlapOf(split: readonly QueryIdentity[], selection: readonly QueryIdentity[]): Overlap {
  const qids = new Set(selection.map((s) => s.qid));
  const contents = new Set(selection.map((s) => s.content));
  let byQid = 0;
  let byContent = 0;
  let queries = 0;
  for (const q of split) {
    const a = qids.has(q.qid);
    const b = contents.has(q.content);
    if (a) byQid++;
    if (b) byContent++;
    if (a || b) queries++;
  }
  return { byQid, byContent, queries };
}

/** A content key from parts: the request's fields and its answers, order-insensitive where the answers are a set. */
export function contentKey(parts: { readonly text: string; readonly user?: string | number; readonly relevant: readonly (string | number)[] }): string {
  const relevant = parts.relevant.map(String).sort();
  return JSON.stringify([parts.user ?? null, parts.text.trim().toLowerCase(), relevant]);
}

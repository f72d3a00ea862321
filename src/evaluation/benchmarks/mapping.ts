/**
 * @file Mapping a split's external ids onto a domain's dense indices, once, at the edge.
 */
import { DataError } from "../../errors.js";

/** id -> dense index. */
export function indexOf(ids: readonly string[]): Map<string, number> {
  return new Map(ids.map((id, i) => [id, i]));
}

/** Maps external relevant ids to dense indices; an id outside the candidate set is an error naming the query. */
export function denseRelevant(file: string, qid: string, relevant: readonly (string | number)[], items: ReadonlyMap<string, number>): number[] {
  return relevant.map((id) => {
    const index = items.get(String(id));
    if (index === undefined) {
      throw new DataError(`${file}: query ${qid} lists relevant item ${id}, which is not in the candidate set`, { path: file });
    }
    return index;
  });
}

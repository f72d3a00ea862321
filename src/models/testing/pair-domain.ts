/**
 * @file A five-item domain whose pair counts are easy to compute by hand, for the pair features' and prior's tests.
 */
import { csrFromEntries } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { makeSyntheticDomain } from "./synthetic-domain.js";

/** A 5-item domain: user 0 played items 1 (9 times) and 2 (once); train: user 0 asked "indie rock" -> [2, 3], user 1 "indie rock" -> [3], user 0 "sad" -> [4]. */
export function tinyPairDomain(): Domain {
  const base = makeSyntheticDomain();
  return {
    ...base,
    items: { ...base.items, ids: ["a", "b", "c", "d", "e"], popularity: new Float32Array(5) },
    users: { ids: ["u0", "u1"], features: {} },
    interactions: csrFromEntries(2, 5, [{ row: 0, col: 1, value: 9 }, { row: 0, col: 2, value: 1 }]),
    train: [
      { qid: "q1", text: "Indie  Rock", user: 0, relevant: [2, 3] },
      { qid: "q2", text: "indie rock", user: 1, relevant: [3] },
      { qid: "q3", text: "sad", user: 0, relevant: [4] },
    ],
  };
}


/**
 * @file A test model whose ranking is known in advance.
 */
import { matrix } from "../../core/matrix.js";
import { rankByScoring } from "../rank.js";
import type { ScoringRecommender } from "../recommender.js";

/**
 * A model named "fixed" that scores item i as -i for every request (so it ranks 0, 1, 2, ...), reads nothing of the
 * request, and fits instantly.
 * @example (await fixedOrderModel(4).rank([{ text: "x" }], { k: 2 }))[0].items // Int32Array [0, 1]
 */
export function fixedOrderModel(nItems: number): ScoringRecommender {
  const model: ScoringRecommender = {
    name: "fixed",
    context: { uses: [], needs: [] },
    fit: async () => ({ trainSeconds: 0 }),
    async score(requests) {
      const m = matrix(requests.length, nItems);
      for (let r = 0; r < requests.length; r++) for (let i = 0; i < nItems; i++) m.data[r * nItems + i] = -i;
      return m;
    },
    rank: (requests, options) => rankByScoring(model, requests, options),
    save: async () => {},
    load: async () => {},
    dispose: () => {},
  };
  return model;
}

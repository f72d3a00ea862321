/**
 * @file Semantic IDs: residual k-means over the items' collaborative-filtering embeddings (Text2Tracks' best
 * scheme). Domains without CF (Jamendo) use the co-tag embedding instead: the items' tags' co-occurrence factors.
 */
import type { Domain } from "../../../domains/types.js";
import { quantisedIds, quantisedKey, type QuantisedSource } from "./quantised.js";
import type { IdScheme } from "./index.js";

/** items.features.cf (lfm2k: SVD of the user x artist log play-count matrix), else items.features.cotag. */
const SOURCES: readonly QuantisedSource[] = [
  { feature: "cf", note: "collaborative filtering" },
  { feature: "cotag", note: "co-tag embedding (the domain has no CF)" },
];

/** @example SEMANTIC_IDS.build(domain, { levels: 3, codes: 64, seed: 42 }).source // "items.features.cf (collaborative filtering, 64-d), ..." */
export const SEMANTIC_IDS: IdScheme = {
  name: "semantic",
  key: (domain: Domain, params) => quantisedKey("semantic", SOURCES, domain, params),
  build: (domain: Domain, params) => quantisedIds("semantic", SOURCES, domain, params),
};

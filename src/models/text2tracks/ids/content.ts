/**
 * @file Content IDs: the same residual k-means as semantic IDs, over the items' text embedding (their tags' text
 * as encoded by the request encoder), so similar-sounding descriptions share prefixes instead of similar listeners.
 */
import { quantisedIds, quantisedKey, type QuantisedSource } from "./quantised.js";
import type { IdScheme } from "./index.js";

const SOURCES: readonly QuantisedSource[] = [{ feature: "tagtext", note: "tag-text embedding" }];

/** @example CONTENT_IDS.build(domain, { levels: 3, codes: 64, seed: 42 }).scheme // "content" */
export const CONTENT_IDS: IdScheme = {
  name: "content",
  key: (domain, params) => quantisedKey("content", SOURCES, domain, params),
  build: (domain, params) => quantisedIds("content", SOURCES, domain, params),
};

/**
 * @file The names of the models a catalog can be ranked by and of the catalogs that can train one. Kept apart from
 * catalog-models.ts (which loads TF.js and the datasets) so the CLI can validate names before anything heavy loads.
 */

/** Models a catalog can be ranked by, best first: `ask` uses the first one that is trained. */
export const SERVABLE_MODELS = ["jam-cross", "jam-avg", "jam-moe"] as const;
export type ServableModel = (typeof SERVABLE_MODELS)[number];

/** Catalogs with a training recipe (a domain built from the same source as the catalog). */
export const TRAINABLE_CATALOGS = ["jamendo", "lastfm-2k"] as const;

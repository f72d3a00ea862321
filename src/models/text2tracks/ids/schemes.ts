/**
 * @file The table of ID schemes by name: one line per scheme.
 */
import { CONTENT_IDS } from "./content.js";
import type { IdScheme, IdSchemeName } from "./index.js";
import { INT_IDS } from "./int.js";
import { SEMANTIC_IDS } from "./semantic.js";
import { TITLE_IDS } from "./title.js";

export const ID_SCHEMES: Readonly<Record<IdSchemeName, IdScheme>> = Object.freeze({
  semantic: SEMANTIC_IDS,
  content: CONTENT_IDS,
  int: INT_IDS,
  title: TITLE_IDS,
});

/**
 * @file The table of serving forms: every model a catalog can be ranked by, with how to train it on the catalog's
 * domain and how to load it. A new system registers with one line. The table loads no model code itself (each form
 * imports it on first use), so the CLI checks names without loading TF.js.
 */
import type { ServingForm } from "./serving-model.js";

/**
 * A form whose code is imported on first use. `extra` holds what must be known without importing it: whether
 * `--model auto` may pick it, and that it has its own training domain.
 */
function lazyForm(open: () => Promise<ServingForm>, extra: { auto?: boolean; ownDomain?: boolean } = {}): ServingForm {
  return {
    train: async (domain, options) => (await open()).train(domain, options),
    load: async (dir) => (await open()).load(dir),
    ...(extra.ownDomain === true ? { trainingDomain: async (config, catalog, progress) => (await open()).trainingDomain!(config, catalog, progress) } : {}),
    ...(extra.auto !== undefined ? { auto: extra.auto } : {}),
  };
}

/**
 * Servable models, best first: `--model auto` ranks with the first one that is trained for the catalog. The order
 * follows the measured retrieval quality (BENCHMARKS.md): jam-cross is best on lfm2k-tagq (NDCG@10 0.2555 with
 * users) and close on jamendo-captions; jam-avg and jam-moe follow; talkrec and whitebox (0.2039 and 0.2007 on
 * lfm2k-tagq val), which read the words only, come next (whitebox's word attention explains each answer and adapts
 * to a listener's word feedback). apron reads no words (a listener's profile only), so `auto` never picks it.
 */
export const SERVING_FORMS = Object.freeze({
  "jam-cross": lazyForm(async () => (await import("./serving/jam.js")).jamForm("cross")),
  "jam-avg": lazyForm(async () => (await import("./serving/jam.js")).jamForm("avg")),
  "jam-moe": lazyForm(async () => (await import("./serving/jam.js")).jamForm("moe")),
  talkrec: lazyForm(async () => (await import("./serving/talkrec.js")).talkrecForm),
  whitebox: lazyForm(async () => (await import("./serving/whitebox.js")).whiteboxForm),
  "text2tracks-semantic": lazyForm(async () => (await import("./serving/text2tracks.js")).text2tracksForm("semantic")),
  // Ranks from a listener's profile (their likes, their edits), not from the words: chosen by name, never by auto.
  apron: lazyForm(async () => (await import("./serving/apron.js")).apronForm, { auto: false, ownDomain: true }),
} satisfies Record<string, ServingForm>);

export type ServableModel = keyof typeof SERVING_FORMS;

/** The names of {@link SERVING_FORMS}, best first (the order of `--model auto`). */
export const SERVABLE_MODELS = Object.keys(SERVING_FORMS) as readonly ServableModel[];

/** The model `askmusic train <catalog>` trains when `--model` is not given. */
export const DEFAULT_TRAINED_MODEL: ServableModel = "jam-cross";

/** Catalogs with a training recipe (a domain built from the same source as the catalog). */
export const TRAINABLE_CATALOGS = ["jamendo", "lastfm-2k"] as const;

/**
 * The command that (re)trains `model` for `catalog`, for messages that say how to fix a missing or stale model.
 * @example trainCommand("jamendo", "talkrec") // "npx askmusic train jamendo --model talkrec"
 */
export function trainCommand(catalog: string, model: string): string {
  return `npx askmusic train ${catalog}${model === DEFAULT_TRAINED_MODEL ? "" : ` --model ${model}`}`;
}

/** The models `--model auto` chooses among, best first (apron needs a listener, so it is chosen by name only). */
export const AUTO_MODELS = SERVABLE_MODELS.filter((m) => (SERVING_FORMS[m] as ServingForm).auto !== false);

/** Values of `--model` for ask and serve: the best trained model (auto), text match (none), or a model by name. */
export const RANKER_CHOICES = ["auto", "none", ...SERVABLE_MODELS] as const;

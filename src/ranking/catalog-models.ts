/**
 * @file Trained models of the served catalogs: where they live (`$ASKMUSIC_HOME/models/<catalog>/<model>/`), how
 * one is trained from the catalog's source data and written atomically, and which one `ask` and the server load.
 * What each model is, how it trains and loads, is its serving form (serving-forms.ts).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";
import { buildDirAtomic } from "../core/fs.js";
import type { Progress } from "../core/progress.js";
import { buildJamendoDomain } from "../domains/jamendo.js";
import { buildLfm2kDomain } from "../domains/lfm2k-tagq.js";
import type { Domain } from "../domains/types.js";
import { InputError, NotFoundError } from "../errors.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { SERVABLE_MODELS, SERVING_FORMS, TRAINABLE_CATALOGS, trainCommand, type ServableModel } from "./serving-forms.js";
import type { ServingForm, ServingModel } from "./serving-model.js";

export { SERVABLE_MODELS, TRAINABLE_CATALOGS, type ServableModel } from "./serving-forms.js";

/** Where a catalog's trained model lives. */
export function modelDir(config: Config, catalog: string, model: string): string {
  return path.join(config.homeDir, "models", catalog, model);
}

/** Names of the trained models of a catalog, in {@link SERVABLE_MODELS} order (best first). */
export async function trainedModels(config: Config, catalog: string): Promise<ServableModel[]> {
  const out: ServableModel[] = [];
  for (const m of SERVABLE_MODELS) {
    const ok = await fs.access(path.join(modelDir(config, catalog, m), "model.json")).then(() => true, () => false);
    if (ok) out.push(m);
  }
  return out;
}

/** Checks a model name against the serving forms; an unknown one is a NotFoundError listing them. */
export function checkModelName(model: string): ServableModel {
  if (!Object.hasOwn(SERVING_FORMS, model)) throw new NotFoundError("model", model, [...SERVABLE_MODELS]);
  return model as ServableModel;
}

/**
 * The model a catalog is ranked with: `choice` "auto" = the first trained one in {@link SERVABLE_MODELS} order
 * (best first), or none (text match) when nothing is trained; "none" = text match; a model name = that model, which
 * must be trained.
 */
export async function openCatalogModel(config: Config, catalog: string, choice = "auto"): Promise<ServingModel | undefined> {
  if (choice === "none") return undefined;
  const trained = await trainedModels(config, catalog);
  if (choice === "auto") {
    const first = trained.find((m) => SERVING_FORMS[m].auto !== false);
    return first !== undefined ? SERVING_FORMS[first].load(modelDir(config, catalog, first)) : undefined;
  }
  const model = checkModelName(choice);
  if (!trained.includes(model)) {
    throw new InputError(`model ${model} is not trained for catalog "${catalog}": run \`${trainCommand(catalog, model)}\``, { field: "model" });
  }
  return SERVING_FORMS[model].load(modelDir(config, catalog, model));
}

/** Options of {@link trainCatalogModel}. */
export interface TrainCatalogOptions {
  readonly encoder: TextEncoder;
  readonly seed?: number;
  /** Overrides of the model's options for this catalog (e.g. { epochs: 2 }). */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
}

/** The training domain of a catalog: the same items, in the catalog's ids. */
async function catalogDomain(config: Config, catalog: string, encoder: TextEncoder, progress?: Progress): Promise<Domain> {
  if (catalog === "jamendo") return buildJamendoDomain(config, { encoder, progress });
  // Own features: the request encoder at serving time is the same USE-lite that built them.
  if (catalog === "lastfm-2k") return buildLfm2kDomain(config, { features: "own", encoder, progress });
  throw new NotFoundError("trainable catalog", catalog, [...TRAINABLE_CATALOGS]);
}

/**
 * Trains `model` for `catalog` (model selection on the domain's validation queries) and writes its serving form
 * into {@link modelDir} atomically: an interrupted run leaves the previous model, if any, in place.
 */
export async function trainCatalogModel(config: Config, catalog: string, model: string, options: TrainCatalogOptions): Promise<{ dir: string; model: ServingModel }> {
  const name = checkModelName(model);
  if (!(TRAINABLE_CATALOGS as readonly string[]).includes(catalog)) throw new NotFoundError("trainable catalog", catalog, [...TRAINABLE_CATALOGS]);
  const form = SERVING_FORMS[name] as ServingForm;
  const domain = form.trainingDomain !== undefined ? await form.trainingDomain(config, catalog, options.progress) : await catalogDomain(config, catalog, options.encoder, options.progress);
  const seed = options.seed ?? 42;
  const trained = await form.train(domain, { seed, options: options.options, log: options.log, onProgress: options.progress });
  const dir = modelDir(config, catalog, name);
  await buildDirAtomic(dir, (tmp) => trained.save(tmp));
  return { dir, model: trained };
}

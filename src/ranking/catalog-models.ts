/**
 * @file Trained models of the served catalogs: where they live (`$ASKMUSIC_HOME/models/<catalog>/<model>/`), how
 * one is trained from the catalog's source data and written atomically, and which one `ask` and the server load.
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
import { JamRecommender, type Mixing } from "../models/jam/index.js";
import { JamServing } from "../models/jam/serving.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { SERVABLE_MODELS, TRAINABLE_CATALOGS, type ServableModel } from "./servable-models.js";

export { SERVABLE_MODELS, TRAINABLE_CATALOGS, type ServableModel } from "./servable-models.js";

/** Where a catalog's trained model lives. */
export function modelDir(config: Config, catalog: string, model: string): string {
  return path.join(config.homeDir, "models", catalog, model);
}

/** Names of the trained models of a catalog, in {@link SERVABLE_MODELS} order. */
export async function trainedModels(config: Config, catalog: string): Promise<ServableModel[]> {
  const out: ServableModel[] = [];
  for (const m of SERVABLE_MODELS) {
    const ok = await fs.access(path.join(modelDir(config, catalog, m), "model.json")).then(() => true, () => false);
    if (ok) out.push(m);
  }
  return out;
}

function checkModelName(model: string): ServableModel {
  if (!(SERVABLE_MODELS as readonly string[]).includes(model)) throw new NotFoundError("model", model, [...SERVABLE_MODELS]);
  return model as ServableModel;
}

/**
 * The model `ask` should rank a catalog with: `choice` "auto" = the first trained one in {@link SERVABLE_MODELS}
 * order, or none (text match) when nothing is trained; "none" = text match; a model name = that model, which must
 * be trained.
 */
export async function openCatalogModel(config: Config, catalog: string, choice = "auto"): Promise<JamServing | undefined> {
  if (choice === "none") return undefined;
  const trained = await trainedModels(config, catalog);
  if (choice === "auto") return trained.length > 0 ? JamServing.load(modelDir(config, catalog, trained[0])) : undefined;
  const model = checkModelName(choice);
  if (!trained.includes(model)) {
    throw new InputError(`model ${model} is not trained for catalog "${catalog}": run \`npx askmusic train ${catalog} --model ${model}\``, { field: "model" });
  }
  return JamServing.load(modelDir(config, catalog, model));
}

/** Options of {@link trainCatalogModel}. */
export interface TrainCatalogOptions {
  readonly encoder: TextEncoder;
  readonly seed?: number;
  /** Overrides of the catalog's JAM options (e.g. { epochs: 2 }). */
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
export async function trainCatalogModel(config: Config, catalog: string, model: string, options: TrainCatalogOptions): Promise<{ dir: string; serving: JamServing }> {
  const name = checkModelName(model);
  if (!(TRAINABLE_CATALOGS as readonly string[]).includes(catalog)) throw new NotFoundError("trainable catalog", catalog, [...TRAINABLE_CATALOGS]);
  const domain = await catalogDomain(config, catalog, options.encoder, options.progress);
  const jam = new JamRecommender(name.slice("jam-".length) as Mixing, options.options);
  try {
    const seed = options.seed ?? 42;
    const report = await jam.fit(domain, { seed, log: options.log, onProgress: options.progress });
    const serving = jam.toServing({ ...report.notes, trainSeconds: report.trainSeconds, seed, trainedAt: new Date().toISOString() });
    const dir = modelDir(config, catalog, name);
    await buildDirAtomic(dir, (tmp) => serving.save(tmp));
    return { dir, serving };
  } finally {
    jam.dispose();
  }
}

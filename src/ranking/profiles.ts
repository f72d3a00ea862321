/**
 * @file Editable listener profiles (APRON) of a served catalog: how the catalog's profile model is trained and stored
 * (`$ASKMUSIC_HOME/models/<catalog>/apron/`), and a listener's profile read from their history, with their edits
 * applied, beside the recommendations that follow from it.
 *
 * Catalogs. lastfm-2k: trained on every Last.fm listener's plays over the artists at least 5 of them played (about
 * 2,800 of the catalog's 17,632; the others cannot appear in a profile's recommendations); prototypes are the 80 tags
 * the training listeners gave most, each with its most-played artist as exemplar and the artist's Last.fm page as the
 * link. Jamendo has no listening data to train on: its profile model is built from the tags alone
 * (models/apron/tag-profile.ts): its 187 tags are the prototypes, each with its most-listened track (song-describer
 * listens; the first track carrying the tag when none has listens) as exemplar and its Jamendo page as the link; a
 * listener's profile is the mean tag distribution of the tracks they like, and a track's score is the profile's
 * weight on its tags, so an edit moves exactly the edited tags' tracks.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Config } from "../config.js";
import { buildDirAtomic, writeFileAtomic } from "../core/fs.js";
import { row } from "../core/matrix.js";
import type { Progress } from "../core/progress.js";
import { buildJamendoProfileDomain } from "../domains/jamendo.js";
import { buildLastfmProfileDomain } from "../domains/lfm2k-cf.js";
import type { Domain } from "../domains/types.js";
import { DataError, InputError, NotFoundError } from "../errors.js";
import { ApronRecommender, type ApronOptions } from "../models/apron/index.js";
import type { FitReport, ProfileEdits } from "../models/recommender.js";
import { PROFILE_CATALOGS, profileModelDir } from "./profile-catalogs.js";

export { PROFILE_CATALOGS, profileModelDir } from "./profile-catalogs.js";


const ITEMS_FILE = "items.json";
const ItemsSchema = z.object({
  domain: z.string(),
  ids: z.array(z.string()),
  names: z.array(z.string()),
  links: z.array(z.string()),
  /** What training reported (absent in models saved before it was kept). */
  training: z.record(z.string(), z.unknown()).optional(),
});


function checkCatalog(catalog: string): void {
  if (!(PROFILE_CATALOGS as readonly string[]).includes(catalog)) throw new NotFoundError("catalog with profiles", catalog, [...PROFILE_CATALOGS]);
}

/** A loaded profile model with the items it ranks (ids, names, listen links). */
export interface ProfileModel {
  readonly catalog: string;
  readonly model: ApronRecommender;
  readonly ids: readonly string[];
  readonly names: readonly string[];
  readonly links: readonly string[];
  /** What training reported (epochs, selection NDCG@100, seconds), for display. */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** Options of {@link trainProfileModel}. */
export interface TrainProfileOptions {
  readonly seed?: number;
  /** Overrides of APRON's options (e.g. { epochs: 2 }). */
  readonly options?: ApronOptions;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
  /** Overrides the training domain (tests). */
  readonly domain?: Domain;
}

/**
 * Trains the catalog's profile model (selection on its held-out listeners) and writes it atomically into
 * {@link profileModelDir}: an interrupted run leaves the previous model in place.
 */
export async function trainProfileModel(config: Config, catalog: string, options: TrainProfileOptions = {}): Promise<{ dir: string; notes: Readonly<Record<string, number | string>> }> {
  checkCatalog(catalog);
  const domain = options.domain ?? (await profileDomain(config, catalog, options.progress));
  const { model, report } = await fitProfileModel(domain, { ...options, seed: options.seed ?? 42 });
  try {
    const dir = profileModelDir(config, catalog);
    const notes = { ...report.notes, trainSeconds: report.trainSeconds };
    await buildDirAtomic(dir, (tmp) => saveProfileModel(tmp, { catalog, model, ...domainItems(domain), training: notes }));
    return { dir, notes };
  } finally {
    model.dispose();
  }
}

/** The listening histories a catalog's profile model trains on, or Jamendo's tracks and tags (see the file's comment). */
export async function profileDomain(config: Config, catalog: string, progress?: Progress): Promise<Domain> {
  checkCatalog(catalog);
  return catalog === "jamendo" ? buildJamendoProfileDomain(config, { progress }) : buildLastfmProfileDomain(config, { progress });
}

/**
 * Fits APRON on a domain with listening data, or builds the tags-only profile of one without (Jamendo); the caller
 * disposes the model. Options other than the seed and log are for the fitted model only.
 */
export async function fitProfileModel(
  domain: Domain,
  options: Pick<TrainProfileOptions, "options" | "log" | "progress"> & { readonly seed: number },
): Promise<{ model: ApronRecommender; report: FitReport }> {
  if (domain.interactions === undefined) {
    const t0 = performance.now();
    const model = ApronRecommender.fromTags(domain);
    options.log?.(`apron: no listening data in ${domain.name}: built from its tags (${model.prototypes.length} prototypes), not trained`);
    return { model, report: { trainSeconds: (performance.now() - t0) / 1000, notes: { prototypes: model.prototypes.length, built: "from tags, no listening data" } } };
  }
  const model = new ApronRecommender("apron", options.options);
  try {
    return { model, report: await model.fit(domain, { seed: options.seed, log: options.log, onProgress: options.progress }) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** A domain's items as a profile model lists them (ids, names, listen links). */
export function domainItems(domain: Domain): Pick<ProfileModel, "ids" | "names" | "links"> {
  return { ids: domain.items.ids, names: domain.items.names, links: domain.items.links ?? domain.items.ids.map(() => "") };
}

/** Writes a fitted profile model and its items into `dir` (a directory being built: see buildDirAtomic). */
export async function saveProfileModel(dir: string, pm: ProfileModel): Promise<void> {
  await pm.model.save(dir);
  await writeFileAtomic(path.join(dir, ITEMS_FILE), JSON.stringify({ domain: pm.model.domain, ids: pm.ids, names: pm.names, links: pm.links, training: pm.training ?? {} }));
}

/** Loads the catalog's profile model; a missing one is an InputError saying how to train it. */
export async function openProfileModel(config: Config, catalog: string): Promise<ProfileModel> {
  checkCatalog(catalog);
  return loadProfileModel(profileModelDir(config, catalog), catalog);
}

/** Loads a profile model from `dir` (what {@link saveProfileModel} wrote); a missing one is an InputError saying how to train it. */
export async function loadProfileModel(dir: string, catalog: string): Promise<ProfileModel> {
  const file = path.join(dir, ITEMS_FILE);
  const raw = await fs.readFile(file, "utf8").catch(() => undefined);
  if (raw === undefined) throw new InputError(`catalog "${catalog}" has no profile model: run \`npx askmusic profile train --catalog ${catalog}\``, { field: "catalog" });
  let items: z.output<typeof ItemsSchema>;
  try {
    items = ItemsSchema.parse(JSON.parse(raw));
  } catch (cause) {
    throw new DataError(`${file} is not a profile model's item list: train it again with \`npx askmusic profile train --catalog ${catalog}\``, { path: file, cause });
  }
  // The model needs only its items from a domain when it loads.
  const domain = { name: items.domain, items: { ids: items.ids } } as unknown as Domain;
  const model = new ApronRecommender("apron");
  await model.load(dir, domain);
  return { catalog, model, ids: items.ids, names: items.names, links: items.links, training: items.training ?? {} };
}

/** One prototype of a listener's profile as they see it. */
export interface ProfilePrototype {
  readonly tag: string;
  /** Weight in the profile after the listener's edits (the weights sum to 1). */
  readonly weight: number;
  /** Whether the listener set this weight (an edit), rather than it following from their history. */
  readonly edited: boolean;
  readonly exemplar: { readonly id: string; readonly name: string; readonly link: string };
}

/** A listener's profile and the recommendations it gives. */
export interface ProfileView {
  readonly catalog: string;
  /** Prototypes, strongest first. */
  readonly prototypes: readonly ProfilePrototype[];
  readonly recommendations: readonly { readonly id: string; readonly name: string; readonly link: string; readonly score: number }[];
  /** History items the profile was read from, and those the model does not know (left out). */
  readonly historyUsed: number;
  readonly historyUnknown: number;
}

/**
 * The profile read from `history` (catalog item ids: a listener's likes or plays) with `edits` applied, and the top
 * `k` items it recommends (never a history item). A history with no item the model knows is an InputError.
 * @example profileView(pm, ["289", "72"], { prototypeWeights: { rock: 0 } }, 20).prototypes[0] // { tag: "pop", weight: 0.21, ... }
 */
export async function profileView(pm: ProfileModel, history: readonly string[], edits: ProfileEdits | undefined, k: number): Promise<ProfileView> {
  const rowOf = new Map(pm.ids.map((id, i) => [id, i]));
  const rows = [...new Set(history)].flatMap((id) => (rowOf.has(id) ? [rowOf.get(id)!] : []));
  if (rows.length === 0) {
    throw new InputError(
      `none of the ${history.length} items of this history is one of the ${pm.ids.length} items the ${pm.catalog} profile model knows: like some of them first`,
      { field: "history" },
    );
  }
  const request = { text: "", history: { items: rows }, ...(edits !== undefined && Object.keys(edits.prototypeWeights).length > 0 ? { profile: edits } : {}) };
  const { tags, weights } = await pm.model.profiles([request]);
  const w = row(weights, 0);
  const prototypes = pm.model.prototypes;
  const order = Array.from(w.keys()).sort((a, b) => w[b] - w[a] || a - b);
  const [ranked] = await pm.model.rank([request], { k, exclude: [new Set(rows)] });
  const item = (i: number) => ({ id: pm.ids[i], name: pm.names[i], link: pm.links[i] });
  return {
    catalog: pm.catalog,
    prototypes: order.map((p) => ({ tag: tags[p], weight: w[p], edited: edits !== undefined && Object.hasOwn(edits.prototypeWeights, tags[p]), exemplar: item(prototypes[p].exemplar) })),
    recommendations: Array.from(ranked.items, (i, j) => ({ ...item(i), score: ranked.scores[j] })),
    historyUsed: rows.length,
    historyUnknown: new Set(history).size - rows.length,
  };
}

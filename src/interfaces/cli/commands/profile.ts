/**
 * @file `askmusic profile train|show|set`: a listener's editable profile (APRON prototypes: tag, weight, exemplar
 * link) and the recommendations that follow from it; edits of an askmusic user are stored in the state store.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { InputError } from "../../../errors.js";
import type { ProfileView } from "../../../ranking/profiles.js";
import { checkUserId } from "../../../store/state/validate.js";
import { parseIntFlag } from "../options.js";

/** Parses repeated `--weight tag=w` flags into prototype weights (w in [0, 1]). */
export function parseWeightFlags(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const at = v.lastIndexOf("=");
    const tag = at > 0 ? v.slice(0, at).trim() : "";
    const w = at > 0 ? Number(v.slice(at + 1)) : Number.NaN;
    if (tag === "" || v.slice(at + 1).trim() === "" || !Number.isFinite(w) || w < 0 || w > 1) {
      throw new InputError(`--weight must be tag=weight with a weight from 0 to 1 (e.g. --weight "female vocalists=0.3"), got "${v}"`, { field: "--weight" });
    }
    out[tag] = w;
  }
  return out;
}

/** The view as terminal lines: prototypes as bars with their exemplar links, then the recommendations. */
function render(view: ProfileView, shown: number): string {
  const lines = [`profile (${view.catalog}) from ${view.historyUsed} history items${view.historyUnknown > 0 ? ` (${view.historyUnknown} unknown to the model, left out)` : ""}:`];
  for (const p of view.prototypes.slice(0, shown)) {
    const bar = "#".repeat(Math.round(p.weight * 100));
    lines.push(`  ${p.tag.padEnd(24)} ${p.weight.toFixed(3)} ${bar}${p.edited ? " (set)" : ""}  e.g. ${p.exemplar.name} ${p.exemplar.link}`);
  }
  if (view.prototypes.length > shown) lines.push(`  ... ${view.prototypes.length - shown} more (--all lists every prototype)`);
  lines.push("recommendations:");
  view.recommendations.forEach((r, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${r.name}  ${r.link}`));
  return `${lines.join("\n")}\n`;
}

interface ShowOptions {
  catalog: string;
  user?: string;
  lastfmUser?: string;
  weight: string[];
  reset?: boolean;
  k: string;
  all?: boolean;
  json?: boolean;
}

/**
 * Registers `profile train`, `profile show` and `profile set`.
 * @example
 * // $ askmusic profile train --catalog lastfm-2k
 * // $ askmusic profile show --catalog lastfm-2k --lastfm-user 2
 * // $ askmusic profile set --catalog lastfm-2k --user alice --weight rock=0 --weight "female vocalists=0.4"
 */
export function registerProfileCommand(program: Command, config: Config): void {
  const profile = program.command("profile").description("Read and edit a listener's profile: tag prototypes with weights and a listenable example each.");
  profile
    .command("train")
    .description("Train the catalog's profile model (APRON) into $ASKMUSIC_HOME/models/<catalog>/apron (jamendo: built from its tags, no listening data to train on).")
    .option("--catalog <name>", "lastfm-2k | jamendo", "lastfm-2k")
    .option("--epochs <n>", "maximum epochs (default 80, stopping when selection NDCG@100 stops improving for 10)")
    .option("--seed <n>", "random seed", "42")
    .action(async (opts: { catalog: string; epochs?: string; seed: string }) => {
      const seed = parseIntFlag("--seed", opts.seed, 0, 2 ** 31 - 1);
      const epochs = opts.epochs !== undefined ? parseIntFlag("--epochs", opts.epochs, 1, 1000) : undefined;
      const { trainProfileModel } = await import("../../../ranking/profiles.js");
      const { progressPrinter } = await import("../../../core/progress.js");
      const { dir, notes } = await trainProfileModel(config, opts.catalog, {
        seed,
        progress: progressPrinter(),
        options: epochs !== undefined ? { epochs } : {},
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stderr.write(`profile train ${opts.catalog}: saved in ${dir}\n`);
      process.stdout.write(`${JSON.stringify({ catalog: opts.catalog, model: "apron", dir, training: notes })}\n`);
    });

  const common = (c: Command) =>
    c
      .option("--catalog <name>", "lastfm-2k | jamendo", "lastfm-2k")
      .option("--user <id>", "an askmusic user: their likes in the catalog are the history, their stored edits apply")
      .option("--lastfm-user <n>", "lastfm-2k: a Last.fm listener's plays are the history (edits are not stored)")
      .option("--weight <tag=w>", "set a prototype's weight (0 to 1; 0 removes it); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("-k, --k <n>", "recommendations to list", "20")
      .option("--all", "list every prototype (default: the 10 strongest)")
      .option("--json", "print the profile and recommendations as JSON");
  common(profile.command("show"))
    .description("Show a listener's profile and its recommendations (--weight previews an edit without storing it).")
    .action((opts: ShowOptions) => runProfile(config, opts, false));
  common(profile.command("set"))
    .description("Set prototype weights of an askmusic user's profile (stored), then show it.")
    .option("--reset", "clear the user's stored edits first")
    .action((opts: ShowOptions) => runProfile(config, opts, true));
}

async function runProfile(config: Config, opts: ShowOptions, store: boolean): Promise<void> {
  const k = parseIntFlag("--k", opts.k, 1, 1000);
  const weights = parseWeightFlags(opts.weight);
  if ((opts.user === undefined) === (opts.lastfmUser === undefined)) throw new InputError("pass exactly one of --user <askmusic user> and --lastfm-user <Last.fm user id>", { field: "--user" });
  if (store && opts.user === undefined) throw new InputError("profile edits are stored per askmusic user: pass --user (use `profile show --lastfm-user N --weight ...` to preview)", { field: "--user" });
  if (store && Object.keys(weights).length === 0 && opts.reset !== true) throw new InputError("profile set needs --weight tag=w (repeatable) or --reset", { field: "--weight" });
  const { openProfileModel, profileView } = await import("../../../ranking/profiles.js");
  const pm = await openProfileModel(config, opts.catalog);
  // Unknown tags fail before anything is stored.
  const known = new Set(pm.model.prototypes.map((p) => p.tag));
  for (const tag of Object.keys(weights)) {
    if (!known.has(tag)) throw new InputError(`--weight: "${tag}" is not one of the ${known.size} prototypes of ${opts.catalog} (e.g. ${[...known].slice(0, 6).join(", ")})`, { field: "--weight" });
  }
  let history: string[];
  let edits: Record<string, number> = weights;
  if (opts.lastfmUser !== undefined) {
    if (opts.catalog !== "lastfm-2k") throw new InputError("--lastfm-user is for the lastfm-2k catalog", { field: "--lastfm-user" });
    const id = parseIntFlag("--lastfm-user", opts.lastfmUser, 0, 2 ** 31 - 1);
    const { loadLastfm } = await import("../../../datasets/lastfm/index.js");
    const lfm = await loadLastfm(config);
    history = lfm.plays.filter((p) => p.user === id && p.plays > 0).map((p) => String(p.artist));
    if (history.length === 0) throw new InputError(`Last.fm user ${id} has no plays in user_artists.dat`, { field: "--lastfm-user" });
  } else {
    const user = checkUserId(opts.user, "--user");
    const { openStateRepository } = await import("../../../store/state/index.js");
    const repo = await openStateRepository(config);
    try {
      if ((await repo.getUser(user)) === undefined) throw new InputError(`no askmusic user "${user}": create one with \`npx askmusic users add ${user}\``, { field: "--user" });
      const stored = opts.reset === true ? {} : await repo.getProfile(user, opts.catalog);
      edits = { ...stored, ...weights };
      history = (await repo.listFeedback(user, opts.catalog)).filter((f) => f.value === 1).map((f) => f.itemId);
      if (history.length === 0) throw new InputError(`askmusic user "${user}" has no likes in ${opts.catalog}: like some items first (web app or POST /v1/feedback)`, { field: "--user" });
      // The view is computed before storing, so edits the model refuses (all weights 0) are never stored.
      const view = await profileView(pm, history, { prototypeWeights: edits }, k);
      if (store) await repo.setProfile(user, opts.catalog, edits);
      print(view, opts);
      return;
    } finally {
      await repo.close();
    }
  }
  print(await profileView(pm, history, { prototypeWeights: edits }, k), opts);
}

function print(view: ProfileView, opts: ShowOptions): void {
  process.stdout.write(opts.json === true ? `${JSON.stringify(view)}\n` : render(view, opts.all === true ? view.prototypes.length : 10));
}

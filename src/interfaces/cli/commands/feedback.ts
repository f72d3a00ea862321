/**
 * @file `askmusic feedback --user U --request "..." --strengthen w1,w2 --weaken w3 (--catalog C | --model-dir DIR)`:
 * word feedback on a whitebox explanation. Retrains the user's LoRA adapter (from their stored one) against the
 * catalog's trained whitebox model (`askmusic train C --model whitebox`; `ask --user U` and the server then apply
 * it to that user's requests) or a saved lfm2k-tagq benchmark model, and stores it in the state store (a new
 * version); prints the request's word attention before and after as a heatmap and one JSON line.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { InputError, NotFoundError } from "../../../errors.js";
import type { StateRepository } from "../../../store/state/repository.js";
import { checkUserId } from "../../../store/state/validate.js";
import { parseListFlag } from "../options.js";

/** The catalog name adapters of the lfm2k-tagq whitebox model are stored under. */
export const WHITEBOX_CATALOG = "lfm2k-tagq";

/**
 * One line per word: the word, its weight and a bar of `#` (one per 2.5%), e.g. `  piano  0.712 ############################`.
 * @example heatmapLines([{ word: "sad", weight: 0.25 }]) // ["  sad  0.250 ##########"]
 */
export function heatmapLines(att: readonly { word: string; weight: number }[]): string[] {
  const width = Math.max(0, ...att.map((a) => a.word.length));
  return att.map((a) => `  ${a.word.padEnd(width)}  ${a.weight.toFixed(3)} ${"#".repeat(Math.round(a.weight * 40))}`);
}

interface FeedbackOptions {
  user: string;
  request: string;
  strengthen?: string;
  weaken?: string;
  modelDir?: string;
  catalog?: string;
  features: string;
  reset?: boolean;
}

/**
 * Registers `feedback`.
 * @example
 * // $ askmusic eval feedback --features shared --save ./wb    (fits and saves a whitebox model)
 * // $ askmusic feedback --user alice --request "dark ambient piano" --strengthen piano --weaken dark --model-dir ./wb
 */
export function registerFeedbackCommand(program: Command, config: Config): void {
  program
    .command("feedback")
    .description("Strengthen or weaken words of a request for one user: retrains their whitebox adapter (seconds) and stores it.")
    .requiredOption("--user <id>", "the askmusic user whose adapter is retrained")
    .requiredOption("--request <text>", "the request whose words the feedback is about")
    .option("--strengthen <words>", "comma-separated words of the request that should count more")
    .option("--weaken <words>", "comma-separated words of the request that should count less")
    .option("--catalog <name>", "retrain against this catalog's trained whitebox model (askmusic train <catalog> --model whitebox); ask and serve apply the adapter")
    .option("--model-dir <dir>", "or: a saved whitebox model of lfm2k-tagq (askmusic eval feedback --save DIR)")
    .option("--features <set>", "the feature set the model was trained with: shared or own", "shared")
    .option("--reset", "delete the user's adapter (their requests go back to the shared model)")
    .action((opts: FeedbackOptions) => runFeedback(config, opts));
}

async function runFeedback(config: Config, opts: FeedbackOptions): Promise<void> {
  checkUserId(opts.user, "--user");
  if (opts.features !== "shared" && opts.features !== "own") throw new InputError(`--features must be shared or own, got "${opts.features}"`, { field: "--features" });
  const strengthen = opts.strengthen !== undefined ? parseListFlag("--strengthen", opts.strengthen).map((w) => w.toLowerCase()) : [];
  const weaken = opts.weaken !== undefined ? parseListFlag("--weaken", opts.weaken).map((w) => w.toLowerCase()) : [];
  if ((opts.catalog === undefined) === (opts.modelDir === undefined)) throw new InputError("give either --catalog (a served catalog's trained whitebox model) or --model-dir (a saved lfm2k-tagq model)", { field: "--catalog" });
  const { openStateRepository } = await import("../../../store/state/index.js");
  const repo = await openStateRepository(config);
  try {
    if ((await repo.getUser(opts.user)) === undefined) throw new NotFoundError("user", opts.user);
    const adapterCatalog = opts.catalog ?? WHITEBOX_CATALOG;
    if (opts.reset === true) {
      const had = await repo.deleteAdapter(opts.user, adapterCatalog, "whitebox");
      process.stdout.write(`${JSON.stringify({ user: opts.user, catalog: adapterCatalog, reset: had })}\n`);
      return;
    }
    if (opts.catalog !== undefined) {
      await feedbackOnCatalog(config, repo, opts.catalog, opts.user, { text: opts.request, strengthen, weaken });
      return;
    }
    const { checkFeedback, trainAdapter } = await import("../../../models/whitebox/adapter.js");
    checkFeedback({ text: opts.request, strengthen, weaken }, 12); // bad words fail before any model loads
    const { buildLfm2kDomain } = await import("../../../domains/lfm2k-tagq.js");
    const { WhiteboxRecommender } = await import("../../../models/whitebox/index.js");
    const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
    const encoder = defaultTextEncoder(config);
    const model = new WhiteboxRecommender();
    try {
      // The domain the saved model was fitted on (eval feedback selects on a set carved from train).
      const domain = await buildLfm2kDomain(config, { features: opts.features, encoder, selection: "carve" });
      await model.load(opts.modelDir!, domain);
      const stored = await repo.getAdapter(opts.user, WHITEBOX_CATALOG, "whitebox");
      const base = stored !== undefined ? { user: opts.user, model: "whitebox", version: stored.version, arrays: stored.arrays } : undefined;
      const feedback = { text: opts.request, strengthen, weaken };
      const r = await trainAdapter(model, feedback, {}, base);
      const version = await repo.setAdapter(opts.user, WHITEBOX_CATALOG, "whitebox", r.arrays, [...(stored?.feedback ?? []), { ...feedback, at: new Date().toISOString() }], stored?.version ?? 0);
      process.stderr.write(["before:", ...heatmapLines(r.before), "after:", ...heatmapLines(r.after), `retrained in ${r.seconds.toFixed(2)} s; adapter version ${version}`].join("\n") + "\n");
      process.stdout.write(`${JSON.stringify({ user: opts.user, request: opts.request, strengthen, weaken, version, seconds: r.seconds, before: r.before, after: r.after })}\n`);
    } finally {
      model.dispose();
      encoder.dispose?.();
    }
  } finally {
    await repo.close();
  }
}

/** Retrains against a catalog's trained whitebox serving form (TF.js in this process) and stores the adapter under that catalog. */
async function feedbackOnCatalog(config: Config, repo: StateRepository, catalog: string, user: string, feedback: { text: string; strengthen: string[]; weaken: string[] }): Promise<void> {
  const { checkFeedback } = await import("../../../models/whitebox/plan.js");
  checkFeedback(feedback, 12); // bad words fail before any model loads
  const { openCatalogModel } = await import("../../../ranking/catalog-models.js");
  const { WhiteboxServingModel } = await import("../../../ranking/serving/whitebox.js");
  const served = await openCatalogModel(config, catalog, "whitebox");
  if (!(served instanceof WhiteboxServingModel)) throw new InputError(`catalog "${catalog}" has no trained whitebox model: run \`npx askmusic train ${catalog} --model whitebox\``, { field: "--catalog" });
  const { defaultQueryEncoder } = await import("../../../representations/default-encoder.js");
  const { retrainServed } = await import("../../../models/whitebox/retrain.js");
  const { fitAdapterFactors } = await import("../../../models/whitebox/adapter.js");
  const { WhiteboxEncoder } = await import("../../../models/whitebox/encoder.js");
  const { tfReady } = await import("../../../models/tf/backend.js");
  const encoder = defaultQueryEncoder();
  await tfReady();
  const tfEncoder = WhiteboxEncoder.fromWeights(served.form.data.shape, served.form.data.weights);
  try {
    if (encoder.id !== served.encoderId) throw new InputError(`the whitebox model of "${catalog}" was trained on encoder ${served.encoderId}, but ${encoder.id} is loaded: retrain it`);
    const stored = await repo.getAdapter(user, catalog, "whitebox");
    const base = stored !== undefined ? { user, model: "whitebox", version: stored.version, arrays: stored.arrays } : undefined;
    const r = await retrainServed(served.form, feedback, (ws) => encoder.encode(ws), async (job) => fitAdapterFactors(tfEncoder, job), {}, base);
    const version = await repo.setAdapter(user, catalog, "whitebox", r.arrays, [...(stored?.feedback ?? []), { ...feedback, at: new Date().toISOString() }], stored?.version ?? 0);
    process.stderr.write(["before:", ...heatmapLines(r.before), "after:", ...heatmapLines(r.after), `retrained in ${r.seconds.toFixed(2)} s; adapter version ${version}`].join("\n") + "\n");
    process.stdout.write(`${JSON.stringify({ user, catalog, request: feedback.text, strengthen: feedback.strengthen, weaken: feedback.weaken, version, seconds: r.seconds, before: r.before, after: r.after })}\n`);
  } finally {
    tfEncoder.dispose();
    encoder.dispose?.();
  }
}

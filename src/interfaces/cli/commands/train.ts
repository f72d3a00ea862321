/**
 * @file `askmusic train <catalog> [--model jam-cross] [--epochs N] [--seed 42]`: trains a servable model of a
 * catalog (any entry of the serving-forms table) into `$ASKMUSIC_HOME/models/<catalog>/<model>/` (atomically), for
 * `ask --model`, `serve` and `--model auto`.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { NotFoundError } from "../../../errors.js";
import { DEFAULT_TRAINED_MODEL, SERVABLE_MODELS, TRAINABLE_CATALOGS } from "../../../ranking/serving-forms.js";
import { parseIntFlag } from "../options.js";

/** Registers `train` on the program. Progress and per-epoch lines go to stderr; one JSON summary line to stdout. */
export function registerTrainCommand(program: Command, config: Config): void {
  program
    .command("train")
    .description("Train a ranking model of a catalog (ask and serve rank with the best trained one, or the one --model names).")
    .argument("<catalog>", TRAINABLE_CATALOGS.join(" | "))
    .option("--model <name>", SERVABLE_MODELS.join(" | "), DEFAULT_TRAINED_MODEL)
    .option("--epochs <n>", "maximum epochs (default: the model's recipe for the catalog)")
    .option("--seed <n>", "random seed", "42")
    .action(async (catalog: string, opts: { model: string; epochs?: string; seed: string }) => {
      if (!(TRAINABLE_CATALOGS as readonly string[]).includes(catalog)) throw new NotFoundError("trainable catalog", catalog, TRAINABLE_CATALOGS);
      if (!(SERVABLE_MODELS as readonly string[]).includes(opts.model)) throw new NotFoundError("model", opts.model, SERVABLE_MODELS);
      const seed = parseIntFlag("--seed", opts.seed, 0, 2 ** 31 - 1);
      const epochs = opts.epochs !== undefined ? parseIntFlag("--epochs", opts.epochs, 1, 1000) : undefined;
      const { trainCatalogModel } = await import("../../../ranking/catalog-models.js");
      const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      const { progressPrinter } = await import("../../../core/progress.js");
      const progress = progressPrinter();
      const encoder = defaultTextEncoder(config, progress);
      try {
        const { dir, model } = await trainCatalogModel(config, catalog, opts.model, {
          encoder,
          seed,
          progress,
          options: epochs !== undefined ? { epochs } : {},
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stderr.write(`train ${catalog}: ${model.name} saved in ${dir}\n`);
        process.stdout.write(`${JSON.stringify({ catalog, model: model.name, dir, training: model.training })}\n`);
      } finally {
        encoder.dispose?.();
      }
    });
}

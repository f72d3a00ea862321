/**
 * @file `askmusic train <catalog> [--model jam-cross] [--epochs N] [--seed 42]`: trains the model `ask` and the
 * server rank that catalog with, into `$ASKMUSIC_HOME/models/<catalog>/<model>/` (atomically).
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { NotFoundError } from "../../../errors.js";
import { SERVABLE_MODELS, TRAINABLE_CATALOGS } from "../../../ranking/servable-models.js";
import { parseIntFlag } from "../options.js";

/** Registers `train` on the program. Progress and per-epoch lines go to stderr; one JSON summary line to stdout. */
export function registerTrainCommand(program: Command, config: Config): void {
  program
    .command("train")
    .description("Train the ranking model of a catalog (used by ask, serve and demo once trained).")
    .argument("<catalog>", TRAINABLE_CATALOGS.join(" | "))
    .option("--model <name>", SERVABLE_MODELS.join(" | "), "jam-cross")
    .option("--epochs <n>", "maximum epochs (default: the catalog's recipe)")
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
        const { dir, serving } = await trainCatalogModel(config, catalog, opts.model, {
          encoder,
          seed,
          progress,
          options: epochs !== undefined ? { epochs } : {},
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stderr.write(`train ${catalog}: ${opts.model} saved in ${dir}\n`);
        process.stdout.write(`${JSON.stringify({ catalog, model: serving.model, dir, training: serving.data.training })}\n`);
      } finally {
        encoder.dispose?.();
      }
    });
}

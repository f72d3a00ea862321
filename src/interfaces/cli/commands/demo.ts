/**
 * @file `askmusic demo`: the main job of a fresh clone. Builds the Jamendo catalog if it is not built yet
 * (progress shown; later runs reuse it), then answers a few example requests with their explanations.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";

/** Requests that show constraints, mood and instrumentation at work. */
export const DEMO_REQUESTS = [
  "upbeat songs for a morning run, but no rap",
  "calm piano music to fall asleep to",
  "dark ambient soundscape for a horror film, without vocals",
] as const;

/** Registers `demo` on the program. */
export function registerDemoCommand(program: Command, config: Config): void {
  program
    .command("demo")
    .description("Build the Jamendo catalog if needed, then answer a few example requests.")
    .option("-k, --k <n>", "results per request", "5")
    .action(async (opts: { k: string }) => {
      const { parseIntFlag } = await import("../options.js");
      const { progressPrinter } = await import("../../../core/progress.js");
      const { defaultQueryEncoder, defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      const { ingestCatalog } = await import("../../../store/ingest.js");
      const { listCatalogs } = await import("../../../store/lancedb/index.js");
      const { CatalogRanker } = await import("../../../ranking/catalog-ranker.js");
      const { openBuiltCatalog, formatAnswer } = await import("./ask.js");
      const k = parseIntFlag("-k", opts.k, 1, 100);
      const progress = progressPrinter();
      const encoder = defaultTextEncoder(config, progress);
      const queryEncoder = defaultQueryEncoder();
      try {
        if (!(await listCatalogs(config.homeDir)).includes("jamendo")) {
          process.stderr.write(`building the Jamendo catalog in ${config.homeDir} (first run only)\n`);
          await ingestCatalog(config, "jamendo", { encoder, progress });
        }
        const catalog = await openBuiltCatalog(config, "jamendo");
        try {
          const ranker = await CatalogRanker.open(catalog, queryEncoder);
          for (const request of DEMO_REQUESTS) {
            const answer = await ranker.ask(request, { k });
            process.stdout.write(`\n> ${request}\n${formatAnswer(answer)}\n`);
          }
        } finally {
          catalog.close();
        }
      } finally {
        encoder.dispose?.();
        queryEncoder.dispose?.();
      }
    });
}

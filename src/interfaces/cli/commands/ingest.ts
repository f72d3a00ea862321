/**
 * @file `askmusic ingest jamendo|lastfm-2k`: builds a product catalog into `$ASKMUSIC_HOME/catalogs/<name>/`.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { progressPrinter } from "../../../core/progress.js";
import { NotFoundError } from "../../../errors.js";

/** What `ingest` can build (kept here, not imported from the store, so --help loads no LanceDB). */
export const INGEST_SOURCES = ["jamendo", "lastfm-2k"] as const;

/**
 * Registers `ingest` on the program. Progress goes to stderr; one JSON line describing the new catalog to stdout.
 * @example
 * // $ askmusic ingest jamendo
 * // {"name":"jamendo","version":"v-...","count":55701,"encoderId":"use-lite-512@0.2.0",...}
 */
export function registerIngestCommand(program: Command, config: Config): void {
  program
    .command("ingest")
    .description("Build (or rebuild) a catalog from a public dataset; the previous catalog stays live until the new one is complete.")
    .argument("<catalog>", INGEST_SOURCES.join(" | "))
    .action(async (name: string) => {
      // unknown name → one-line error before anything loads
      if (!(INGEST_SOURCES as readonly string[]).includes(name)) throw new NotFoundError("catalog source", name, INGEST_SOURCES);
      const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      const { ingestCatalog } = await import("../../../store/ingest.js");
      const progress = progressPrinter();
      const encoder = defaultTextEncoder(config, progress);
      const started = Date.now();
      try {
        const info = await ingestCatalog(config, name, { encoder, progress });
        process.stderr.write(`ingest ${name}: ${info.count} items in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        process.stdout.write(`${JSON.stringify(info)}\n`);
      } finally {
        encoder.dispose?.();
      }
    });
}

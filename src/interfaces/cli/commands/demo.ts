/**
 * @file `askmusic demo`: the main job of a fresh clone. Builds the Jamendo catalog and trains its JAM ranker if
 * they are not there yet (progress shown; later runs reuse both), answers a few example requests with their
 * explanations, then serves the web app and API (http://localhost:8080 unless --port says otherwise) until Ctrl-C.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import type { Answer } from "../../../ranking/catalog-ranker.js";
import { announceAndWait, parseServeFlags, startServer, withServeFlags } from "./serve.js";

/** Requests that show constraints, mood and instrumentation at work. */
export const DEMO_REQUESTS = [
  "upbeat songs for a morning run, but no rap",
  "calm piano music to fall asleep to",
  "dark ambient soundscape for a horror film, without vocals",
] as const;

/** Registers `demo` on the program. */
export function registerDemoCommand(program: Command, config: Config): void {
  withServeFlags(
    program
      .command("demo")
      .description("Build the Jamendo catalog and train its ranker if needed, answer a few example requests, then serve the web app.")
      .option("-k, --k <n>", "results per request", "5")
      .option("--no-train", "do not train the JAM ranker when it is missing (rank by text match)")
      .option("--no-serve", "stop after the example requests instead of serving the web app"),
  ).action(async (opts: { k: string; serve: boolean; train: boolean; port: string; host: string; rateLimit: string; answerCache: string; model: string }) => {
    const serveOptions = opts.serve ? parseServeFlags(opts) : undefined;
    const { parseIntFlag } = await import("../options.js");
    const { progressPrinter } = await import("../../../core/progress.js");
    const { defaultQueryEncoder, defaultTextEncoder } = await import("../../../representations/default-encoder.js");
    const { ingestCatalog } = await import("../../../store/ingest.js");
    const { listCatalogs } = await import("../../../store/lancedb/index.js");
    const { CatalogRanker } = await import("../../../ranking/catalog-ranker.js");
    const { openBuiltCatalog, formatAnswer } = await import("./ask.js");
    const { openCatalogModel, trainCatalogModel, trainedModels } = await import("../../../ranking/catalog-models.js");
    const k = parseIntFlag("-k", opts.k, 1, 100);
    const progress = progressPrinter();
    const encoder = defaultTextEncoder(config, progress);
    try {
      if (!(await listCatalogs(config.homeDir)).includes("jamendo")) {
        process.stderr.write(`building the Jamendo catalog in ${config.homeDir} (first run only)\n`);
        await ingestCatalog(config, "jamendo", { encoder, progress });
      }
      if (opts.train && (await trainedModels(config, "jamendo")).length === 0) {
        process.stderr.write(`training the Jamendo ranker (jam-cross) into ${config.homeDir}/models (first run only; about 5 minutes on 2 cores)\n`);
        await trainCatalogModel(config, "jamendo", "jam-cross", { encoder, progress, log: (line) => process.stderr.write(`${line}\n`) });
      }
    } finally {
      encoder.dispose?.();
    }
    if (serveOptions) {
      // Load the catalog once: the examples are answered by the server that then stays up.
      const server = await startServer(config, { ...serveOptions, catalogs: ["jamendo"] });
      try {
        for (const request of DEMO_REQUESTS) {
          const res = await fetch(`${server.url}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ request, k }) });
          if (!res.ok) throw new Error(`the demo server answered ${res.status} to an example request`);
          // The API's answer has the fields formatAnswer reads (request, rank, score, item, components).
          process.stdout.write(`\n> ${request}\n${formatAnswer((await res.json()) as Answer)}\n`);
        }
        await announceAndWait(server);
      } finally {
        await server.close();
      }
      return;
    }
    const queryEncoder = defaultQueryEncoder();
    const catalog = await openBuiltCatalog(config, "jamendo");
    try {
      const ranker = await CatalogRanker.open(catalog, queryEncoder, { model: await openCatalogModel(config, "jamendo", opts.model) });
      for (const request of DEMO_REQUESTS) {
        const answer = await ranker.ask(request, { k });
        process.stdout.write(`\n> ${request}\n${formatAnswer(answer)}\n`);
      }
    } finally {
      catalog.close();
      queryEncoder.dispose?.();
    }
  });
}

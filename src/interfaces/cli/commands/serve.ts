/**
 * @file `askmusic serve [--port 8080] [--host 127.0.0.1] [--model auto]`: the HTTP API and the web app over the built
 * catalogs, with application state from SQLite (or PostgreSQL when ASKMUSIC_DATABASE_URL is set). Also used by `demo`.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { InputError, NotFoundError } from "../../../errors.js";
import { RANKER_CHOICES, SERVABLE_MODELS } from "../../../ranking/serving-forms.js";
import type { ServingModel } from "../../../ranking/serving-model.js";
import type { LanceCatalog } from "../../../store/lancedb/index.js";
import type { StateRepository } from "../../../store/state/repository.js";
import { parseIntFlag, parseListFlag } from "../options.js";
import type { ProfileModel } from "../../../ranking/profiles.js";

/** Options of {@link startServer}. */
export interface StartOptions {
  /** [port=8080]; 0 picks a free port. */
  readonly port: number;
  /** [host="127.0.0.1"]; "0.0.0.0" to accept other machines (then put TLS in front). */
  readonly host: string;
  /** Catalogs to serve (the first is the default). [catalogs=every built catalog, jamendo first] */
  readonly catalogs?: readonly string[];
  /**
   * What ranks every served catalog: "auto" = its best trained model (a stale one is warned about and replaced by
   * text match), "none" = text match, or a model by name, which must be trained for each served catalog and fit it.
   * [model="auto"]
   */
  readonly model?: string;
  /** Requests per second per client on /v1/* (counted over 3-second windows), or 0 for no limit (benchmarks only). [rateLimit=20] */
  readonly rateLimit?: number;
  /** Answers kept for repeated identical requests; 0 turns the cache off (benchmarks of the ranking itself). [answerCache=2000] */
  readonly answerCache?: number;
  /**
   * Request-encoder worker threads. Two let a pass start while the previous one runs, so encoding overlaps with
   * ranking: on 2 cores, c=16 p99 fell from 152 ms (one) to the figure in BENCHMARKS.md. [encoderWorkers=2]
   */
  readonly encoderWorkers?: number;
  /**
   * How conversation turns' intents are read: "keyword" (cue words, instant) or "trained" (dialogue understanding on
   * cpcd-intent: trained once and cached under the home, minutes the first time). [intents="keyword"]
   */
  readonly intents?: "keyword" | "trained";
}

/** A running server: its URL and how to stop it (closes catalogs, state and the encoder too). */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Opens catalogs, state and the query encoder, warms the encoder, and listens.
 * @example const s = await startServer(config, { port: 0, host: "127.0.0.1" }); s.url // "http://127.0.0.1:40123"
 */
export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { openBuiltCatalog } = await import("./ask.js");
  const { catalogDir, listCatalogs, readCurrent } = await import("../../../store/lancedb/index.js");
  const { openStateRepository } = await import("../../../store/state/index.js");
  const { defaultQueryEncoder } = await import("../../../representations/default-encoder.js");
  const { buildServer } = await import("../../http/server.js");
  const { openCatalogModel, trainedModels } = await import("../../../ranking/catalog-models.js");
  const choice = options.model ?? "auto";

  const built = await listCatalogs(config.homeDir);
  const names = options.catalogs ?? [...built].sort((a, b) => (a === "jamendo" ? -1 : b === "jamendo" ? 1 : a.localeCompare(b)));
  if (names.length === 0) throw new InputError(`no catalog is built in ${config.homeDir}: run \`npx askmusic ingest jamendo\` (or \`npx askmusic demo\`) first`, { field: "--catalog" });
  const catalogs: LanceCatalog[] = [];
  const encoders = Array.from({ length: options.encoderWorkers ?? 2 }, () => defaultQueryEncoder());
  const disposeEncoders = () => encoders.forEach((e) => e.dispose?.());
  let state: StateRepository | undefined;
  let server: { close(): Promise<void> } | undefined; // once built, the server owns (and closes) the catalogs
  try {
    const models: Record<string, ServingModel> = {};
    const trained: Record<string, readonly string[]> = {};
    const groups: Record<string, ReadonlyMap<string, { album?: string; artist?: string }>> = {};
    const { catalogGroups, catalogDescriptions, catalogCoListening } = await import("../../../ranking/albums.js");
    const coListening: Record<string, import("../../../ranking/co-listening.js").CoListening> = {};
    const describe: Record<string, import("../../../ranking/understanding/references.js").ArtistDescriptions> = {};
    const open = async (name: string) => {
      const catalog = await openBuiltCatalog(config, name);
      try {
        return { catalog, model: await openCatalogModel(config, name, choice), models: await trainedModels(config, name) };
      } catch (err) {
        catalog.close();
        throw err;
      }
    };
    for (const name of names) {
      const opened = await open(name);
      catalogs.push(opened.catalog);
      if (opened.model) models[name] = opened.model;
      trained[name] = opened.models;
      const g = await catalogGroups(config, name);
      if (g !== undefined) groups[name] = g;
      const d = await catalogDescriptions(config, name);
      if (d !== undefined) describe[name] = d;
      const c = await catalogCoListening(config, name);
      if (c !== undefined) coListening[name] = c;
    }
    // Profiles (APRON) for the catalogs that have a trained profile model; the others answer 404 on /v1/users/me/profile.
    const { PROFILE_CATALOGS, profileModelDir } = await import("../../../ranking/profile-catalogs.js");
    const { existsSync } = await import("node:fs");
    const withProfiles = names.filter((name) => (PROFILE_CATALOGS as readonly string[]).includes(name) && existsSync(profileModelDir(config, name)));
    const profileModels: Record<string, ProfileModel> = {};
    const profiles = withProfiles.length > 0 ? await import("../../../ranking/profiles.js") : undefined;
    for (const name of withProfiles) profileModels[name] = await profiles!.openProfileModel(config, name);
    state = await openStateRepository(config);
    let labeler: import("../../../conversation/retrieval/state-model.js").UtteranceLabeler | undefined;
    if (options.intents === "trained") {
      const { trainedDialogueUnderstanding } = await import("../../../conversation/understanding/trained.js");
      const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      labeler = await trainedDialogueUnderstanding(config, defaultTextEncoder(config), [], { log: (m) => process.stderr.write(`${m}\n`) });
    }
    // Load the encoder models before the first request arrives, so no listener waits for them.
    await Promise.all(encoders.map((e) => e.encode(["warm up"])));
    const rate = options.rateLimit ?? 20;
    const app = await buildServer({
      catalogs,
      queryEncoder: encoders,
      models,
      trainedModels: trained,
      groups,
      describe,
      coListening,
      ...(profiles !== undefined ? { profiles: { models: profileModels, view: profiles.profileView } } : {}),
      // --model auto: a stale model must not keep the server down; a model asked for by name must fit.
      ...(choice === "auto" ? { onModelRejected: (catalog: string, reason: string) => process.stderr.write(`askmusic: warning: ${reason}; ranking catalog "${catalog}" by text match meanwhile\n`) } : {}),
      state,
      ...(labeler !== undefined ? { labeler } : {}),
      rateLimit: rate > 0 ? { max: 3 * rate, windowSeconds: 3 } : false,
      answerCacheSize: options.answerCache ?? 2000,
      logger: { level: "warn" },
      // Backstop behind admission control: a loop lagging over 1 s sheds all but the health checks.
      maxEventLoopDelayMs: 1000,
      // An `ingest` on this home swaps in a new version: served within seconds, the old one released.
      reload: { source: { currentVersion: (name) => readCurrent(catalogDir(config.homeDir, name)), open } },
    });
    server = app;
    const address = await app.listen({ port: options.port, host: options.host });
    const st = state;
    let closed = false;
    return {
      url: address,
      async close() {
        if (closed) return;
        closed = true;
        await app.close(); // closes the catalogs it serves
        await st.close();
        disposeEncoders();
      },
    };
  } catch (err) {
    if (server) await server.close();
    else catalogs.forEach((c) => c.close());
    await state?.close();
    disposeEncoders();
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE") throw new InputError(`port ${options.port} on ${options.host} is in use: pick another with --port`, { field: "--port" });
    if (code === "EACCES") throw new InputError(`not allowed to listen on port ${options.port}: pick one above 1023 with --port`, { field: "--port" });
    throw err;
  }
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Prints the URL of a running server and waits for Ctrl-C or SIGTERM (the caller closes it). */
export async function announceAndWait(server: RunningServer): Promise<void> {
  const shown = server.url.replace("://127.0.0.1", "://localhost");
  process.stdout.write(`\naskmusic: serving the web app at ${shown}/ (API: ${shown}/openapi.json); Ctrl-C stops\n`);
  const signal = await untilSignal();
  process.stderr.write(`askmusic: ${signal}: stopping\n`);
}

/** Serves until a signal arrives, printing the URL. */
export async function serveUntilStopped(config: Config, options: StartOptions): Promise<void> {
  const server = await startServer(config, options);
  try {
    await announceAndWait(server);
  } finally {
    await server.close();
  }
}

/** Parses the shared flags of `serve` and `demo`. */
export function parseServeFlags(opts: { port: string; host: string; rateLimit: string; answerCache: string; model: string; catalog?: string; intents?: string }): StartOptions {
  if (opts.intents !== undefined && opts.intents !== "keyword" && opts.intents !== "trained") throw new InputError(`--intents must be keyword or trained, got "${opts.intents}"`, { field: "--intents" });
  const host = opts.host.trim();
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) throw new InputError(`--host must be a host name or address, got "${opts.host}"`, { field: "--host" });
  if (!(RANKER_CHOICES as readonly string[]).includes(opts.model)) throw new NotFoundError("ranker", opts.model, RANKER_CHOICES);
  return {
    model: opts.model,
    port: parseIntFlag("--port", opts.port, 0, 65535),
    host,
    rateLimit: parseIntFlag("--rate-limit", opts.rateLimit, 0, 100_000),
    answerCache: parseIntFlag("--answer-cache", opts.answerCache, 0, 1_000_000),
    ...(opts.catalog !== undefined ? { catalogs: parseListFlag("--catalog", opts.catalog) } : {}),
    ...(opts.intents !== undefined ? { intents: opts.intents as "keyword" | "trained" } : {}),
  };
}

/** Adds the flags of {@link parseServeFlags} to a command. */
export function withServeFlags(command: Command): Command {
  return command
    .option("--port <n>", "port to listen on (0 = any free port)", "8080")
    .option("--host <address>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option("--rate-limit <n>", "requests per second per client on /v1 (0 = no limit)", "20")
    .option("--answer-cache <n>", "answers kept for repeated identical requests (0 = off)", "2000")
    .option("--model <name>", `ranker of every served catalog: auto (its best trained model: ${SERVABLE_MODELS.join(" > ")}) | none (text match) | a model by name`, "auto")
    .option("--intents <how>", "how conversation turns' intents are read: keyword (instant) | trained (dialogue understanding on cpcd-intent; trained once and cached, minutes the first time)", "keyword");
}

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command, config: Config): void {
  withServeFlags(
    program
      .command("serve")
      .description("Serve the HTTP API (OpenAPI at /openapi.json) and the web app over the built catalogs.")
      .option("--catalog <names>", "comma-separated catalogs to serve, the first is the default (default: every built catalog)"),
  ).action(async (opts: { port: string; host: string; rateLimit: string; answerCache: string; model: string; catalog?: string; intents?: string }) => {
    await serveUntilStopped(config, parseServeFlags(opts));
  });
}

/**
 * @file The HTTP API and web app as one Fastify instance, built by a factory from already-open catalogs, a query
 * encoder and the state repository, so tests use `app.inject()` with in-memory parts and no real model.
 */
import type { UtteranceLabeler } from "../../conversation/retrieval/state-model.js";
import type { ArtistDescriptions } from "../../ranking/understanding/references.js";
import type { CoListening } from "../../ranking/co-listening.js";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { CatalogRanker, type RankerWeights } from "../../ranking/catalog-ranker.js";
import type { ProfileModel } from "../../ranking/profiles.js";
import type { ServingModel } from "../../ranking/serving-model.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import type { Catalog } from "../../store/catalog.js";
import type { StateRepository, UserRecord } from "../../store/state/repository.js";
import { hashToken } from "../../store/state/tokens.js";
import { coalescingEncoder } from "./coalescing-encoder.js";
import { Admission, registerUnderPressure } from "./admission.js";
import { registerJsonBody } from "./json-body.js";
import { LRUCache } from "lru-cache";
import { buildOpenApi } from "./openapi.js";
import { HttpProblem, PROBLEM_TYPE, toProblem } from "./problem.js";
import { DEFAULT_RATE_LIMIT, registerRateLimit, TokenBuckets, type BucketOptions, type RateLimitOptions } from "./rate-limit.js";
import { startReloader, type ReloadOptions } from "./reload.js";
import { buildRoutes, type AskAnswer, type RouteContext, type Served } from "./routes.js";
import type { AdapterWorker } from "../../models/whitebox/retrain.js";
import type { WhiteboxServing } from "../../models/whitebox/serving.js";
import { clientErrorProblem, frameworkErrorProblem, notFoundProblem, registerSecurity } from "./security.js";
import { loadWebAssets, WEB_DIR } from "./web-assets.js";

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** Open catalogs to serve; the first is the default unless `defaultCatalog` says otherwise. At least one. */
  readonly catalogs: readonly Catalog[];
  /** [defaultCatalog=the first catalog's name] */
  readonly defaultCatalog?: string;
  /** Encodes requests; must have the catalogs' encoder id (tests pass a fake one). Several equal encoders (one per
   * worker thread) run passes side by side. */
  readonly queryEncoder: TextEncoder | readonly TextEncoder[];
  /** Users, tokens and feedback. The server does not migrate or close it: the caller owns it. */
  readonly state: StateRepository;
  /** Requests per client per window on /v1/* routes (and not-found answers), or false to turn it off (benchmarks). [rateLimit=60 per 3 s] */
  readonly rateLimit?: RateLimitOptions | false;
  /** Largest request body in bytes. [bodyLimitBytes=16384] */
  readonly bodyLimitBytes?: number;
  /** Folder of the web app, or false to serve the API only. [webDir=src/interfaces/web] */
  readonly webDir?: string | false;
  /** The model ranking each catalog, by catalog name (see ranking/catalog-models.ts); a catalog without one is ranked by text match. */
  readonly models?: Readonly<Record<string, ServingModel>>;
  /** Descriptions of artists outside each catalog (Last.fm-2k tags), by catalog name (see ranking/albums.ts). */
  readonly describe?: Readonly<Record<string, ArtistDescriptions>>;
  /** Listening histories per catalog that has them, so "like X" means what X's listeners also play (see ranking/albums.ts). */
  readonly coListening?: Readonly<Record<string, CoListening>>;
  /** Album and artist by item id per catalog, for diverse top lists (see ranking/albums.ts). */
  readonly groups?: Readonly<Record<string, ReadonlyMap<string, { album?: string; artist?: string }>>>;
  /**
   * Profile models (APRON) by catalog name, with the function that reads a profile (ranking/profiles.ts
   * `profileView`: passed in so the server loads TF.js-backed model code only when profiles are served).
   * [profiles=none: GET/PUT /v1/users/me/profile answer 404]
   */
  readonly profiles?: { readonly models: Readonly<Record<string, ProfileModel>>; readonly view: NonNullable<RouteContext["profileView"]> };
  /** The trained models available per catalog (listed by GET /v1/catalogs). [trainedModels=the ranking one, if any] */
  readonly trainedModels?: Readonly<Record<string, readonly string[]>>;
  /**
   * Called when a catalog's model does not fit it (trained on another build of the catalog, or another encoder);
   * that catalog is then ranked by text match. Without it such a model is an error. */
  readonly onModelRejected?: (catalog: string, reason: string) => void;
  /** Ranker weights (taste weight drives how much likes move answers). */
  readonly weights?: Partial<RankerWeights>;
  /** Fastify logger: false in tests; the serve command logs warnings and errors. [logger=false] */
  readonly logger?: boolean | { level: string };
  /**
   * Asks in progress at once (encoding + ranking); more wait in line, so a burst cannot pile up unbounded work. It
   * must exceed the concurrency the server should sustain: at 4, a c=16 load sent the encoder only ~4 texts per
   * pass and capped a 2-core server at ~160 requests/s with p99 ~150 ms while half its CPU idled. [maxConcurrentAsks=32]
   */
  readonly maxConcurrentAsks?: number;
  /**
   * The longest the asks already admitted may be predicted to take (at the measured rate) before a new one is
   * refused with 503 + retry-after; long asks are refused at half of it (see admission.ts). [maxAskDelayMs=1000]
   */
  readonly maxAskDelayMs?: number;
  /**
   * Per-client budget of ask work, in short-ask units (a ~40 ms ask costs 1, a 2,000-character one ~4): past it,
   * 429 + retry-after. [askBudget=the rate limit's rate and burst; off when the rate limit is off]
   */
  readonly askBudget?: BucketOptions | false;
  /**
   * Event-loop lag beyond which every request but the health checks is shed (`@fastify/under-pressure`), or 0 for
   * off. Off by default here: in-process tests share a loaded event loop; `serve` turns it on at 1000 ms.
   * [maxEventLoopDelayMs=0]
   */
  readonly maxEventLoopDelayMs?: number;
  /** Answers kept for repeated identical requests (0 turns the cache off). [answerCacheSize=2000] */
  readonly answerCacheSize?: number;
  /**
   * Likes + dislikes one user may hold per catalog; more are refused with 409 until some are cleared. Every answer
   * to that user reads the whole list (dislikes are filters), so it is bounded. [maxFeedbackPerCatalog=5000]
   */
  readonly maxFeedbackPerCatalog?: number;
  /**
   * Follow rebuilds: poll each catalog's current version and serve a new one when a rebuild swaps it in (see
   * reload.ts). The server then owns the catalogs and closes them on `close()`. [reload=off: the caller closes them]
   */
  readonly reload?: ReloadOptions;
  /** Reads the intents of conversation turns (a trained dialogue understanding). [labeler=the keyword matcher] */
  readonly labeler?: UtteranceLabeler;
  /** Version reported in the OpenAPI document. [version="0.1.0"] */
  readonly version?: string;
}

/** A bearer token: printable ASCII without spaces, bounded so hashing a huge header costs nothing. */
const TOKEN = /^[\x21-\x7e]{8,256}$/;

/**
 * Builds the server (not listening yet: call `listen` or use `inject`).
 * @example
 * const app = await buildServer({ catalogs: [catalog], queryEncoder, state });
 * (await app.inject({ method: "POST", url: "/v1/ask", payload: { request: "calm piano" } })).json().results.length // 10
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  if (options.catalogs.length === 0) throw new RangeError("buildServer needs at least one catalog");
  const { state } = options;
  const served = new Map<string, Served>();
  // Concurrent requests share model passes (one ranker per catalog, one encoder for all).
  const queryEncoder = coalescingEncoder(options.queryEncoder);
  const serve = async ({ catalog, model, models }: { catalog: Catalog; model?: ServingModel; models?: readonly string[] }): Promise<Served> => {
    // A user's likes reach the ranker with each request, as their listening history (see routes.ts).
    const ranker = await CatalogRanker.open(catalog, queryEncoder, {
      weights: options.weights,
      model,
      onModelRejected: options.onModelRejected && ((reason) => options.onModelRejected!(catalog.name, reason)),
      ...(options.groups?.[catalog.name] !== undefined ? { groups: options.groups[catalog.name] } : {}),
      ...(options.describe?.[catalog.name] !== undefined ? { describe: options.describe[catalog.name] } : {}),
      ...(options.coListening?.[catalog.name] !== undefined ? { coListening: options.coListening[catalog.name] } : {}),
    });
    return { catalog, ranker, models: models ?? (model ? [model.name] : []) };
  };
  for (const catalog of options.catalogs) {
    served.set(catalog.name, await serve({ catalog, model: options.models?.[catalog.name], models: options.trainedModels?.[catalog.name] }));
  }
  const defaultCatalog = options.defaultCatalog ?? options.catalogs[0].name;
  if (!served.has(defaultCatalog)) throw new RangeError(`default catalog "${defaultCatalog}" is not among the served catalogs`);

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 16_384,
    routerOptions: { maxParamLength: 300 },
    requestTimeout: 30_000,
    return503OnClosing: true,
    // Requests refused before routing still get problem+json and the security headers.
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
    // Strict validation: unknown members and wrong types are errors that name the field, never silently fixed.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  });

  // JSON only: without this, Fastify's default text/plain parser would turn a 415 into a confusing 400.
  app.removeContentTypeParser("text/plain");
  registerJsonBody(app);

  await registerSecurity(app);
  if ((options.maxEventLoopDelayMs ?? 0) > 0) await registerUnderPressure(app, options.maxEventLoopDelayMs!);
  if (options.rateLimit !== false) await registerRateLimit(app, options.rateLimit ?? DEFAULT_RATE_LIMIT);

  app.setErrorHandler((err, request, reply) => {
    const { problem: p, internal, headers } = toProblem(err);
    if (internal) request.log.error({ err }, `unhandled error on ${request.method} ${request.url}`);
    void reply.code(p.status).headers(headers).type(PROBLEM_TYPE).send(JSON.stringify(p));
  });
  // 404s are rate limited like the API: probing for paths is not free.
  app.setNotFoundHandler(options.rateLimit === false ? {} : { preHandler: app.rateLimit() }, (request, reply) => notFoundProblem(app, request, reply));

  /** The user of the request's bearer token; undefined when no Authorization header was sent. */
  const authenticate = async (request: FastifyRequest, required: boolean): Promise<UserRecord | undefined> => {
    const header = request.headers.authorization;
    if (header === undefined || header === "") {
      if (required) throw new HttpProblem(401, "unauthorized", "this endpoint needs `Authorization: Bearer <token>` (create one with `npx askmusic users add <id>`)", "authorization", { "www-authenticate": 'Bearer realm="askmusic"' });
      return undefined;
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    const token = match?.[1];
    const user = token !== undefined && TOKEN.test(token) ? await state.findUserByTokenHash(hashToken(token)) : undefined;
    if (!user) {
      throw new HttpProblem(401, "unauthorized", "the bearer token is not valid; check it or create a new one with `npx askmusic users add <id>`", "authorization", {
        "www-authenticate": 'Bearer realm="askmusic", error="invalid_token"',
      });
    }
    return user;
  };

  // One adapter-training worker per served whitebox model (a reloaded catalog's new model gets its own).
  const adapterWorkers = new Map<WhiteboxServing, AdapterWorker>();
  const adapterWorkerOf = async (form: WhiteboxServing): Promise<AdapterWorker> => {
    let w = adapterWorkers.get(form);
    if (w === undefined) {
      const { AdapterWorker } = await import("../../models/whitebox/retrain.js");
      // A model replaced by a reload keeps no worker: only the current forms' workers stay.
      const current = new Set([...served.values()].map((s) => (s.ranker.model as unknown as { form?: unknown } | undefined)?.form));
      for (const [old, worker] of adapterWorkers) {
        if (current.has(old)) continue;
        void worker.close();
        adapterWorkers.delete(old);
      }
      adapterWorkers.set(form, (w = new AdapterWorker(form)));
    }
    return w;
  };
  app.addHook("onClose", async () => {
    await Promise.all([...adapterWorkers.values()].map((w) => w.close()));
  });

  const web = options.webDir === false ? undefined : loadWebAssets(options.webDir ?? WEB_DIR);
  const admission = new Admission({ maxConcurrent: options.maxConcurrentAsks ?? 32, maxDelayMs: options.maxAskDelayMs ?? 1000 });
  const rate = options.rateLimit === false ? undefined : (options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const budgetOptions = options.askBudget ?? (rate ? { capacity: rate.max, refillPerSecond: rate.max / rate.windowSeconds } : false);
  const budget = budgetOptions === false ? undefined : new TokenBuckets(budgetOptions);
  const cacheSize = options.answerCacheSize ?? 2000;
  const answers = cacheSize > 0 ? new LRUCache<string, AskAnswer>({ max: cacheSize }) : undefined;
  const routes = buildRoutes({
    served,
    defaultCatalog,
    state,
    authenticate,
    web,
    admission,
    budget,
    answers,
    maxFeedback: options.maxFeedbackPerCatalog ?? 5000,
    ...(options.labeler !== undefined ? { labeler: options.labeler } : {}),
    profiles: new Map(Object.entries(options.profiles?.models ?? {})),
    ...(options.profiles !== undefined ? { profileView: options.profiles.view } : {}),
    retrainWords: async (model, feedback, base) => {
      // Loaded on the first word feedback: a server without a whitebox model never loads the retraining code.
      const { retrainServed } = await import("../../models/whitebox/retrain.js");
      const form = (model as unknown as { form: WhiteboxServing }).form;
      return retrainServed(form, feedback, (ws) => queryEncoder.encode(ws), (await adapterWorkerOf(form)).fit, {}, base);
    },
  });
  const openapi = JSON.stringify(buildOpenApi(routes.map((r) => r.spec), options.version ?? "0.1.0"));
  for (const { spec, handler } of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      // Keyed by the routed path, whatever spelling of it the client sent.
      config: spec.url.startsWith("/v1/") ? {} : { rateLimit: false },
      schema: {
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
        ...(spec.success.schema && !spec.success.mediaType ? { response: { [spec.success.status]: spec.success.schema } } : {}),
      },
      handler: spec.operationId === "openapi" ? async (_req, reply) => reply.type("application/json").send(openapi) : handler,
    });
  }
  if (options.reload) {
    const reloader = startReloader(served, serve, options.reload, { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) });
    app.addHook("onClose", () => reloader.stop());
  }
  return app;
}

/**
 * @file The routes of the HTTP API: each one's spec (schemas, auth, statuses; the OpenAPI source) and handler.
 */
import type { UtteranceLabeler } from "../../conversation/retrieval/state-model.js";
import { KEYWORD_LABELER } from "../../conversation/session.js";
import { conversationRoutes } from "./conversations.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { performance } from "node:perf_hooks";
import type { ContextReport } from "../../models/rank.js";
import type { AdapterHandle } from "../../models/recommender.js";
import type { RetrainResult } from "../../models/whitebox/retrain.js";
import type { ServingModel } from "../../ranking/serving-model.js";
import type { CatalogRanker } from "../../ranking/catalog-ranker.js";
import type { ProfileModel, ProfileView } from "../../ranking/profiles.js";
import type { Catalog, CatalogItem } from "../../store/catalog.js";
import type { StateRepository, UserRecord } from "../../store/state/repository.js";
import type { LRUCache } from "lru-cache";
import type { RouteSpec } from "./openapi.js";
import { estimateAskCostMs, type Admission } from "./admission.js";
import { HttpProblem } from "./problem.js";
import type { TokenBuckets } from "./rate-limit.js";
import {
  askBody,
  askResponse,
  assetParams,
  catalogsResponse,
  feedbackBody,
  feedbackResponse,
  healthResponse,
  item as itemSchema,
  itemParams,
  deleteMeResponse,
  meResponse,
  profileBody,
  profileQuery,
  profileResponse,
  readyResponse,
  wordFeedbackBody,
  wordFeedbackResponse,
  type FeedbackValue,
} from "./schemas.js";
import type { WebAsset } from "./web-assets.js";

/** A served catalog, its ranker, and the trained models available for it. */
export interface Served {
  readonly catalog: Catalog;
  readonly ranker: CatalogRanker;
  readonly models: readonly string[];
}

/** What the handlers share. */
export interface RouteContext {
  readonly served: ReadonlyMap<string, Served>;
  readonly defaultCatalog: string;
  readonly state: StateRepository;
  readonly authenticate: (request: FastifyRequest, required: boolean) => Promise<UserRecord | undefined>;
  readonly web?: ReadonlyMap<string, WebAsset>;
  /** Bounds the ask work running and waiting, by estimated cost (503 when saturated). */
  readonly admission: Admission;
  /** Per-client budget of ask work in short-ask units (429 when spent); undefined = unlimited. */
  readonly budget?: TokenBuckets;
  /**
   * Answers already computed, keyed by everything an answer depends on (catalog build, request, k, and the
   * caller's feedback), so a like or dislike can never be answered from a stale entry.
   */
  readonly answers?: LRUCache<string, AskAnswer>;
  /** Likes + dislikes one user may hold per catalog. */
  readonly maxFeedback: number;
  /** The profile model (APRON) of each catalog that has one. */
  readonly profiles: ReadonlyMap<string, ProfileModel>;
  /** Reads the intents of conversation turns. [labeler=the keyword matcher] */
  readonly labeler?: UtteranceLabeler;
  /** Computes a profile view (ranking/profiles.ts `profileView`, loaded with the profile models). */
  readonly profileView?: (pm: ProfileModel, history: readonly string[], edits: { prototypeWeights: Record<string, number> }, k: number) => Promise<ProfileView>;
  /**
   * Retrains a listener's adapter of a served whitebox model from word feedback (planning here, TF.js in a worker
   * thread: see server.ts). [none: POST /v1/feedback/words answers 409]
   */
  readonly retrainWords?: (model: ServingModel, feedback: { text: string; strengthen: string[]; weaken: string[] }, base: AdapterHandle | undefined) => Promise<RetrainResult>;
}

/** Estimated cost of one word-feedback retraining for admission control (median 0.36 s warm, p90 0.60 s; BENCHMARKS.md). */
export const RETRAIN_COST_MS = 600;

/** The body of an answer to POST /v1/ask, without its timing. */
export interface AskAnswer {
  readonly catalog: string;
  readonly ranker: string;
  readonly context: ContextReport;
  readonly entities: readonly unknown[];
  readonly diversity: unknown;
  readonly request: unknown;
  readonly personalized: { user: string; likes: number; dislikes: number } | null;
  readonly results: readonly unknown[];
  readonly candidates: number;
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A route: its spec and its handler. */
export interface Route {
  readonly spec: RouteSpec;
  readonly handler: Handler;
}

/** What a short ask costs, the unit of the per-client budget. */
const SHORT_ASK_MS = 40;

const WIRE: Record<number, "like" | "dislike"> = { 1: "like", [-1]: "dislike" };
const VALUE: Record<FeedbackValue, 1 | -1 | 0> = { like: 1, dislike: -1, clear: 0 };

/** The item as sent: only declared members, none of the internal search text. */
function wireItem(it: CatalogItem): Record<string, unknown> {
  return {
    id: it.id,
    name: it.name,
    ...(it.title !== undefined ? { title: it.title } : {}),
    ...(it.artist !== undefined ? { artist: it.artist } : {}),
    tags: it.tags,
    ...(it.url !== undefined ? { url: it.url } : {}),
    popularity: it.popularity,
  };
}

/** The routes over `ctx`, in the order of the OpenAPI document. */
export function buildRoutes(ctx: RouteContext): Route[] {
  const pick = (name: string | undefined, field: string): Served => {
    const s = ctx.served.get(name ?? ctx.defaultCatalog);
    if (!s) throw new HttpProblem(404, "not_found", `unknown catalog "${name}"; served catalogs: ${[...ctx.served.keys()].join(", ")}`, field);
    return s;
  };

  const profileModelOf = (name: string | undefined, field: string): { pm: ProfileModel; name: string } => {
    const catalog = pick(name, field).catalog.name;
    const pm = ctx.profiles.get(catalog);
    if (pm === undefined || ctx.profileView === undefined) {
      throw new HttpProblem(404, "not_found", `catalog "${catalog}" has no profile model (run \`npx askmusic profile train --catalog ${catalog}\`, then restart the server)`, field);
    }
    return { pm, name: catalog };
  };
  const viewFor = async (user: string, pm: ProfileModel, catalog: string, edits: Record<string, number>, k: number) => {
    const likes = (await ctx.state.listFeedback(user, catalog)).filter((f) => f.value === 1).map((f) => f.itemId);
    if (likes.length === 0) throw new HttpProblem(409, "no_history", `user "${user}" has no likes in catalog "${catalog}": a profile is read from them, like some items first`);
    try {
      return { ...(await ctx.profileView!(pm, likes, { prototypeWeights: edits }, k)), catalog, edits };
    } catch (err) {
      // The model's InputErrors (no liked item it knows, every weight 0) are the caller's to fix.
      if ((err as { code?: string }).code === "input") throw new HttpProblem(409, "profile", (err as Error).message);
      throw err;
    }
  };

  const routes: Route[] = [
    {
      spec: {
        method: "POST", url: "/v1/ask", operationId: "ask", auth: "optional",
        summary: "Rank a catalog for a request in natural language; with a token, the user's likes shape the ranking and their dislikes are excluded",
        body: askBody, success: { status: 200, schema: askResponse, description: "Ranked items with their score components" }, errors: [400, 401, 404, 413, 415],
      },
      handler: async (request) => {
        const body = request.body as { request: string; catalog?: string; k?: number; diversity?: false | Record<string, number | boolean> };
        const { catalog, ranker } = pick(body.catalog, "/body/catalog");
        const user = await ctx.authenticate(request, false);
        const t0 = performance.now();
        const k = body.k ?? 10;
        const records = user ? await ctx.state.listFeedback(user.id, catalog.name) : [];
        // The user's profile edits reach a model that reads a profile (apron); they are part of the answer's key.
        const edits = user ? await ctx.state.getProfile(user.id, catalog.name) : {};
        // The caller's adapter of the ranking model (whitebox word feedback) changes their answers only; its version is in the key.
        const model = ranker.model;
        const stored = user && model?.context.uses.includes("adapter") === true ? await ctx.state.getAdapter(user.id, catalog.name, model.name) : undefined;
        const adapter: AdapterHandle | undefined = stored !== undefined ? { user: user!.id, model: model!.name, version: stored.version, arrays: stored.arrays } : undefined;
        // The user first: deleting a user purges their answers by it.
        const key = JSON.stringify([user?.id ?? null, catalog.name, catalog.info().version, body.request, k, body.diversity ?? null, records.map((f) => [f.itemId, f.value]).sort(), Object.entries(edits).sort(), adapter?.version ?? 0]);
        let answer = ctx.answers?.get(key);
        if (!answer) {
          const feedback = new Map(records.map((f) => [f.itemId, f.value]));
          const dislikes = records.filter((f) => f.value === -1).map((f) => f.itemId);
          const likes = records.filter((f) => f.value === 1).map((f) => f.itemId);
          // Cost is judged before any work: a cached answer above was free, this one is not.
          const cost = estimateAskCostMs(body.request);
          const spent = ctx.budget?.take(request.ip, cost / SHORT_ASK_MS);
          if (spent && !spent.ok) {
            throw new HttpProblem(429, "rate_limited", `${request.ip} has spent its budget of ask work (this request costs about ${(cost / SHORT_ASK_MS).toFixed(1)} short asks); retry in ${spent.retryAfterSeconds} s`, undefined, {
              "retry-after": String(spent.retryAfterSeconds),
            });
          }
          const ranked = await ctx.admission.run(cost, () =>
            ranker.ask(body.request, {
              k,
              ...(body.diversity !== undefined ? { diversity: body.diversity } : {}),
              // An askmusic user is not a user of the catalog: their likes are their listening history.
              ...(likes.length > 0 ? { history: { items: likes } } : {}),
              ...(dislikes.length > 0 ? { filter: { excludeIds: dislikes } } : {}),
              ...(Object.keys(edits).length > 0 ? { profile: { prototypeWeights: edits } } : {}),
              ...(adapter !== undefined ? { adapter } : {}),
            }),
          );
          answer = {
            catalog: catalog.name,
            ranker: ranked.ranker,
            context: ranked.context,
            entities: ranked.entities,
            diversity: ranked.diversity,
            request: ranked.request,
            personalized: user ? { user: user.id, likes: likes.length, dislikes: dislikes.length } : null,
            results: ranked.results.map((r) => ({
              rank: r.rank,
              score: r.score,
              components: r.components,
              ...(r.modalityWeights ? { modalityWeights: r.modalityWeights } : {}),
              ...(r.wordAttributions ? { wordAttributions: r.wordAttributions } : {}),
              ...(r.prototypeWeights ? { prototypeWeights: r.prototypeWeights } : {}),
              ...(r.because ? { because: r.because } : {}),
              item: wireItem(r.item),
              feedback: WIRE[feedback.get(r.item.id) ?? 0] ?? null,
            })),
            candidates: ranked.candidates,
          };
          ctx.answers?.set(key, answer);
        }
        return { ...answer, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
      },
    },
    {
      spec: {
        method: "POST", url: "/v1/feedback", operationId: "setFeedback", auth: "required",
        summary: "Like, dislike or clear an item for the token's user (used by that user's next requests)",
        body: feedbackBody, success: { status: 200, schema: feedbackResponse, description: "The feedback now stored" }, errors: [400, 401, 404, 409, 413, 415],
      },
      handler: async (request) => {
        const body = request.body as { catalog?: string; itemId: string; value: FeedbackValue };
        const user = (await ctx.authenticate(request, true))!;
        const { catalog } = pick(body.catalog, "/body/catalog");
        if ((await catalog.get([body.itemId])).length === 0) {
          throw new HttpProblem(404, "not_found", `catalog "${catalog.name}" has no item "${body.itemId}"`, "/body/itemId");
        }
        if (body.value !== "clear") {
          // Every answer reads the whole list (dislikes become filters): bound it, so one user cannot slow every ask.
          const existing = await ctx.state.listFeedback(user.id, catalog.name);
          if (existing.length >= ctx.maxFeedback && !existing.some((f) => f.itemId === body.itemId)) {
            throw new HttpProblem(409, "feedback_limit", `user "${user.id}" already has ${existing.length} likes and dislikes in catalog "${catalog.name}", the limit; clear some first`, "/body/itemId");
          }
        }
        await ctx.state.setFeedback(user.id, catalog.name, body.itemId, VALUE[body.value]);
        return { catalog: catalog.name, itemId: body.itemId, feedback: body.value === "clear" ? null : body.value };
      },
    },
    {
      spec: {
        method: "POST", url: "/v1/feedback/words", operationId: "setWordFeedback", auth: "required",
        summary: "Strengthen or weaken words of a request for the token's user: retrains their adapter of the catalog's whitebox model (seconds, in a worker thread, under admission control) and stores it; their later asks use it, nobody else's",
        body: wordFeedbackBody, success: { status: 200, schema: wordFeedbackResponse, description: "The stored adapter version and the request's word attention before and after" }, errors: [400, 401, 404, 409, 413, 415, 503],
      },
      handler: async (request) => {
        const body = request.body as { catalog?: string; request: string; strengthen: string[]; weaken: string[]; reset: boolean };
        const user = (await ctx.authenticate(request, true))!;
        const { catalog, ranker } = pick(body.catalog, "/body/catalog");
        const model = ranker.model;
        if (body.reset) {
          await ctx.state.deleteAdapter(user.id, catalog.name, "whitebox");
          return { catalog: catalog.name, version: 0 };
        }
        if (model?.name !== "whitebox" || ctx.retrainWords === undefined) {
          throw new HttpProblem(409, "no_word_model", `catalog "${catalog.name}" is ranked by ${model?.name ?? "text match"}, not by whitebox: run \`npx askmusic train ${catalog.name} --model whitebox\` and serve it with --model whitebox`, "/body/catalog");
        }
        const stored = await ctx.state.getAdapter(user.id, catalog.name, model.name);
        const base: AdapterHandle | undefined = stored !== undefined ? { user: user.id, model: model.name, version: stored.version, arrays: stored.arrays } : undefined;
        const feedback = { text: body.request, strengthen: body.strengthen.map((w) => w.toLowerCase()), weaken: body.weaken.map((w) => w.toLowerCase()) };
        // The training itself runs in a worker thread; admission bounds how much of it may queue behind asks.
        const r = await ctx.admission.run(RETRAIN_COST_MS, () => ctx.retrainWords!(model, feedback, base));
        let version: number;
        try {
          version = await ctx.state.setAdapter(user.id, catalog.name, model.name, r.arrays, [...(stored?.feedback ?? []), { ...feedback, at: new Date().toISOString() }], stored?.version ?? 0);
        } catch (err) {
          if ((err as { field?: string }).field === "version") throw new HttpProblem(409, "conflict", (err as Error).message, "/body/request");
          throw err;
        }
        return { catalog: catalog.name, version, seconds: r.seconds, before: r.before, after: r.after };
      },
    },
    {
      spec: {
        method: "GET", url: "/v1/items/:catalog/:id", operationId: "getItem", auth: "none",
        summary: "One catalog item", params: itemParams, success: { status: 200, schema: itemSchema, description: "The item" }, errors: [400, 404],
      },
      handler: async (request) => {
        const { catalog: name, id } = request.params as { catalog: string; id: string };
        const { catalog } = pick(name, "/params/catalog");
        const [found] = await catalog.get([id]);
        if (!found) throw new HttpProblem(404, "not_found", `catalog "${catalog.name}" has no item "${id}"`, "/params/id");
        return wireItem(found);
      },
    },
    {
      spec: {
        method: "GET", url: "/v1/catalogs", operationId: "listCatalogs", auth: "none",
        summary: "The served catalogs, each with its trained models and the one ranking it", success: { status: 200, schema: catalogsResponse, description: "Catalogs and the default one" }, errors: [],
      },
      handler: async () => ({
        default: ctx.defaultCatalog,
        catalogs: [...ctx.served.values()].map(({ catalog, ranker, models }) => {
          const info = catalog.info();
          return { name: info.name, count: info.count, version: info.version, builtAt: info.builtAt, encoderId: info.encoderId, ranker: ranker.model?.name ?? "text-match", models, profiles: ctx.profiles.has(info.name) && ctx.profileView !== undefined };
        }),
      }),
    },
    {
      spec: {
        method: "GET", url: "/v1/users/me", operationId: "getMe", auth: "required",
        summary: "The token's user and their feedback (readable only with their own token)",
        success: { status: 200, schema: meResponse, description: "The user and their likes and dislikes, most recent first" }, errors: [401],
      },
      handler: async (request) => {
        const user = (await ctx.authenticate(request, true))!;
        const feedback = [];
        for (const { catalog } of ctx.served.values()) {
          const records = await ctx.state.listFeedback(user.id, catalog.name);
          const names = new Map((await catalog.get(records.map((r) => r.itemId))).map((it) => [it.id, it.name]));
          for (const r of records) {
            const name = names.get(r.itemId);
            feedback.push({ catalog: r.catalog, itemId: r.itemId, ...(name !== undefined ? { name } : {}), value: WIRE[r.value], updatedAt: r.updatedAt });
          }
        }
        return { id: user.id, ...(user.name !== undefined ? { name: user.name } : {}), createdAt: user.createdAt, feedback };
      },
    },
    {
      spec: {
        method: "GET", url: "/v1/users/me/profile", operationId: "getProfile", auth: "required",
        summary: "The token's user's profile in a catalog (tag prototypes with weights and exemplars, read from their likes, their stored edits applied) and its recommendations",
        querystring: profileQuery, success: { status: 200, schema: profileResponse, description: "The profile and what it recommends" }, errors: [400, 401, 404, 409],
      },
      handler: async (request) => {
        const { catalog, k: kText } = request.query as { catalog?: string; k?: string };
        const k = kText === undefined ? 20 : Number(kText);
        if (k < 1 || k > 100) throw new HttpProblem(400, "input", `k must be from 1 to 100, got ${kText}`, "/querystring/k");
        const user = (await ctx.authenticate(request, true))!;
        const { pm, name } = profileModelOf(catalog, "/querystring/catalog");
        const edits = await ctx.state.getProfile(user.id, name);
        return viewFor(user.id, pm, name, edits, k);
      },
    },
    {
      spec: {
        method: "PUT", url: "/v1/users/me/profile", operationId: "setProfile", auth: "required",
        summary: "Replace the token's user's profile edits in a catalog ({} clears them) and get the profile and recommendations that follow",
        body: profileBody, success: { status: 200, schema: profileResponse, description: "The edited profile and what it recommends" }, errors: [400, 401, 404, 409, 413, 415],
      },
      handler: async (request) => {
        const body = request.body as { catalog?: string; weights: Record<string, number>; k: number };
        const user = (await ctx.authenticate(request, true))!;
        const { pm, name } = profileModelOf(body.catalog, "/body/catalog");
        const known = new Set(pm.model.prototypes.map((p) => p.tag));
        for (const tag of Object.keys(body.weights)) {
          if (!known.has(tag)) throw new HttpProblem(400, "input", `"${tag}" is not one of the ${known.size} prototypes of catalog "${name}"`, "/body/weights");
        }
        // Computed before storing: edits the model refuses (every weight 0) are never stored.
        const view = await viewFor(user.id, pm, name, body.weights, body.k ?? 20);
        await ctx.state.setProfile(user.id, name, body.weights);
        return view;
      },
    },
    {
      spec: {
        method: "DELETE", url: "/v1/users/me", operationId: "deleteMe", auth: "required",
        summary: "Delete the token's user and everything stored for them (feedback, and any other per-user state); the token stops working",
        success: { status: 200, schema: deleteMeResponse, description: "What was deleted, rows per table" }, errors: [401],
      },
      handler: async (request) => {
        const user = (await ctx.authenticate(request, true))!;
        const rows = await ctx.state.deleteUser(user.id);
        // Their personalised answers must not outlive them in memory either.
        for (const key of [...(ctx.answers?.keys() ?? [])]) if ((JSON.parse(key) as unknown[])[0] === user.id) ctx.answers?.delete(key);
        return { deleted: user.id, rows: rows ?? {} };
      },
    },
    ...conversationRoutes(ctx, pick, ctx.labeler ?? KEYWORD_LABELER),
    {
      spec: { method: "GET", url: "/healthz", operationId: "health", auth: "none", summary: "Liveness: the process answers", success: { status: 200, schema: healthResponse, description: "Alive" }, errors: [] },
      handler: async () => ({ status: "ok" }),
    },
    {
      spec: {
        method: "GET", url: "/readyz", operationId: "ready", auth: "none",
        summary: "Readiness: every served catalog version answers and the state database pings", success: { status: 200, schema: readyResponse, description: "Ready" }, errors: [503],
      },
      handler: async () => {
        try {
          await ctx.state.ping();
          const catalogs = [];
          // count() reads the served version's files: a version deleted under the server fails here.
          for (const { catalog } of ctx.served.values()) catalogs.push({ name: catalog.name, version: catalog.info().version, count: await catalog.count() });
          return { status: "ready", state: ctx.state.kind, catalogs };
        } catch {
          // Which dependency failed is for the operator's log, not for an unauthenticated caller.
          throw new HttpProblem(503, "not_ready", "a catalog or the state database is not available");
        }
      },
    },
    {
      spec: { method: "GET", url: "/openapi.json", operationId: "openapi", auth: "none", summary: "This document", success: { status: 200, mediaType: "application/json", schema: { type: "object" }, description: "OpenAPI 3.1" }, errors: [] },
      handler: async () => undefined, // replaced by the server with the prebuilt document
    },
  ];

  const web = ctx.web;
  if (web) {
    const sendAsset = (reply: FastifyReply, name: string) => {
      const asset = web.get(name)!;
      return reply
        .type(asset.type)
        .header("cache-control", "no-cache")
        .send(asset.body);
    };
    const names = [...web.keys()];
    routes.push(
      {
        spec: { method: "GET", url: "/", operationId: "webApp", auth: "none", summary: "The web app", success: { status: 200, mediaType: "text/html", description: "index.html" }, errors: [] },
        handler: async (_request, reply) => sendAsset(reply, "index.html"),
      },
      {
        spec: {
          method: "GET", url: "/assets/:name", operationId: "webAsset", auth: "none", summary: "A static file of the web app",
          params: assetParams(names), success: { status: 200, mediaType: "application/octet-stream", description: "The file" }, errors: [400],
        },
        handler: async (request, reply) => sendAsset(reply, (request.params as { name: string }).name),
      },
    );
  }
  return routes;
}

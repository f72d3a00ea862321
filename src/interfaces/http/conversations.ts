/**
 * @file The conversation routes: start a conversation, take a turn, give feedback or lift a constraint, read it back.
 * A conversation started with a bearer token belongs to that user (only their token reads or continues it, and
 * their likes and dislikes shape it); one started without is reachable by its random id alone.
 */
import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { UtteranceLabeler } from "../../conversation/retrieval/state-model.js";
import { applyEdits, EMPTY_CONVERSATION, takeTurn, type ConversationData } from "../../conversation/session.js";
import { MAX_REQUEST_CHARS } from "../../ranking/catalog-ranker.js";
import type { ConversationRecord } from "../../store/state/repository.js";
import { estimateAskCostMs } from "./admission.js";
import { HttpProblem } from "./problem.js";
import type { Route, RouteContext, Served } from "./routes.js";

const catalogName = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description: "Catalog name, e.g. jamendo" } as const;
const ids = { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 200 } } as const;
const conversationParams = { type: "object", required: ["id"], additionalProperties: false, properties: { id: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" } } } as const;
const conversationResponse = {
  type: "object",
  description: "The conversation: its state (hard constraints, soft preferences, liked, disliked and shown tracks) and every exchange with its tracks",
  additionalProperties: true,
  required: ["id", "catalog", "version", "state", "exchanges"],
  properties: {
    id: { type: "string" },
    catalog: { type: "string" },
    version: { type: "integer" },
    user: { type: ["string", "null"] },
    state: { type: "object", additionalProperties: true },
    exchanges: { type: "array", items: { type: "object", additionalProperties: true } },
  },
} as const;

/** The conversation routes over `ctx`, with `labeler` reading intents. */
export function conversationRoutes(ctx: RouteContext, pick: (name: string | undefined, field: string) => Served, labeler: UtteranceLabeler): Route[] {
  const wire = (c: ConversationRecord, data: ConversationData, version = c.version) => ({ id: c.id, catalog: c.catalog, version, user: c.userId ?? null, state: data.state, exchanges: data.exchanges });
  /** The conversation and its served catalog, if the caller may see it (someone else's is "unknown", not "forbidden"). */
  const load = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const record = await ctx.state.getConversation(id);
    const user = record?.userId !== undefined ? await ctx.authenticate(request, true) : undefined;
    if (record === undefined || (record.userId !== undefined && user?.id !== record.userId)) throw new HttpProblem(404, "not_found", `unknown conversation "${id}"`, "/params/id");
    return { record, data: record.data as unknown as ConversationData, served: pick(record.catalog, "/params/id"), user };
  };
  return [
    {
      spec: {
        method: "POST", url: "/v1/conversations", operationId: "startConversation", auth: "optional",
        summary: "Start a conversation over a catalog; with a token it belongs to that user, and their likes and dislikes shape it",
        body: { type: "object", additionalProperties: false, properties: { catalog: { ...catalogName, description: "Catalog to converse over (default: the server's default catalog)" } } },
        success: { status: 201, schema: conversationResponse, description: "The new, empty conversation" }, errors: [400, 401, 404, 413, 415],
      },
      handler: async (request, reply) => {
        const body = (request.body ?? {}) as { catalog?: string };
        const { catalog } = pick(body.catalog, "/body/catalog");
        const user = await ctx.authenticate(request, false);
        const record = await ctx.state.createConversation({ id: randomBytes(12).toString("base64url"), ...(user ? { userId: user.id } : {}), catalog: catalog.name, data: EMPTY_CONVERSATION as unknown as Record<string, unknown> });
        void reply.code(201);
        return wire(record, EMPTY_CONVERSATION);
      },
    },
    {
      spec: {
        method: "POST", url: "/v1/conversations/:id/turns", operationId: "takeTurn", auth: "optional",
        summary: "Say something in a conversation: the answer honours every constraint so far, never repeats a shown or disliked track unless asked to play it again, and updates the state",
        params: conversationParams,
        body: {
          type: "object", additionalProperties: false, required: ["request"],
          properties: {
            request: { type: "string", minLength: 1, maxLength: MAX_REQUEST_CHARS, description: "What the listener says" },
            k: { type: "integer", minimum: 1, maximum: 100, default: 10, description: "Number of tracks" },
            liked: { ...ids, description: "Tracks of the last answer the listener liked" },
            disliked: { ...ids, description: "Tracks of the last answer the listener disliked" },
          },
        },
        success: { status: 200, schema: conversationResponse, description: "The conversation after the turn (its last exchange holds the answer)" }, errors: [400, 401, 404, 409, 413, 415],
      },
      handler: async (request) => {
        const body = request.body as { request: string; k?: number; liked?: string[]; disliked?: string[] };
        const { record, data, served, user } = await load(request);
        const t0 = performance.now();
        const records = user ? await ctx.state.listFeedback(user.id, record.catalog) : [];
        const cost = estimateAskCostMs(body.request);
        const spent = ctx.budget?.take(request.ip, cost / 40);
        if (spent && !spent.ok) throw new HttpProblem(429, "rate_limited", `${request.ip} has spent its budget of ask work; retry in ${spent.retryAfterSeconds} s`, undefined, { "retry-after": String(spent.retryAfterSeconds) });
        const turned = await ctx.admission.run(cost, () =>
          takeTurn(served.ranker, labeler, data, body.request, {
            k: body.k ?? 10,
            taste: records.filter((f) => f.value === 1).map((f) => f.itemId),
            dislikes: records.filter((f) => f.value === -1).map((f) => f.itemId),
            feedback: { liked: body.liked ?? [], disliked: body.disliked ?? [] },
          }),
        );
        const version = await save(record, turned.data);
        return { ...wire(record, turned.data, version), tookMs: Math.round((performance.now() - t0) * 10) / 10 };
      },
    },
    {
      spec: {
        method: "POST", url: "/v1/conversations/:id/feedback", operationId: "conversationFeedback", auth: "optional",
        summary: "Like or dislike tracks of a conversation, or lift constraints (a removed chip), without a new turn",
        params: conversationParams,
        body: {
          type: "object", additionalProperties: false,
          properties: {
            liked: ids, disliked: ids,
            lift: { type: "object", additionalProperties: false, description: "Hard constraints to remove", properties: { tags: ids, artists: ids } },
          },
        },
        success: { status: 200, schema: conversationResponse, description: "The conversation with its updated state" }, errors: [400, 401, 404, 409, 413, 415],
      },
      handler: async (request) => {
        const body = (request.body ?? {}) as { liked?: string[]; disliked?: string[]; lift?: { tags?: string[]; artists?: string[] } };
        const { record, data } = await load(request);
        const next = applyEdits(data, body);
        return wire(record, next, await save(record, next));
      },
    },
    {
      spec: {
        method: "GET", url: "/v1/conversations/:id", operationId: "getConversation", auth: "optional",
        summary: "A conversation: its state, its exchanges and their tracks (a user's conversation needs their token)",
        params: conversationParams, success: { status: 200, schema: conversationResponse, description: "The conversation" }, errors: [400, 401, 404],
      },
      handler: async (request) => {
        const { record, data } = await load(request);
        return wire(record, data);
      },
    },
  ];

  /** Saves a new document computed from `record`; a turn that raced another and lost is a 409 to retry. */
  async function save(record: ConversationRecord, data: ConversationData): Promise<number> {
    try {
      return await ctx.state.saveConversation(record.id, data as unknown as Record<string, unknown>, record.version);
    } catch (err) {
      if ((err as { code?: string }).code === "input" && /another turn landed first/.test((err as Error).message)) throw new HttpProblem(409, "conflict", (err as Error).message, "/params/id");
      throw err;
    }
  }
}

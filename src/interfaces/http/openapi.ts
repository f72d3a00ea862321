/**
 * @file Builds the OpenAPI 3.1 document from the same route specs the server registers (one source of truth).
 */
import { problemSchema, type JsonSchema } from "./schemas.js";

/** How a route authenticates: no token, a token if sent (personalizes), or a token required. */
export type RouteAuth = "none" | "optional" | "required";

/** What the OpenAPI builder needs to know about one route. */
export interface RouteSpec {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Fastify path syntax ("/v1/items/:catalog/:id"). */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly auth: RouteAuth;
  readonly body?: JsonSchema;
  readonly params?: JsonSchema;
  /** Query-string parameters (an object schema; each property is one optional parameter). */
  readonly querystring?: JsonSchema;
  /** Success status → schema (JSON) or a media type for non-JSON bodies. */
  readonly success: { readonly status: number; readonly schema?: JsonSchema; readonly mediaType?: string; readonly description: string };
  /** Error statuses this route can answer besides 429/500 (always possible). */
  readonly errors: readonly number[];
}

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid request (the problem's `field` names the member)",
  401: "Missing or invalid bearer token",
  404: "Unknown catalog or item",
  409: "The state does not allow it: the user's feedback list is full (clear some first), a profile has no likes to be read from, or another turn of the conversation landed first (retry)",
  413: "Request body too large",
  415: "Content-Type must be application/json",
  429: "Rate limit exceeded (see Retry-After)",
  500: "Internal error (details are in the server log only)",
  503: "Not ready (a catalog or the state database is unavailable)",
};

/**
 * The OpenAPI document of `routes`.
 * @example buildOpenApi(ROUTES, "0.1.0").paths["/v1/ask"].post.operationId // "ask"
 */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const params = r.params as { properties?: Record<string, JsonSchema> } | undefined;
    const query = r.querystring as { properties?: Record<string, JsonSchema> } | undefined;
    const responses: Record<string, unknown> = {
      [String(r.success.status)]: {
        description: r.success.description,
        content: { [r.success.mediaType ?? "application/json"]: { schema: r.success.schema ?? { type: "string" } } },
      },
    };
    for (const status of [...r.errors, 429, 500]) {
      responses[String(status)] = { description: ERROR_TEXT[status] ?? "Error", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.auth === "none" ? {} : { security: r.auth === "required" ? [{ bearer: [] }] : [{}, { bearer: [] }] }),
      ...(params?.properties || query?.properties
        ? {
            parameters: [
              ...Object.entries(params?.properties ?? {}).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
              ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: false, schema })),
            ],
          }
        : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: r.body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "askmusic",
      version,
      description: "Natural-language music recommendation. Per-user state (feedback) is read and written only with that user's bearer token (`npx askmusic users add`).",
    },
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A user token from `askmusic users add`" } },
    },
  };
}

/**
 * @file Fuzz cases for every endpoint of the OpenAPI document: per operation, a seeded generator of valid and
 * hostile requests, each sent under another spelling of its path (percent-encoded, absolute-form) now and then.
 * Used by fuzz.test.ts (in process and over a socket) and scripts/fuzz-http.ts (against `askmusic serve`); an
 * endpoint without a case fails fuzz.test.ts, so every later endpoint joins the fuzzer.
 */
import { randInt, type Rng } from "../../core/random.js";

/** What the generators may use: a valid token, a catalog and item that exist, the web app's file names. */
export interface FuzzContext {
  readonly token: string;
  readonly catalog: string;
  readonly itemId: string;
  readonly assets: readonly string[];
  /** Tokens of throwaway users that `DELETE /v1/users/me` may erase (taken one at a time; none left = bad tokens only). */
  readonly victims: string[];
}

/** One request to send. `path` is the request target as written on the request line. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[randInt(r, xs.length)];
const WORDS = ["calm", "piano", "rock", "no", "rap", "without", "vocals", "but", "not", "by", "é", "🎵", "'", '"', "<script>", "%", "\\", "NaN", "null", "__proto__", "\n", "\t", " "];
const words = (r: Rng, max = 12) => Array.from({ length: randInt(r, max) + 1 }, () => pick(r, WORDS)).join(pick(r, [" ", "", ","]));
const junk = (r: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(1 + randInt(r, 0xd7fe))).join("");

/** A header value a client might send (printable ASCII: Node refuses others before sending). */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, "a");

function authHeader(r: Rng, ctx: FuzzContext): Record<string, string> {
  switch (randInt(r, 5)) {
    case 0: return {};
    case 1: return { authorization: pick(r, ["Bearer", "Bearer ", "Basic abc", `Bearer ${"a".repeat(3000)}`, `bearer  ${ctx.token} x`, `Bearer ${ascii(junk(r, 20))}`]) };
    default: return { authorization: `Bearer ${ctx.token}` };
  }
}

/** A JSON body that is sometimes valid, often not: wrong types, unknown members, prototype keys, truncation, size. */
function jsonBody(r: Rng, valid: () => unknown): { headers: Record<string, string>; body: string } {
  const body = (() => {
    switch (randInt(r, 10)) {
      case 0: return `{"__proto__":{"x":1},${JSON.stringify(valid()).slice(1)}`;
      case 1: return JSON.stringify(valid()).slice(0, randInt(r, 20));
      case 2: return "[".repeat(pick(r, [10, 3000])) + "]".repeat(10);
      case 3: return JSON.stringify({ ...(valid() as object), extra: words(r) });
      case 4: return "x".repeat(pick(r, [100, 17_000]));
      case 5: return JSON.stringify(pick(r, [null, 1, "s", [], {}, { request: 1 }, { k: "10" }]));
      default: return JSON.stringify(valid());
    }
  })();
  const type = pick(r, ["application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", ""]);
  return { headers: type === "" ? {} : { "content-type": type }, body };
}

/** A conversation id: well-formed and unknown, malformed, or oversized (the fuzzer's own are random and unknown). */
const conversationId = (r: Rng) => pick(r, ["nope", "AbCdEf0123456789", "%ff", "..%2Fx", "x".repeat(pick(r, [64, 65, 400])), encodeURIComponent(words(r, 2))]);

/**
 * Per documented operation ("METHOD /openapi/path"), a generator of requests. Keys must match the OpenAPI
 * document exactly: {@link missingFuzzCases} lists those without one.
 */
export const FUZZ_CASES: Readonly<Record<string, (r: Rng, ctx: FuzzContext) => FuzzRequest>> = {
  "POST /v1/ask": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => ({
      request: pick(r, [words(r), "no rap", "calm piano but not by Nobody", "x ".repeat(pick(r, [5, 500, 1000])), junk(r, 30)]),
      ...(randInt(r, 2) === 0 ? { k: pick(r, [1, 10, 100, 101, 0, -1, 2.5]) } : {}),
      ...(randInt(r, 3) === 0 ? { catalog: pick(r, [ctx.catalog, "nope", "../x"]) } : {}),
    }));
    return { method: "POST", path: "/v1/ask", headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "POST /v1/feedback": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => ({ itemId: pick(r, [ctx.itemId, "track_0000001", junk(r, 5), ""]), value: pick(r, ["like", "dislike", "clear", "love", 1]) }));
    return { method: "POST", path: "/v1/feedback", headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "POST /v1/feedback/words": (r, ctx) => {
    const list = () => pick<unknown>(r, [[], ["piano"], ["calm", "piano"], [words(r, 1)], ["piano", "piano"], [""], Array.from({ length: 13 }, () => "rock"), "piano", [1]]);
    const { headers, body } = jsonBody(r, () => ({
      request: pick(r, [words(r), "calm piano", "x ".repeat(pick(r, [5, 1000])), junk(r, 20)]),
      ...(randInt(r, 2) === 0 ? { strengthen: list() } : {}),
      ...(randInt(r, 2) === 0 ? { weaken: list() } : {}),
      ...(randInt(r, 6) === 0 ? { reset: pick<unknown>(r, [true, false, "yes"]) } : {}),
      ...(randInt(r, 3) === 0 ? { catalog: pick(r, [ctx.catalog, "nope"]) } : {}),
    }));
    return { method: "POST", path: "/v1/feedback/words", headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "GET /v1/items/{catalog}/{id}": (r, ctx) => ({
    method: "GET",
    path: `/v1/items/${pick(r, [ctx.catalog, ctx.catalog, "nope", encodeURIComponent(words(r, 2))])}/${pick(r, [ctx.itemId, ctx.itemId, "track_404", "%ff", "x".repeat(pick(r, [300, 301, 5000])), encodeURIComponent(words(r, 3))])}`,
    headers: {},
  }),
  "GET /v1/catalogs": () => ({ method: "GET", path: "/v1/catalogs", headers: {} }),
  "GET /v1/users/me": (r, ctx) => ({ method: "GET", path: "/v1/users/me", headers: authHeader(r, ctx) }),
  "DELETE /v1/users/me": (r, ctx) => {
    // Only throwaway users are ever erased: the fuzzer's own token must keep working.
    const victim = randInt(r, 4) === 0 ? ctx.victims.pop() : undefined;
    const headers: Record<string, string> = victim ? { authorization: `Bearer ${victim}` } : pick<Record<string, string>>(r, [{}, { authorization: "Bearer not-a-real-token" }, { authorization: "Basic abc" }]);
    return { method: "DELETE", path: "/v1/users/me", headers };
  },
  "GET /v1/users/me/profile": (r, ctx) => {
    const query = pick(r, ["", "?k=5", "?k=0", "?k=101", "?k=ten", `?catalog=${ctx.catalog}`, "?catalog=nope", "?catalog=..%2Fx", "?extra=1", `?k=${"9".repeat(30)}`]);
    return { method: "GET", path: `/v1/users/me/profile${query}`, headers: authHeader(r, ctx) };
  },
  "PUT /v1/users/me/profile": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => ({
      weights: pick<unknown>(r, [{}, { rock: 0 }, { rock: 1.5 }, { [words(r, 2)]: 0.5 }, { "": 0 }, { __proto__: 0.1 }, [], { rock: "0" }, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`t${i}`, 0]))]),
      ...(randInt(r, 3) === 0 ? { catalog: pick(r, [ctx.catalog, "nope"]) } : {}),
      ...(randInt(r, 3) === 0 ? { k: pick(r, [1, 20, 0, 101, "5"]) } : {}),
    }));
    return { method: "PUT", path: "/v1/users/me/profile", headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "POST /v1/conversations": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => (randInt(r, 2) === 0 ? {} : { catalog: pick(r, [ctx.catalog, "nope", "../x", 1]) }));
    return { method: "POST", path: "/v1/conversations", headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "POST /v1/conversations/{id}/turns": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => ({
      request: pick(r, [words(r), "no rap", "more please", "", junk(r, 30)]),
      ...(randInt(r, 2) === 0 ? { k: pick(r, [1, 10, 101, 0]) } : {}),
      ...(randInt(r, 3) === 0 ? { liked: pick<unknown>(r, [[ctx.itemId], [], "x", [1]]) } : {}),
    }));
    return { method: "POST", path: `/v1/conversations/${conversationId(r)}/turns`, headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "POST /v1/conversations/{id}/feedback": (r, ctx) => {
    const { headers, body } = jsonBody(r, () => ({ ...(randInt(r, 2) === 0 ? { disliked: [ctx.itemId] } : {}), ...(randInt(r, 2) === 0 ? { lift: pick<unknown>(r, [{ tags: ["rap"] }, { x: 1 }, []]) } : {}) }));
    return { method: "POST", path: `/v1/conversations/${conversationId(r)}/feedback`, headers: { ...headers, ...authHeader(r, ctx) }, body };
  },
  "GET /v1/conversations/{id}": (r, ctx) => ({ method: "GET", path: `/v1/conversations/${conversationId(r)}`, headers: authHeader(r, ctx) }),
  "GET /healthz": () => ({ method: "GET", path: "/healthz", headers: {} }),
  "GET /readyz": () => ({ method: "GET", path: "/readyz", headers: {} }),
  "GET /openapi.json": () => ({ method: "GET", path: "/openapi.json", headers: {} }),
  "GET /": (r) => ({ method: "GET", path: pick(r, ["/", "/?x=1", "/index.html"]), headers: {} }),
  "GET /assets/{name}": (r, ctx) => ({ method: "GET", path: `/assets/${pick(r, [...ctx.assets, "..%2F..%2Fpackage.json", "app.js%00", "x".repeat(400), "%ff%fe"])}`, headers: {} }),
};

/** Documented operations ("METHOD /path") of an OpenAPI document. */
export function documentedOperations(openapi: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(openapi.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
}

/** Documented operations that have no fuzz case (must be empty). */
export function missingFuzzCases(openapi: { paths: Record<string, Record<string, unknown>> }): string[] {
  return documentedOperations(openapi).filter((op) => !Object.hasOwn(FUZZ_CASES, op));
}

/**
 * Another spelling of a request target the router reads as the same path: a few unreserved characters
 * percent-encoded ("/v1/ask" -> "/%761/ask"), or, with an origin, the absolute form ("http://host:port/v1/ask").
 */
export function respell(r: Rng, target: string, origin?: string): string {
  const kind = randInt(r, origin ? 3 : 2);
  if (kind === 2) return `${origin}${target}`;
  if (kind === 1) {
    const [path, query] = [target.split("?")[0], target.includes("?") ? target.slice(target.indexOf("?")) : ""];
    const encoded = path.replace(/[a-z]/gi, (c) => (randInt(r, 3) === 0 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c));
    return encoded + query;
  }
  return target;
}

/**
 * One fuzz request for a random documented operation, sometimes with the wrong method or another spelling.
 * @example fuzzRequest(mulberry32(1), ops, ctx, "http://127.0.0.1:8080") // { method: "POST", path: "/%761/ask", ... }
 */
export function fuzzRequest(r: Rng, operations: readonly string[], ctx: FuzzContext, origin?: string): FuzzRequest {
  const op = pick(r, operations);
  const base = FUZZ_CASES[op](r, ctx);
  const method = randInt(r, 10) === 0 ? pick(r, ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "GET", "POST"]) : base.method;
  return { ...base, method, path: respell(r, base.path, origin) };
}

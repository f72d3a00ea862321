/**
 * @file Security headers and the answers to requests that fail before routing (bad percent-encoding, a path
 * parameter over the length limit, HTTP the Node parser refuses, an unknown method): the same helmet headers and
 * `cache-control: no-store` on every response, routed or not, and problem+json bodies throughout.
 */
import fastifyHelmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import helmet from "helmet";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { PROBLEM_TYPE, problem } from "./problem.js";

/**
 * One helmet configuration for the API and the web app. No `upgrade-insecure-requests` and no HSTS: the server
 * speaks plain HTTP on loopback by default, and both would break a web app served over http from another host.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      "default-src": ["'self'"],
      "img-src": ["'self'", "data:"],
      "object-src": ["'none'"],
      "base-uri": ["'none'"],
      "frame-ancestors": ["'none'"],
      "form-action": ["'self'"],
    },
  },
  strictTransportSecurity: false,
  referrerPolicy: { policy: "no-referrer" },
};

/** The headers helmet sets with {@link HELMET_OPTIONS}, computed once, for answers written outside Fastify's hooks. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze(captureHelmetHeaders());

function captureHelmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  // helmet's middleware runs synchronously and touches only setHeader/removeHeader on the response.
  helmet(HELMET_OPTIONS as Parameters<typeof helmet>[0])({} as never, res as never, () => {});
  headers["cache-control"] = "no-store";
  return headers;
}

/** Methods some route of the server implements; any other method is answered 501. */
const IMPLEMENTED = ["GET", "HEAD", "POST", "PUT", "DELETE"] as const;

/**
 * The path the router sees: absolute-form targets (`GET http://host/v1/x`) reduced to their path, percent-encoding
 * decoded as the router decodes it. Undefined when the path is not valid percent-encoding.
 */
export function routedPath(url: string): string | undefined {
  let path = url;
  if (!path.startsWith("/")) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  path = path.split("?")[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Registers helmet, makes every response `no-store` unless its route says otherwise (the web app's files), and
 * answers unknown methods: 501 when no route implements the method, 405 with `allow` when another method of
 * the same path exists.
 */
export async function registerSecurity(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, HELMET_OPTIONS);
  // Keyed by the reply, not by the URL's spelling: answers are personal unless a route marked them cacheable.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (!reply.hasHeader("cache-control")) void reply.header("cache-control", "no-store");
    return payload;
  });
}

/** The methods routed for `url`, for a 405's `allow` header (empty when the path has no route at all). */
export function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = routedPath(url);
  if (path === undefined) return [];
  return IMPLEMENTED.filter((method) => app.findRoute({ method, url: path }) !== null);
}

/**
 * The not-found answer: 405 + `allow` for a path that exists under other methods, 501 for a method no route
 * implements, else 404.
 */
export function notFoundProblem(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split("?")[0].slice(0, 200);
  const allow = allowedMethods(app, request.url);
  if (allow.length > 0) {
    const p = problem(405, "method_not_allowed", `${request.method} is not allowed on ${path}; allowed: ${allow.join(", ")}`);
    void reply.code(405).header("allow", allow.join(", ")).type(PROBLEM_TYPE).send(JSON.stringify(p));
    return;
  }
  if (!(IMPLEMENTED as readonly string[]).includes(request.method)) {
    void reply.code(501).type(PROBLEM_TYPE).send(JSON.stringify(problem(501, "not_implemented", `method ${request.method} is not implemented; use one of ${IMPLEMENTED.join(", ")}`)));
    return;
  }
  void reply.code(404).type(PROBLEM_TYPE).send(JSON.stringify(problem(404, "not_found", `no route ${request.method} ${path}; see /openapi.json`)));
}

/**
 * Fastify's `frameworkErrors`: the router refused the URL before any hook ran, so the security headers are set
 * here by hand.
 */
export function frameworkErrorProblem(err: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const p =
    err.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? problem(414, "uri_too_long", "a path segment is longer than 300 characters", "/params")
      : err.code === "FST_ERR_BAD_URL"
        ? problem(400, "input", "the path is not valid percent-encoding (UTF-8)", "/params")
        : problem(400, "input", "the request could not be routed");
  void reply.code(p.status).headers(SECURITY_HEADERS).type(PROBLEM_TYPE).send(JSON.stringify(p));
}

/**
 * Node's `clientError` handler: HTTP the parser refused. Written straight to the socket (there is no request
 * object), with the same headers and a problem+json body; the connection is closed after it.
 */
export function clientErrorProblem(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, detail] =
    err.code === "HPE_INVALID_METHOD"
      ? [501, "not_implemented", `this method is not implemented; use one of ${IMPLEMENTED.join(", ")}`]
      : err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "headers_too_large", "the request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "timeout", "the request took too long to arrive"]
          : [400, "input", "the request is not valid HTTP/1.1"];
  const body = JSON.stringify(problem(status, code, detail));
  const headers = { ...SECURITY_HEADERS, "content-type": PROBLEM_TYPE, "content-length": String(Buffer.byteLength(body)), connection: "close" };
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${body}`);
  }
  socket.destroy();
}

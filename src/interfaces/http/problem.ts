/**
 * @file RFC 9457 problem details: the one error shape of the HTTP API, and the mapping from thrown errors to it.
 * Typed askmusic errors and Fastify's own client errors become 4xx with their message; anything else is a
 * plain 500 whose details stay in the server log.
 */
import { STATUS_CODES } from "node:http";
import { AskmusicError, InputError, NotFoundError } from "../../errors.js";

/** The media type of every error response. */
export const PROBLEM_TYPE = "application/problem+json";

/** One problem detail (RFC 9457 members plus `code` and the offending `field`). */
export interface Problem {
  /** "about:blank": the status code says it all; `code` is the machine-readable kind. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** Stable machine-readable kind: "input", "not_found", "unauthorized", "rate_limited", ... */
  readonly code: string;
  /** The request member that was wrong, as a JSON pointer-ish path ("/body/k", "/params/id", "authorization"). */
  readonly field?: string;
}

/** An error that carries its own HTTP status and problem fields; thrown by route handlers. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

/** Builds a problem object for a status. */
export function problem(status: number, code: string, detail?: string, field?: string): Problem {
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    ...(detail !== undefined ? { detail } : {}),
    code,
    ...(field !== undefined ? { field } : {}),
  };
}

/** The shape Fastify gives validation errors (Ajv's). */
interface ValidationIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Where an Ajv issue points: "/body/k", "/body/request" (missing), "/params/id". */
export function validationField(context: string | undefined, issue: ValidationIssue): string {
  const base = `/${context ?? "body"}${issue.instancePath ?? ""}`;
  const p = issue.params ?? {};
  if (issue.keyword === "required" && typeof p.missingProperty === "string") return `${base}/${p.missingProperty}`;
  if (issue.keyword === "additionalProperties" && typeof p.additionalProperty === "string") return `${base}/${p.additionalProperty}`;
  return base;
}

function validationDetail(field: string, issue: ValidationIssue): string {
  const p = issue.params ?? {};
  if (issue.keyword === "additionalProperties") return `${field} is not a known member; remove it`;
  if (issue.keyword === "required") return `${field} is required`;
  if (issue.keyword === "enum" && Array.isArray(p.allowedValues)) return `${field} must be one of: ${p.allowedValues.join(", ")}`;
  return `${field} ${issue.message ?? "is invalid"}`;
}

/** Maps a thrown error to a problem. `internal` is true when it must be logged (a 500). */
export function toProblem(err: unknown): { problem: Problem; internal: boolean; headers: Readonly<Record<string, string>> } {
  if (err instanceof HttpProblem) return { problem: problem(err.status, err.code, err.message, err.field), internal: false, headers: err.headers };
  if (err instanceof InputError) return { problem: problem(400, err.code, err.message, err.field !== undefined ? `/body/${err.field}` : undefined), internal: false, headers: {} };
  if (err instanceof NotFoundError) return { problem: problem(404, err.code, err.message), internal: false, headers: {} };
  const e = err as { validation?: ValidationIssue[]; validationContext?: string; statusCode?: number; code?: string; message?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const field = validationField(e.validationContext, e.validation[0]);
    return { problem: problem(400, "input", validationDetail(field, e.validation[0]), field), internal: false, headers: {} };
  }
  // Fastify's own client errors (bad JSON, body too large, unsupported media type) carry a 4xx statusCode and
  // a message written for clients. Other AskmusicErrors (data, model_fit) are server-side faults: plain 500.
  if (!(err instanceof AskmusicError) && typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? "too_large" : e.statusCode === 415 ? "unsupported_media_type" : "input";
    const field = e.statusCode === 413 || e.code?.startsWith("FST_ERR_CTP") ? "/body" : undefined;
    return { problem: problem(e.statusCode, code, e.message, field), internal: false, headers: {} };
  }
  return { problem: problem(500, "internal"), internal: true, headers: {} };
}

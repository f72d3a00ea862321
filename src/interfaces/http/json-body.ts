/**
 * @file The JSON body parser: Fastify's own, except that its errors say what is wrong. A `__proto__` member (or a
 * `constructor.prototype`) is refused by name instead of being reported as "not valid JSON", and a syntax error
 * keeps JSON.parse's position.
 */
import type { FastifyInstance } from "fastify";
import { HttpProblem } from "./problem.js";

/**
 * Parses `text` as a request body; throws an HttpProblem 400 naming the problem.
 * @example parseJsonBody('{"request":"jazz"}') // { request: "jazz" }
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new HttpProblem(400, "input", "the body is empty; send a JSON object", "/body");
  let forbidden: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, function (key, value) {
      // Prototype-poisoning members: refused outright, whatever the schema would say about them.
      if (key === "__proto__" || (key === "constructor" && value !== null && typeof value === "object" && Object.hasOwn(value, "prototype"))) forbidden ??= key;
      return value;
    });
  } catch (err) {
    throw new HttpProblem(400, "input", `the body is not valid JSON: ${(err as Error).message.slice(0, 200)}`, "/body");
  }
  if (forbidden !== undefined) throw new HttpProblem(400, "input", `the body has a member "${forbidden}", which is never allowed; remove it`, `/body/${forbidden}`);
  return parsed;
}

/** Replaces Fastify's JSON parser with {@link parseJsonBody} (same body limit). */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

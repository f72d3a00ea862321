/**
 * @file Per-client limits: the request count per time window (`@fastify/rate-limit`, hooked per route, so every
 * spelling of a path that routes to /v1/* counts against the same client), and token buckets for limits weighted
 * by a request's cost (see admission.ts).
 */
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { LRUCache } from "lru-cache";
import { HttpProblem } from "./problem.js";

/** Options of {@link registerRateLimit}. */
export interface RateLimitOptions {
  /** Requests one client (IP address) may send per window. [max=60] */
  readonly max: number;
  /** The window's length in seconds; `max / windowSeconds` is the sustained rate. [windowSeconds=3] */
  readonly windowSeconds: number;
  /** Clients tracked at most (least recently seen dropped first). [maxClients=10000] */
  readonly maxClients?: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = Object.freeze({ max: 60, windowSeconds: 3, maxClients: 10_000 });

/**
 * Registers the limiter for routes that opt in (`config.rateLimit` unset) and for not-found answers; a route
 * registered with `config: { rateLimit: false }` is exempt. Must run before the routes are added.
 * @example await registerRateLimit(app, { max: 3, windowSeconds: 60 }); // the 4th request in a minute: 429 + retry-after
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (!(options.max >= 1) || !(options.windowSeconds > 0)) {
    throw new RangeError(`rate limit needs max >= 1 and windowSeconds > 0, got ${options.max}, ${options.windowSeconds}`);
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.max,
    timeWindow: options.windowSeconds * 1000,
    cache: options.maxClients ?? 10_000,
    // Thrown into the app's error handler, so the 429 is problem+json like every other error.
    errorResponseBuilder: (request, context) =>
      new HttpProblem(429, "rate_limited", `too many requests from ${request.ip}; retry in ${context.after}`, undefined, {
        "retry-after": String(Math.max(1, Math.ceil(context.ttl / 1000))),
      }),
  });
}

/** Options of {@link TokenBuckets}. */
export interface BucketOptions {
  /** Burst size, in cost units a client may spend at once. */
  readonly capacity: number;
  /** Sustained rate, cost units per second per client. */
  readonly refillPerSecond: number;
  /** Buckets kept at most; beyond it the oldest are dropped (a dropped client starts full again). [maxClients=10000] */
  readonly maxClients?: number;
}

/**
 * Token buckets keyed by client (IP address), spent by cost: a request costing 4 units takes 4 tokens.
 * @example
 * const rl = new TokenBuckets({ capacity: 2, refillPerSecond: 1 });
 * rl.take("1.2.3.4", 1, 0) // { ok: true, ... }; a third call at t=0 gives { ok: false, retryAfterSeconds: 1 }
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;

  constructor(private readonly options: BucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError(`rate limit needs capacity >= 1 and refillPerSecond > 0, got ${options.capacity}, ${options.refillPerSecond}`);
    }
    // Least recently seen clients are dropped first; a dropped client starts full again.
    this.buckets = new LRUCache({ max: options.maxClients ?? 10_000 });
  }

  /**
   * Takes `cost` tokens for `client` at time `nowMs`; `remaining` is what is left, `retryAfterSeconds` when refused.
   * A cost above the capacity is clamped to it, so any single request can pass a full bucket.
   */
  take(client: string, cost = 1, nowMs: number = Date.now()): { ok: boolean; remaining: number; retryAfterSeconds: number } {
    const { capacity, refillPerSecond } = this.options;
    const need = Math.min(capacity, Math.max(0, cost));
    const prev = this.buckets.get(client);
    let tokens = prev ? Math.min(capacity, prev.tokens + (Math.max(0, nowMs - prev.at) / 1000) * refillPerSecond) : capacity;
    const ok = tokens >= need;
    if (ok) tokens -= need;
    this.buckets.set(client, { tokens, at: nowMs });
    return { ok, remaining: Math.floor(tokens), retryAfterSeconds: ok ? 0 : Math.ceil((need - tokens) / refillPerSecond) };
  }

  /** Clients currently tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}

/**
 * @file A per-client token bucket: `capacity` requests in a burst, refilled at `refillPerSecond`. Bounded memory:
 * at most `maxClients` buckets, full ones evicted first.
 */

/** Options of {@link TokenBuckets}. */
export interface RateLimitOptions {
  /** Burst size: requests a client may send at once. [capacity=60] */
  readonly capacity: number;
  /** Sustained rate, requests per second per client. [refillPerSecond=20] */
  readonly refillPerSecond: number;
  /** Buckets kept at most; beyond it the oldest are dropped (a dropped client starts full again). [maxClients=10000] */
  readonly maxClients?: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = Object.freeze({ capacity: 60, refillPerSecond: 20, maxClients: 10_000 });

/**
 * Token buckets keyed by client (IP address).
 * @example
 * const rl = new TokenBuckets({ capacity: 2, refillPerSecond: 1 });
 * rl.take("1.2.3.4", 0) // { ok: true, ... }; a third call at t=0 gives { ok: false, retryAfterSeconds: 1 }
 */
export class TokenBuckets {
  // Map keeps insertion order: re-inserting on use makes the first entries the least recently used.
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxClients: number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError(`rate limit needs capacity >= 1 and refillPerSecond > 0, got ${options.capacity}, ${options.refillPerSecond}`);
    }
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** Takes one token for `client` at time `nowMs`; `remaining` is what is left, `retryAfterSeconds` when refused. */
  take(client: string, nowMs: number = Date.now()): { ok: boolean; remaining: number; retryAfterSeconds: number } {
    const { capacity, refillPerSecond } = this.options;
    const prev = this.buckets.get(client);
    let tokens = capacity;
    if (prev) {
      tokens = Math.min(capacity, prev.tokens + (Math.max(0, nowMs - prev.at) / 1000) * refillPerSecond);
      this.buckets.delete(client);
    } else if (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    const ok = tokens >= 1;
    if (ok) tokens -= 1;
    this.buckets.set(client, { tokens, at: nowMs });
    return { ok, remaining: Math.floor(tokens), retryAfterSeconds: ok ? 0 : Math.ceil((1 - tokens) / refillPerSecond) };
  }

  /** Clients currently tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}

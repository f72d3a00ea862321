/**
 * @file Token buckets and the concurrency limit: small cases checked by hand.
 */
import { describe, expect, it } from "vitest";
import { concurrencyLimit } from "./limiter.js";
import { TokenBuckets } from "./rate-limit.js";

describe("TokenBuckets", () => {
  it("allows a burst of capacity, then refills at the given rate, per client", () => {
    const rl = new TokenBuckets({ capacity: 2, refillPerSecond: 1 });
    expect(rl.take("a", 0).ok).toBe(true);
    expect(rl.take("a", 0).ok).toBe(true);
    expect(rl.take("a", 0)).toEqual({ ok: false, remaining: 0, retryAfterSeconds: 1 });
    expect(rl.take("b", 0).ok).toBe(true); // another client has its own bucket
    expect(rl.take("a", 500).ok).toBe(false); // half a token after 0.5 s
    expect(rl.take("a", 1000).ok).toBe(true); // one token after 1 s
    expect(rl.take("a", 100_000)).toMatchObject({ ok: true, remaining: 1 }); // refills up to capacity only
  });

  it("keeps at most maxClients buckets", () => {
    const rl = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxClients: 3 });
    for (let i = 0; i < 10; i++) rl.take(`c${i}`, 0);
    expect(rl.size).toBe(3);
    expect(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 })).toThrow(/capacity/);
  });
});

describe("concurrencyLimit", () => {
  it("runs at most `limit` tasks at once, in FIFO order, and survives failures", async () => {
    const limit = concurrencyLimit(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      order.push(i);
      if (i === 1) throw new Error("boom");
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => limit(task(i))));
    expect(peak).toBe(2);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(order.slice(0, 2).sort()).toEqual([0, 1]);
    expect(() => concurrencyLimit(0)).toThrow(RangeError);
  });
});

/**
 * @file Token buckets: small cases checked by hand.
 */
import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./rate-limit.js";

describe("TokenBuckets", () => {
  it("allows a burst of capacity, then refills at the given rate, per client", () => {
    const rl = new TokenBuckets({ capacity: 2, refillPerSecond: 1 });
    expect(rl.take("a", 1, 0).ok).toBe(true);
    expect(rl.take("a", 1, 0).ok).toBe(true);
    expect(rl.take("a", 1, 0)).toEqual({ ok: false, remaining: 0, retryAfterSeconds: 1 });
    expect(rl.take("b", 1, 0).ok).toBe(true); // another client has its own bucket
    expect(rl.take("a", 1, 500).ok).toBe(false); // half a token after 0.5 s
    expect(rl.take("a", 1, 1000).ok).toBe(true); // one token after 1 s
    expect(rl.take("a", 1, 100_000)).toMatchObject({ ok: true, remaining: 1 }); // refills up to capacity only
  });

  it("keeps at most maxClients buckets", () => {
    const rl = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxClients: 3 });
    for (let i = 0; i < 10; i++) rl.take(`c${i}`, 1, 0);
    expect(rl.size).toBe(3);
    expect(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 })).toThrow(/capacity/);
  });
});

describe("TokenBuckets by cost", () => {
  it("spends cost units, clamps a cost above the capacity, and says when enough will be back", () => {
    const rl = new TokenBuckets({ capacity: 10, refillPerSecond: 2 });
    expect(rl.take("a", 4.25, 0)).toMatchObject({ ok: true, remaining: 5 });
    expect(rl.take("a", 4.25, 0)).toMatchObject({ ok: true, remaining: 1 });
    expect(rl.take("a", 4.25, 0)).toEqual({ ok: false, remaining: 1, retryAfterSeconds: 2 }); // (4.25 - 1.5) / 2 = 1.375 -> 2
    expect(rl.take("a", 1, 0).ok).toBe(true); // a short request still fits
    expect(rl.take("b", 50, 0)).toMatchObject({ ok: true, remaining: 0 }); // clamped to the capacity
  });
});

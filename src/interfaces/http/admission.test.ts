/**
 * @file Admission control: cost estimates, the bound on predicted delay (503 + retry-after), expensive asks shed first
 * and queued behind cheap ones, the rate measured from finished work; and the server answering 503 instead of
 * queueing without bound (issue 15, finding 4).
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { Admission, estimateAskCostMs } from "./admission.js";
import { HttpProblem } from "./problem.js";
import { buildServer } from "./server.js";
import { fakeQueryEncoder, MemoryStateRepository, testCatalog } from "./testing.js";

/** A task that runs until `open()` is called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, task: (log: string[], name: string) => async () => (await opened, log.push(name), name) };
}

describe("estimateAskCostMs", () => {
  it("grows with length and with negations, from ~40 ms for a short ask", () => {
    expect(estimateAskCostMs("calm piano")).toBe(41); // 40 + 0.065 * 10
    expect(estimateAskCostMs("x ".repeat(1000))).toBe(170); // 40 + 0.065 * 2000
    expect(estimateAskCostMs("not x ".repeat(250))).toBe(Math.round(40 + 0.065 * 1500 + 250));
  });
});

describe("Admission", () => {
  it("runs at most maxConcurrent, refuses past the pending bound with 503 + retry-after, and frees its budget", async () => {
    const a = new Admission({ maxConcurrent: 1, maxDelayMs: 100, rateWindowMs: 60_000 });
    const g = gate();
    const log: string[] = [];
    const first = a.run(40, g.task(log, "a"));
    const second = a.run(40, g.task(log, "b"));
    expect([a.pending, a.waiting]).toEqual([80, 1]);
    const refused = await a.run(40, g.task(log, "c")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 503, code: "overloaded", headers: { "retry-after": "1" } });
    g.open();
    expect(await Promise.all([first, second])).toEqual(["a", "b"]);
    expect([a.pending, a.waiting]).toEqual([0, 0]);
    // An idle server admits even a request larger than the whole bound.
    expect(await a.run(500, async () => "big")).toBe("big");
  });

  it("sheds expensive asks at half the bound and lets cheap ones jump the queue", async () => {
    const a = new Admission({ maxConcurrent: 1, maxDelayMs: 1000, expensiveMs: 100, rateWindowMs: 60_000 });
    const g = gate();
    const log: string[] = [];
    const running = a.run(40, g.task(log, "running"));
    const long1 = a.run(300, g.task(log, "long"));
    const short1 = a.run(40, g.task(log, "short"));
    // 380 pending: another long one (300) would pass 500 (half the bound): shed; a short one still fits.
    await expect(a.run(300, g.task(log, "shed"))).rejects.toMatchObject({ status: 503 });
    const short2 = a.run(40, g.task(log, "short2"));
    g.open();
    await Promise.all([running, long1, short1, short2]);
    expect(log).toEqual(["running", "short", "short2", "long"]);
  });
});

describe("Admission's measured rate", () => {
  it("learns how fast work finishes while busy", async () => {
    const a = new Admission({ maxConcurrent: 4, maxDelayMs: 100, rateWindowMs: 50, initialRate: 100 });
    // Tasks estimated at 40 ms that take at least 40 ms each, one at a time: at most ~1 estimated ms per ms.
    for (let i = 0; i < 16; i++) await a.run(40, () => new Promise((r) => setTimeout(r, 40)));
    expect(a.rate).toBeLessThan(10); // down from 100
  });

  it("bounds the delay predicted at that rate: the same pending work is refused on a slower server", async () => {
    const pendingThenOneMore = async (initialRate: number) => {
      const a = new Admission({ maxConcurrent: 4, maxDelayMs: 1000, rateWindowMs: 60_000, initialRate });
      const g = gate();
      const held = [a.run(40, g.task([], "x")), a.run(40, g.task([], "y"))];
      const verdict = await a.run(40, async () => "admitted").catch((e: { status?: number }) => e.status);
      g.open();
      await Promise.all(held);
      return verdict;
    };
    expect(await pendingThenOneMore(1)).toBe("admitted"); // 120 ms of work at 1 ms/ms: 120 ms ahead
    expect(await pendingThenOneMore(0.1)).toBe(503); // the same at 0.1 ms/ms: 1200 ms ahead
  });
});

describe("the server under saturation", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it("answers 503 + retry-after at once when ask work is saturated, instead of queueing it without bound", async () => {
    const encoder = fakeQueryEncoder();
    const g = gate();
    const encode = encoder.encode;
    encoder.encode = async (texts) => (await g.task([], "")(), encode(texts));
    const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: encoder, state: new MemoryStateRepository(), rateLimit: false, maxConcurrentAsks: 2, maxAskDelayMs: 200, answerCacheSize: 0 });
    apps.push(app);
    const asks = Array.from({ length: 12 }, (_, i) => app.inject({ method: "POST", url: "/v1/ask", payload: { request: `calm piano ${i}` } }));
    // The refused ones are answered while the admitted ones still wait on the encoder.
    await new Promise((r) => setTimeout(r, 100));
    g.open();
    const answers = await Promise.all(asks);
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200).length).toBe(4); // 4 x ~41 ms fit in 200 ms of pending work
    expect(statuses.filter((s) => s === 503).length).toBe(8);
    const shed = answers.find((r) => r.statusCode === 503)!;
    expect(shed.headers["content-type"]).toContain("application/problem+json");
    expect(shed.headers["retry-after"]).toBe("1");
    expect(shed.json()).toMatchObject({ status: 503, code: "overloaded" });
  });

  it("charges a client by cost: long asks spend its budget sooner than short ones", async () => {
    const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state: new MemoryStateRepository(), rateLimit: false, askBudget: { capacity: 10, refillPerSecond: 0.001 }, answerCacheSize: 0 });
    apps.push(app);
    const long = (i: number) => app.inject({ method: "POST", url: "/v1/ask", payload: { request: `${i} ${"calm piano ".repeat(180)}` } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await long(i)).statusCode);
    expect(statuses).toEqual([200, 200, 429]); // ~4.2 units each
    const limited = await long(9);
    expect(limited.json()).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Short asks from the same client still fit in what is left.
    expect((await app.inject({ method: "POST", url: "/v1/ask", payload: { request: "calm" } })).statusCode).toBe(200);
  });
});

/**
 * @file Admission control for asks: each request's cost is estimated from its text before any work starts; the
 * work admitted and not finished is bounded by how long the server, at the rate it is measured to get through
 * work, would take to finish it, so a burst (or a machine slowed by other load) is answered 503 + retry-after
 * instead of queueing without bound; expensive requests are shed first and cheap ones jump the queue, so short
 * asks keep their latency while long ones are shed or slowed.
 */
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance } from "fastify";
import { HttpProblem } from "./problem.js";

/**
 * Estimated server time of one ask, in ms, from its text alone. Fitted to the probe of issue 15 on this 2-core
 * machine: a short request ~40 ms, 2,000 characters of words 145-200 ms, 250 "not x" negations ~300 ms (each
 * negation adds a constraint the ranker checks on every candidate).
 * @example estimateAskCostMs("calm piano") // 41; estimateAskCostMs("x ".repeat(1000)) // 170
 */
export function estimateAskCostMs(text: string): number {
  const negations = text.match(/\b(?:not|no|without|except|but not|never)\b/gi)?.length ?? 0;
  return Math.round(40 + 0.065 * text.length + negations);
}

/** Options of {@link Admission}. */
export interface AdmissionOptions {
  /** Asks running at once (encoding + ranking). [maxConcurrent=32] */
  readonly maxConcurrent: number;
  /**
   * The longest the work already admitted may be predicted to take before a new ask starts (pending estimated ms
   * / measured rate); past it, 503 + retry-after. [maxDelayMs=1000]
   */
  readonly maxDelayMs?: number;
  /** An ask estimated above this is expensive: admitted only under half the delay bound, and waits behind cheap asks. [expensiveMs=100] */
  readonly expensiveMs?: number;
  /**
   * Estimated ms of work finished per ms of busy wall time, before it is measured. 1 is one request at a time at
   * the estimate's speed; the measured rate replaces it after the first busy window. [initialRate=1]
   */
  readonly initialRate?: number;
  /** How often the rate is re-measured, in ms of wall time (an exponential average of busy windows). [rateWindowMs=1000] */
  readonly rateWindowMs?: number;
}

/** Answered when the server is saturated: problem+json 503 with retry-after. */
export function overloaded(retryAfterSeconds: number, detail: string): HttpProblem {
  return new HttpProblem(503, "overloaded", detail, undefined, { "retry-after": String(retryAfterSeconds) });
}

/**
 * Bounded, cost-aware admission: `run(costMs, task)` runs the task when a slot is free, or throws a 503
 * {@link HttpProblem} at once when admitting it would exceed the pending-work bound.
 * @example const a = new Admission({ maxConcurrent: 2 }); await a.run(estimateAskCostMs(text), () => ranker.ask(text));
 */
export class Admission {
  private running = 0;
  private pendingMs = 0;
  private readonly cheap: (() => void)[] = [];
  private readonly expensive: (() => void)[] = [];
  private readonly maxDelayMs: number;
  private readonly expensiveMs: number;
  private readonly windowMs: number;
  /** Estimated ms finished per busy wall ms (measured). */
  private rateValue: number;
  private windowStart = performance.now();
  private windowDone = 0;
  private busyMs = 0;
  private busySince = 0;

  constructor(private readonly options: AdmissionOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError(`maxConcurrent must be an integer >= 1, got ${options.maxConcurrent}`);
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.expensiveMs = options.expensiveMs ?? 100;
    this.windowMs = options.rateWindowMs ?? 1000;
    this.rateValue = options.initialRate ?? 1;
  }

  /** Estimated ms of work admitted and not finished. */
  get pending(): number {
    return this.pendingMs;
  }

  /** Asks waiting for a slot. */
  get waiting(): number {
    return this.cheap.length + this.expensive.length;
  }

  /** Estimated ms of work the server finishes per ms while busy (as last measured). */
  get rate(): number {
    return this.rateValue;
  }

  async run<T>(costMs: number, task: () => Promise<T>): Promise<T> {
    const isExpensive = costMs > this.expensiveMs;
    // An idle server admits anything, so a single large request is never refused for its size alone.
    const bound = isExpensive ? this.maxDelayMs / 2 : this.maxDelayMs;
    const delay = (this.pendingMs + costMs) / this.rateValue;
    if (this.pendingMs > 0 && delay > bound) {
      const retry = Math.max(1, Math.ceil(this.pendingMs / this.rateValue / 1000));
      throw overloaded(retry, `the server is busy (about ${Math.round(this.pendingMs / this.rateValue)} ms of work ahead${isExpensive ? "; long requests are shed first" : ""}); retry in ${retry} s`);
    }
    this.pendingMs += costMs;
    try {
      if (this.running >= this.options.maxConcurrent) await new Promise<void>((resolve) => (isExpensive ? this.expensive : this.cheap).push(resolve));
      if (this.running++ === 0) this.busySince = performance.now();
      try {
        return await task();
      } finally {
        this.finished(costMs);
        // Cheap asks first: a long one waits, it does not make every short one behind it wait.
        (this.cheap.shift() ?? this.expensive.shift())?.();
      }
    } finally {
      this.pendingMs -= costMs;
    }
  }

  /** Books a finished task and, once per window, re-measures the rate over the time the server was busy. */
  private finished(costMs: number): void {
    const now = performance.now();
    this.windowDone += costMs;
    if (--this.running === 0) this.busyMs += now - this.busySince;
    if (now - this.windowStart < this.windowMs) return;
    const busy = this.busyMs + (this.running > 0 ? now - this.busySince : 0);
    // A window with next to no busy time says nothing about speed: keep the last rate.
    if (busy > this.windowMs / 10) this.rateValue = 0.5 * this.rateValue + 0.5 * Math.max(0.01, this.windowDone / busy);
    this.windowStart = now;
    this.windowDone = 0;
    this.busyMs = 0;
    if (this.running > 0) this.busySince = now;
  }
}

/** Routes never shed: liveness and readiness must answer while the server is busy, or an orchestrator kills it. */
const NEVER_SHED = new Set(["/healthz", "/readyz"]);

/**
 * The last line of defence (`@fastify/under-pressure`): when the event loop lags more than `maxEventLoopDelayMs`
 * (work that admission control did not see coming), every request but the health checks gets 503 + retry-after.
 */
export async function registerUnderPressure(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    retryAfter: 1,
    pressureHandler: async (request, _reply, type, value) => {
      if (NEVER_SHED.has(request.routeOptions.url ?? "")) return;
      throw overloaded(1, `the server is overloaded (${type} ${typeof value === "number" ? Math.round(value) : value}); retry in 1 s`);
    },
  });
}

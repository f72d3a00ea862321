/**
 * @file Admission control for asks: each request's cost is estimated from its text before any work starts; work
 * waiting or running is bounded in estimated milliseconds, so a burst is answered 503 + retry-after instead of
 * queueing without bound; expensive requests are shed first and cheap ones jump the queue, so short asks keep
 * their latency while long ones are shed or slowed.
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
   * Estimated ms of work admitted and not finished (running + waiting) beyond which asks are refused with 503.
   * On 2 cores, 4000 ms of queued work is ~2 s of wall time: past that a listener is better told to retry.
   * [maxPendingMs=4000]
   */
  readonly maxPendingMs?: number;
  /** An ask estimated above this is expensive: it is admitted only while pending work is under half the bound, and waits behind cheap asks. [expensiveMs=100] */
  readonly expensiveMs?: number;
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
  private readonly maxPendingMs: number;
  private readonly expensiveMs: number;

  constructor(private readonly options: AdmissionOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError(`maxConcurrent must be an integer >= 1, got ${options.maxConcurrent}`);
    this.maxPendingMs = options.maxPendingMs ?? 4000;
    this.expensiveMs = options.expensiveMs ?? 100;
  }

  /** Estimated ms of work admitted and not finished. */
  get pending(): number {
    return this.pendingMs;
  }

  /** Asks waiting for a slot. */
  get waiting(): number {
    return this.cheap.length + this.expensive.length;
  }

  async run<T>(costMs: number, task: () => Promise<T>): Promise<T> {
    const isExpensive = costMs > this.expensiveMs;
    // An idle server admits anything, so a single large request is never refused for its size alone.
    const bound = isExpensive ? this.maxPendingMs / 2 : this.maxPendingMs;
    if (this.pendingMs > 0 && this.pendingMs + costMs > bound) {
      const retry = Math.max(1, Math.ceil(this.pendingMs / 1000 / 2));
      throw overloaded(retry, `the server is busy (${Math.round(this.pendingMs)} ms of work queued${isExpensive ? "; long requests are shed first" : ""}); retry in ${retry} s`);
    }
    this.pendingMs += costMs;
    try {
      if (this.running >= this.options.maxConcurrent) await new Promise<void>((resolve) => (isExpensive ? this.expensive : this.cheap).push(resolve));
      this.running++;
      try {
        return await task();
      } finally {
        this.running--;
        // Cheap asks first: a long one waits, it does not make every short one behind it wait.
        (this.cheap.shift() ?? this.expensive.shift())?.();
      }
    } finally {
      this.pendingMs -= costMs;
    }
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

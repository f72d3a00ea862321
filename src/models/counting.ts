/**
 * @file The shared mechanics of the counting baselines (user-history, tag-popularity, history-tag, itemknn): a few
 * parameters chosen at fit time, statistics recomputed from the domain at load, dense scores row by row.
 * They are the strongest cheap signals a benchmark allows; every learned model is reported beside them.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../core/fs.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { csrRow, type CsrMatrix } from "../core/sparse.js";
import type { Domain } from "../domains/types.js";
import { DataError, InputError, ModelFitError } from "../errors.js";
import { rankByScoring } from "./rank.js";
import type { ContextUse, FitOptions, FitReport, RankedList, RankOptions, Recommender, RequestContext, ScoreComponents } from "./recommender.js";

/** A request's listening history as parallel arrays of dense item indices and weights (e.g. play counts). */
export interface History {
  readonly items: ArrayLike<number>;
  readonly weights: ArrayLike<number>;
}

const EMPTY: History = { items: [], weights: [] };

/**
 * The request's own `history` when it carries one (a fold-in user, an askmusic user's likes), else its user's row
 * of the domain's `interactions` (e.g. the Last.fm plays of a lfm2k-tagq user), else nothing.
 */
export function historyOf(request: RequestContext, interactions: CsrMatrix | undefined): History {
  if (request.history !== undefined && request.history.items.length > 0) {
    return { items: request.history.items, weights: request.history.weights ?? new Array<number>(request.history.items.length).fill(1) };
  }
  if (request.user !== undefined && interactions !== undefined && request.user >= 0 && request.user < interactions.rows) {
    const { indices, values } = csrRow(interactions, request.user);
    return { items: indices, weights: values };
  }
  return EMPTY;
}

/** The text key under which train requests are counted: trimmed, lowercased, inner spaces collapsed. */
export function textKey(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * Per normalised request text, how many train queries with that text list each item: the statistic a non-personal
 * model can learn by counting the pairs it is trained on.
 * @example trainCounts([{ qid: "a", text: "Rock", relevant: [2] }, { qid: "b", text: "rock ", relevant: [2, 5] }]).get("rock") // Map { 2 => 2, 5 => 1 }
 */
export function trainCounts(train: Domain["train"]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const q of train) {
    const key = textKey(q.text);
    let m = out.get(key);
    if (m === undefined) out.set(key, (m = new Map()));
    for (const it of q.relevant) m.set(it, (m.get(it) ?? 0) + 1);
  }
  return out;
}

/**
 * A tie-breaker below every real score difference: log1p(popularity) scaled into [0, `scale`]. Counting scores
 * differ by at least log(1 + 1/n) for counts up to n, so a scale of 1e-4 only orders items that tie.
 */
export function popularityTieBreak(popularity: Float32Array, scale = 1e-4): Float32Array {
  let max = 0;
  for (const p of popularity) max = Math.max(max, Math.log1p(Math.max(0, p)));
  return Float32Array.from(popularity, (p) => (max > 0 ? (scale * Math.log1p(Math.max(0, p))) / max : 0));
}

/** Validates a counting model's options; bad ones are an InputError naming the model and the field. */
export function parseParams<P>(model: string, schema: z.ZodType<P>, value: unknown): P {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(`bad ${model} options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** The domain's interactions, or a ModelFitError naming the model that needs them. */
export function requireInteractions(model: string, domain: Domain): CsrMatrix {
  const m = domain.interactions;
  if (m === undefined) throw new ModelFitError(`${model}: domain ${domain.name} has no interactions (listening histories) to count`);
  if (m.cols !== domain.items.ids.length) throw new ModelFitError(`${model}: domain ${domain.name} has interactions over ${m.cols} items, expected ${domain.items.ids.length}`);
  return m;
}

/**
 * Base class of the counting baselines. Subclasses bind their statistics to a domain (`bind`), may choose their few
 * parameters on the domain's selection set (`select`), and add one request's additive parts into a score row.
 * Saved form: `model.json` with the format, the chosen parameters and the item count; statistics are recomputed from
 * the domain at load (they are a pure function of it and the parameters).
 */
export abstract class CountingRecommender<P extends Record<string, unknown>> implements Recommender {
  abstract readonly name: string;
  abstract readonly context: ContextUse;
  /** The parameters in use (defaults until fit or load chose others). */
  protected params: P;
  private nItems = -1;

  protected constructor(
    defaults: P,
    private readonly paramsSchema: z.ZodType<P>,
  ) {
    this.params = defaults;
  }

  /** Computes the statistics of `domain` for the current parameters. */
  protected abstract bind(domain: Domain): void;

  /** Adds request `r`'s score of every item into `out` (length = items). */
  protected abstract scoreInto(request: RequestContext, out: Float32Array): void;

  /** The named additive parts of one item's score (they sum to it). */
  protected abstract partsOf(request: RequestContext, item: number): Record<string, number>;

  /**
   * Chooses parameters on `domain.val` (never the evaluated split); the default keeps the defaults. Returns notes for
   * the fit report.
   */
  protected async select(_domain: Domain, _options: FitOptions): Promise<Record<string, number | string>> {
    return {};
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    this.nItems = domain.items.ids.length;
    this.bind(domain);
    const notes = await this.select(domain, options);
    return { trainSeconds: (performance.now() - t0) / 1000, notes: { ...notes, ...stringifyParams(this.params) } };
  }

  async score(requests: readonly RequestContext[]): Promise<Matrix> {
    const n = this.requireFitted();
    const out = matrix(requests.length, n);
    requests.forEach((r, i) => this.scoreInto(r, out.data.subarray(i * n, (i + 1) * n)));
    return out;
  }

  async explain(request: RequestContext, item: number): Promise<ScoreComponents> {
    this.requireFitted();
    return { parts: this.partsOf(request, item) };
  }

  async save(dir: string): Promise<void> {
    const items = this.requireFitted();
    await writeFileAtomic(path.join(dir, "model.json"), JSON.stringify({ format: this.format, params: this.params, items }, null, 2));
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const file = path.join(dir, "model.json");
    const raw = await fs.readFile(file, "utf8").catch((cause) => {
      throw new DataError(`cannot read ${file}: save the ${this.name} model there first`, { path: file, cause });
    });
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (cause) {
      throw new DataError(`${file} is not valid JSON`, { path: file, cause });
    }
    const meta = z.object({ format: z.literal(this.format), params: this.paramsSchema, items: z.number().int() }).safeParse(json);
    if (!meta.success) throw new DataError(`${file} is not a ${this.format} model: ${meta.error.issues[0]?.path.join(".")}: ${meta.error.issues[0]?.message}`, { path: file });
    if (meta.data.items !== domain.items.ids.length) {
      throw new DataError(`${file} was saved for ${meta.data.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    this.params = meta.data.params as P;
    this.nItems = domain.items.ids.length;
    this.bind(domain);
  }

  dispose(): void {
    this.nItems = -1;
  }

  private get format(): string {
    return `askmusic/${this.name}@1`;
  }

  private requireFitted(): number {
    if (this.nItems < 0) throw new ModelFitError(`${this.name} model used before fit() or load()`);
    return this.nItems;
  }
}

function stringifyParams(p: Record<string, unknown>): Record<string, number | string> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === "number" ? v : String(v)]));
}

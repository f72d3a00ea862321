/**
 * @file EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a closed-form item-item
 * model, the strong simple baseline of collaborative filtering.
 */
import path from "node:path";
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { csrRow, type CsrMatrix } from "../../core/sparse.js";
import { spdInverse } from "../../core/spd.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import { rankByScoring } from "../rank.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { loadArrays, saveArrays } from "../tf/weights-io.js";
import { meanNdcgAtK } from "../validation.js";

const FORMAT = "askmusic/ease@1";

/**
 * The λ grid: factors of 2 from 25 to 400, where the optimum lies for a few thousand users x items with a few dozen
 * items each (Steck's 500 was for ML-20M's 136k users). Five values keep the fit near a minute on 2 shared cores
 * (one 2,823 x 2,823 inverse each, plus the refit); a choice at either edge is logged.
 */
export const EASE_LAMBDAS: readonly number[] = Object.freeze([25, 50, 100, 200, 400]);

/** EASE options. */
export const EaseOptionsSchema = z
  .object({
    /**
     * [lambdas=EASE_LAMBDAS] L2 weights to choose from by NDCG@100 on `domain.val` (each costs one n x n inverse:
     * 7–15 s for 2,823 items on this machine's 2 shared cores, see scripts/bench-ease.ts). One value: no selection.
     */
    lambdas: z.array(z.number().positive()).min(1).default([...EASE_LAMBDAS]),
    /**
     * ["all-training-users"] After λ is chosen on the selection users (held out from the fit), refit on every
     * training user (`domain.refitInteractions`, when the domain has it): 10% more data for one more inverse, the
     * usual last step once a hyperparameter is fixed. "fit-users" keeps the model λ was selected with.
     */
    refit: z.enum(["all-training-users", "fit-users"]).default("all-training-users"),
  })
  .strict();
export type EaseOptions = z.input<typeof EaseOptionsSchema>;

/**
 * Item-item weights B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, so diag(B) = 0 (an item never recommends
 * itself), for the binarised interaction rows X (each row: the distinct items with a value > 0). Returned as
 * float32 (rows = source item, cols = scored item), the form the model scores with and saves.
 * @example easeWeights([[0, 1], [1, 2]], 3, 1) // B with B[0][0] = 0 and B[0][1] > 0 (items 0 and 1 co-occur)
 */
export function easeWeights(rows: readonly (readonly number[])[], nItems: number, lambda: number): Float32Array {
  const p = spdInverse(gram(rows, nItems, lambda), nItems);
  const minusInvDiag = Float64Array.from({ length: nItems }, (_, j) => -1 / p[j * nItems + j]);
  const b = new Float32Array(nItems * nItems);
  for (let i = 0; i < nItems; i++) {
    for (let j = 0; j < nItems; j++) b[i * nItems + j] = p[i * nItems + j] * minusInvDiag[j];
    b[i * nItems + i] = 0;
  }
  return b;
}

/** XᵀX + λI (float64, row-major) for binary rows given as item lists. */
function gram(rows: readonly (readonly number[])[], n: number, lambda: number): Float64Array {
  const g = new Float64Array(n * n);
  for (const items of rows) for (const a of items) for (const b of items) g[a * n + b] += 1;
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  return g;
}

/** The binarised rows of a CSR matrix: each row's distinct columns with a value > 0. */
function binaryRows(m: CsrMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => {
    const { indices, values } = csrRow(m, r);
    return Array.from(indices).filter((_, k) => values[k] > 0);
  });
}

/**
 * EASE over a domain's training interactions. Scores for a request = Σ over its distinct history items h of B[h]:
 * the history is binarised like X, so `history.weights` (e.g. plays) are ignored, as are the words, the user, turns,
 * profile edits and adapters. λ is chosen from `lambdas` by NDCG@100 of the model's own ranking of `domain.val`
 * (each request's `exclude` masked), fitted on `domain.interactions` only; then, by default, refitted on every
 * training user with that λ (see `refit`).
 * @example
 * const m = new EaseRecommender(); await m.fit(domain, { seed: 42, log: console.log });
 * (await m.rank([{ text: "", history: { items: [12, 40] } }], { k: 10, exclude: [new Set([12, 40])] }))[0].items;
 */
export class EaseRecommender implements Recommender {
  readonly name = "ease";
  /** The listening history only (binarised). */
  readonly context: ContextUse = { uses: ["history"], needs: ["history"] };
  private readonly options: z.output<typeof EaseOptionsSchema>;
  private weights: Float32Array | undefined;
  private nItems = 0;
  private itemIds: readonly string[] = [];
  private lambda = Number.NaN;
  private domainName = "";

  constructor(options: EaseOptions = {}) {
    const parsed = EaseOptionsSchema.safeParse(options);
    if (!parsed.success) throw new InputError(`bad ease options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const log = options.log ?? (() => {});
    const n = domain.items.ids.length;
    const interactions = domain.interactions;
    if (interactions === undefined) throw new ModelFitError(`ease: domain ${domain.name} has no interactions (users x items) to fit on`);
    if (interactions.cols !== n) throw new ModelFitError(`ease: domain ${domain.name} has ${n} items but its interactions have ${interactions.cols} columns`);
    this.bind(domain);
    const fitRows = binaryRows(interactions);
    const { lambdas } = this.options;
    const notes: Record<string, number | string> = { items: n, fit_users: fitRows.length };

    let best = { lambda: lambdas[0], ndcg: Number.NaN, weights: undefined as Float32Array | undefined };
    if (lambdas.length > 1) {
      const selection = domain.val.filter((q) => q.relevant.length > 0 && (q.history?.items.length ?? 0) > 0);
      if (selection.length === 0) throw new ModelFitError(`ease: domain ${domain.name} has no selection request with a history and answers to choose λ from; pass one lambda`);
      for (const [step, lambda] of lambdas.entries()) {
        const t = performance.now();
        this.weights = easeWeights(fitRows, n, lambda);
        const seconds = (performance.now() - t) / 1000;
        const ndcg = await meanNdcgAtK(this, selection, domain, 100);
        log(`ease: λ=${lambda}: selection NDCG@100 ${ndcg.toFixed(4)} (${selection.length} requests; ${n}x${n} inverse in ${seconds.toFixed(1)} s)`);
        options.onProgress?.("ease: λ selection", step + 1, lambdas.length);
        // Ties keep the earlier (smaller) λ.
        if (Number.isNaN(best.ndcg) || ndcg > best.ndcg) best = { lambda, ndcg, weights: this.weights };
      }
      if (best.lambda === lambdas[0] || best.lambda === lambdas[lambdas.length - 1]) log(`ease: λ=${best.lambda} is at the edge of the grid [${lambdas.join(", ")}]`);
      notes.selection_ndcg100 = best.ndcg;
      notes.selection_requests = selection.length;
    }
    this.lambda = best.lambda;
    notes.lambda = best.lambda;

    const refit = this.options.refit === "all-training-users" ? domain.refitInteractions : undefined;
    if (refit !== undefined) {
      if (refit.cols !== n) throw new ModelFitError(`ease: domain ${domain.name}'s refitInteractions have ${refit.cols} columns for ${n} items`);
      const t = performance.now();
      this.weights = easeWeights(binaryRows(refit), n, best.lambda);
      log(`ease: refitted on all ${refit.rows} training users with λ=${best.lambda} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      notes.refit_users = refit.rows;
    } else {
      this.weights = best.weights ?? easeWeights(fitRows, n, best.lambda);
    }
    return { trainSeconds: (performance.now() - t0) / 1000, notes };
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const b = this.require();
    const n = this.nItems;
    const out = matrix(requests.length, n);
    requests.forEach((r, q) => {
      const row = out.data.subarray(q * n, (q + 1) * n);
      for (const h of this.historyOf(r, q)) {
        const source = b.subarray(h * n, (h + 1) * n);
        for (let j = 0; j < n; j++) row[j] += source[j];
      }
    });
    return out;
  }

  /** One part per history item (keyed "history:<item id>"): its weight towards `item`; they sum to the score. */
  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const b = this.require();
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) throw new InputError(`item ${item} is not an item of domain ${this.domainName}`, { field: "item" });
    const parts: Record<string, number> = {};
    for (const h of this.historyOf(request, 0)) parts[`history:${this.itemIds[h]}`] = b[h * this.nItems + item];
    return { parts };
  }

  async save(dir: string): Promise<void> {
    const b = this.require();
    const meta = { format: FORMAT, domain: this.domainName, items: this.nItems, lambda: this.lambda, options: this.options };
    await saveArrays(dir, meta, [{ name: "B", shape: [this.nItems, this.nItems], data: b }]);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const { meta, arrays } = await loadArrays(dir);
    const file = path.join(dir, "model.json");
    if (meta.format !== FORMAT) throw new DataError(`${file} is not an ease model (format ${String(meta.format)})`, { path: file, expected: FORMAT, actual: String(meta.format) });
    const n = domain.items.ids.length;
    const b = arrays.get("B");
    if (b === undefined || b.shape.length !== 2 || b.shape[0] !== n || b.shape[1] !== n) {
      throw new DataError(`${file} holds weights for ${String(meta.items)} items, domain ${domain.name} has ${n}: refit`, { path: file });
    }
    this.bind(domain);
    this.weights = b.data;
    this.lambda = Number(meta.lambda);
  }

  dispose(): void {
    this.weights = undefined;
  }

  private bind(domain: Domain): void {
    this.nItems = domain.items.ids.length;
    this.itemIds = domain.items.ids;
    this.domainName = domain.name;
  }

  /** The request's distinct history items, checked; a request without one cannot be ranked by EASE. */
  private historyOf(request: RequestContext, index: number): Set<number> {
    const items = request.history?.items ?? [];
    if (items.length === 0) throw new InputError(`ease ranks from a listening history, and request ${index} has none`, { field: "history" });
    for (const h of items) {
      if (!Number.isInteger(h) || h < 0 || h >= this.nItems) throw new InputError(`request ${index}: history item ${h} is not an item of domain ${this.domainName}`, { field: "history" });
    }
    return new Set(items);
  }

  private require(): Float32Array {
    if (this.weights === undefined) throw new ModelFitError("ease model used before fit() or load()");
    return this.weights;
  }
}

/**
 * @file JAM (Just Ask for Music): score = (user + request) · fused item, with AvgMixing, CrossMixing or MoEMixing
 * over frozen item modalities; BPR with sampled negatives, AdamW + cosine schedule, early stopping on NDCG@10.
 * The pieces, one job each: options.ts, fitted.ts + inputs.ts (what the model reads), training.ts, scoring.ts
 * (every item, with the fusion kernel of fusion.ts), io.ts (save, load, serving form), serving.ts (requests).
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";
import { tfReady } from "../tf/backend.js";
import { disposeFitted, type Fitted } from "./fitted.js";
import { jamToServing, loadJam, saveJam } from "./io.js";
import { DOMAIN_DEFAULTS, parseJamOptions, type JamOptions, type Mixing } from "./options.js";
import { JamScorer } from "./scoring.js";
import type { JamServing } from "./serving.js";
import { trainJam } from "./training.js";

export { userHistory } from "./fitted.js";
export { JAM_DEFAULTS, type JamOptions, type Mixing } from "./options.js";

/**
 * One JAM model: u = W_u·[x_user | history] + b_u (+ learned user ID vector), q = W_q·x_request + b_q, item modality
 * m: v_m = W_m·x_m + b_m (frozen x_m, PCA-reduced when wide) plus the learned `id` modality; score = (u + q) · fuse(v)
 * + item bias + Σ_f w_f · φ_f(request, item) (the pair prior over count features, pair-prior.ts), with
 * fuse = avg / cross / moe (see mixing.ts). Requests without a user get no user term.
 * `explain(request, item)` returns `parts`:
 * - `user`: Σ_m w_m (user·v_m), the user's share of the score (absent when the domain has no users or the request
 *   names none);
 * - `request`: Σ_m w_m (request·v_m);
 * - `bias`: the item bias (popularity prior + learned per-item bias; absent with itemBias "none");
 * - `history`, `cooccurrence`, `tagged`: the pair prior's terms (pair-prior.ts), each w_f · log(1 + count), present
 *   when the model was fit with that feature;
 * and `modalityWeights`: the fusion weight w_m of each modality for this (request, item) pair, in [0, 1], summing
 * to 1 over modalities. They are not additive: the score is user + request + bias, and the weights say how the
 * item's modalities were mixed to get it.
 * @example
 * const m = createJam("cross"); await m.fit(domain, { seed: 42 });
 * await m.explain({ text: "80s", user: 3 }, 10)
 * // { parts: { user: 0.8, request: 2.1, bias: -0.3 }, modalityWeights: { cf: 0.2, tagtext: 0.61, name: 0.19 } }
 */
export class JamRecommender implements Recommender {
  /**
   * The words, the user (when the domain has users) and, once fit with the pair prior's `history` feature, a
   * listening history; turns, profile and adapter are ignored.
   */
  get context(): ContextUse {
    const history = this.scorer?.fitted.pair?.features.includes("history") === true;
    return { uses: history ? ["text", "user", "history"] : ["text", "user"], needs: ["text"] };
  }
  readonly name: string;
  readonly mixing: Mixing;
  private options: JamOptions;
  /** Options as given; fit() lays them over the fitted domain's defaults (DOMAIN_DEFAULTS). */
  private readonly requested: Readonly<Record<string, unknown>>;
  private scorer: JamScorer | undefined;

  constructor(mixing: Mixing, options: Readonly<Record<string, unknown>> = {}) {
    this.mixing = mixing;
    this.name = `jam-${mixing}`;
    this.requested = options;
    this.options = parseJamOptions(options); // validates now: bad options fail before any data loads
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    await tfReady();
    const t0 = performance.now();
    this.dispose();
    this.options = parseJamOptions({ ...DOMAIN_DEFAULTS[domain.name], ...this.requested });
    try {
      return await trainJam(
        {
          name: this.name,
          mixing: this.mixing,
          options: this.options,
          model: this,
          adopt: (fitted) => this.adopt(fitted),
          invalidate: () => this.scorer?.invalidate(),
        },
        domain,
        fitOptions,
        t0,
      );
    } catch (err) {
      this.dispose(); // never leave a half-fitted model (or its tensors) behind
      throw err;
    }
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const scorer = this.requireFitted();
    if (requests.length === 0) return matrix(0, scorer.fitted.domain.items.ids.length);
    return scorer.score(requests);
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const scorer = this.requireFitted();
    const n = scorer.fitted.domain.items.ids.length;
    if (!Number.isInteger(item) || item < 0 || item >= n) throw new InputError(`${this.name}: item index ${item} is outside 0..${n - 1}`, { field: "item" });
    return scorer.explain(request, item);
  }

  /**
   * The fitted model in serving form (plain arrays, no TF.js; see serving.ts). `training` is stored with it for
   * display.
   */
  toServing(training: Readonly<Record<string, unknown>> = {}): JamServing {
    return jamToServing(this.name, this.mixing, this.options, this.requireFitted(), training);
  }

  async save(dir: string): Promise<void> {
    await saveJam(dir, this.name, this.mixing, this.options, this.requireFitted().fitted);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    await tfReady();
    const { options, fitted } = await loadJam(dir, this.name, domain);
    this.dispose();
    this.options = options;
    this.adopt(fitted);
  }

  dispose(): void {
    if (this.scorer !== undefined) {
      this.scorer.invalidate();
      disposeFitted(this.scorer.fitted);
    }
    this.scorer = undefined;
  }

  private adopt(fitted: Fitted): void {
    this.scorer = new JamScorer(this.name, this.mixing, this.options, fitted);
  }

  private requireFitted(): JamScorer {
    if (this.scorer === undefined) throw new ModelFitError(`${this.name} model used before fit() or load()`);
    return this.scorer;
  }
}

/**
 * Creates an unfitted JAM model with the given fusion (options over {@link JAM_DEFAULTS}).
 * @example createJam("cross", { dims: 64 }).name // "jam-cross"
 */
export function createJam(mixing: Mixing, options: Readonly<Record<string, unknown>> = {}): JamRecommender {
  return new JamRecommender(mixing, options);
}

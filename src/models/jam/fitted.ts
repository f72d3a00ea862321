/**
 * @file What a fitted (or loaded) JAM model reads: its frozen input tensors (item modalities, users with their
 * history block), the input transforms, and fresh parameters shaped for them.
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { ModelFitError } from "../../errors.js";
import { tf } from "../tf/backend.js";
import { applyTransform, popularityFeature, transformedDims, type InputTransform } from "./inputs.js";
import type { JamOptions, Mixing } from "./options.js";
import type { PairFeature, PairTables } from "../pair-features.js";
import { pairTables } from "../pair-features.js";
import { pairFeaturesWithData, type PairPrior } from "../pair-prior.js";
import { JamParams, type ParamShapes } from "./params.js";

/** Everything a fitted (or loaded) model holds besides its optimizer state. */
export interface Fitted {
  readonly domain: Domain;
  readonly features: string[];
  readonly itemT: InputTransform[];
  readonly requestT: InputTransform;
  readonly userT: InputTransform | undefined;
  readonly requestDims: number;
  /** Frozen, transformed item inputs per modality (rows = items). */
  readonly itemX: tf.Tensor2D[];
  /** Frozen user inputs (rows = users, plus one zero row for requests without a user); undefined: no users. */
  readonly userX: tf.Tensor2D | undefined;
  readonly popularity: Float32Array;
  readonly params: JamParams;
  /** The user-history block appended to the user input (rows = users), when options.userHistory. */
  readonly history: Matrix | undefined;
  /** The pair prior's features (those of options.pairFeatures the domain has data for) and count tables. */
  readonly pair: { readonly features: readonly PairFeature[]; readonly tables: PairTables } | undefined;
}

/** The pair prior with the current weights, or undefined when the model has none. */
export function pairPrior(f: Fitted): PairPrior | undefined {
  if (f.pair === undefined || f.params.pairW === undefined) return undefined;
  return { ...f.pair, weights: Float32Array.from(f.params.pairW.dataSync()) };
}

/** The transforms and sizes {@link bindInputs} builds tensors for (fit computes them; load reads them). */
export interface InputPlan {
  readonly features: string[];
  readonly itemT: InputTransform[];
  readonly requestT: InputTransform;
  readonly userT: InputTransform | undefined;
  readonly requestDims: number;
  /** A saved user-history block (load); absent: computed from the domain's training queries when options ask for it. */
  readonly savedHistory?: Matrix;
}

/** Trained users in the fitted model (the user input has one extra zero row for requests without a user). */
export function userCount(f: Fitted): number {
  return f.userX !== undefined ? f.userX.shape[0] - 1 : 0;
}

/** The item modalities a model fits on: `options.itemFeatures`, or every feature of the domain. */
export function resolveFeatures(name: string, options: JamOptions, domain: Domain): string[] {
  const known = Object.keys(domain.items.features);
  const wanted = options.itemFeatures ?? known;
  if (wanted.length === 0) throw new ModelFitError(`${name}: domain ${domain.name} has no item features`);
  for (const f of wanted) {
    const m = domain.items.features[f];
    if (m === undefined) throw new ModelFitError(`${name}: domain ${domain.name} has no items.features.${f}; known: ${known.join(", ")}`);
    if (m.rows !== domain.items.ids.length) throw new ModelFitError(`${name}: items.features.${f} has ${m.rows} rows, expected ${domain.items.ids.length}`);
  }
  return wanted;
}

/** The user input matrix, or undefined when the domain has no users. */
export function userMatrix(name: string, options: JamOptions, domain: Domain): Matrix | undefined {
  if (domain.users.ids.length === 0) return undefined;
  const m = domain.users.features[options.userFeature];
  if (m === undefined) throw new ModelFitError(`${name}: domain ${domain.name} has users but no users.features.${options.userFeature}; known: ${Object.keys(domain.users.features).join(", ")}`);
  if (m.rows !== domain.users.ids.length) throw new ModelFitError(`${name}: users.features.${options.userFeature} has ${m.rows} rows, expected ${domain.users.ids.length}`);
  return m;
}

/** Builds the frozen input tensors of `plan` over `domain` and fresh parameters (seeded) shaped for them. */
export function bindInputs(name: string, mixing: Mixing, options: JamOptions, domain: Domain, plan: InputPlan, seed: number): Fitted {
  const o = options;
  const { features, itemT, userT } = plan;
  const itemMats = features.map((f, k) => applyTransform(domain.items.features[f], itemT[k]));
  const itemX = itemMats.map((m) => tf.tensor2d(m.data, [m.rows, m.cols]));
  const users = userMatrix(name, options, domain);
  let userX: tf.Tensor2D | undefined;
  let history: Matrix | undefined;
  if (users !== undefined && userT !== undefined) {
    const m = applyTransform(users, userT);
    history = o.userHistory ? (plan.savedHistory ?? userHistory(domain, itemMats)) : undefined;
    const cols = m.cols + (history?.cols ?? 0);
    const withZero = new Float32Array((m.rows + 1) * cols);
    for (let u = 0; u < m.rows; u++) {
      withZero.set(m.data.subarray(u * m.cols, (u + 1) * m.cols), u * cols);
      if (history !== undefined) withZero.set(history.data.subarray(u * history.cols, (u + 1) * history.cols), u * cols + m.cols);
    }
    userX = tf.tensor2d(withZero, [m.rows + 1, cols]);
  }
  const pairFeatures = pairFeaturesWithData(domain, o.pairFeatures);
  const pair = pairFeatures.length > 0 ? { features: pairFeatures, tables: pairTables(domain) } : undefined;
  const shapes: ParamShapes = {
    dims: o.dims,
    itemInputs: itemX.map((x) => x.shape[1]),
    requestInput: transformedDims(plan.requestDims, plan.requestT),
    userInput: userX?.shape[1],
    gate: mixing === "moe",
    popularityWeight: o.itemBias !== "none",
    itemBiases: o.itemBias === "learned" ? domain.items.ids.length : 0,
    itemIds: o.idEmbeddings === "items" || o.idEmbeddings === "both" ? domain.items.ids.length : 0,
    userIds: userX !== undefined && (o.idEmbeddings === "users" || o.idEmbeddings === "both") ? userX.shape[0] - 1 : 0,
    pairFeatures: pairFeatures.length,
  };
  const params = new JamParams(shapes, features, seed);
  return { domain, features, itemT, requestT: plan.requestT, userT, requestDims: plan.requestDims, itemX, userX, history, popularity: popularityFeature(domain.items.popularity), params, pair };
}

/** Frees the tensors of a fitted model. */
export function disposeFitted(f: Fitted): void {
  f.params.dispose();
  f.itemX.forEach((t) => t.dispose());
  f.userX?.dispose();
}

/**
 * Each user's history block: per frozen item modality, the mean of the (transformed) inputs of the items that user's
 * TRAINING queries list as relevant (domain.train only: the selection set and evaluated splits never enter), each
 * block then scaled to mean row norm 1 over users with a history. Users without training queries get zeros.
 * rows = users, cols = Σ modality widths.
 */
export function userHistory(domain: Domain, itemInputs: readonly Matrix[]): Matrix {
  const nUsers = domain.users.ids.length;
  const counts = Array.from({ length: nUsers }, () => new Map<number, number>());
  for (const q of domain.train) {
    if (q.user === undefined || q.user < 0 || q.user >= nUsers) continue;
    for (const it of q.relevant) counts[q.user].set(it, (counts[q.user].get(it) ?? 0) + 1);
  }
  const cols = itemInputs.reduce((c, m) => c + m.cols, 0);
  const out = matrix(nUsers, cols);
  let off = 0;
  for (const m of itemInputs) {
    let normSum = 0;
    let withHistory = 0;
    for (let u = 0; u < nUsers; u++) {
      let total = 0;
      for (const n of counts[u].values()) total += n;
      if (total === 0) continue;
      const dst = u * cols + off;
      for (const [it, n] of counts[u]) for (let j = 0; j < m.cols; j++) out.data[dst + j] += (n / total) * m.data[it * m.cols + j];
      let norm = 0;
      for (let j = 0; j < m.cols; j++) norm += out.data[dst + j] ** 2;
      normSum += Math.sqrt(norm);
      withHistory++;
    }
    const scale = withHistory > 0 && normSum > 0 ? withHistory / normSum : 1;
    for (let u = 0; u < nUsers; u++) for (let j = 0; j < m.cols; j++) out.data[u * cols + off + j] *= scale;
    off += m.cols;
  }
  return out;
}

/** Modality names in fusion order: the frozen features, then `id` when items have learned ID embeddings. */
export function modalityNames(f: Fitted): string[] {
  return f.params.itemEmb !== undefined ? [...f.features, "id"] : f.features;
}

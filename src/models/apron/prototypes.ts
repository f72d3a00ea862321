/**
 * @file APRON's prototypes: the K most frequent tags of a domain's training tags, each with an exemplar item a person
 * can listen to and a vector in the items' collaborative-filtering space, computed from training interactions only.
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import { csrRow, type CsrMatrix } from "../../core/sparse.js";
import type { Domain } from "../../domains/types.js";
import { ModelFitError } from "../../errors.js";
import { cfEmbeddings } from "../../representations/cf.js";

/** [80] Prototypes per profile (the paper's K). */
export const DEFAULT_PROTOTYPES = 80;

/** One prototype as a listener sees it. */
export interface Prototype {
  readonly tag: string;
  /** How often the training data gave the tag (its rank among prototypes is by this count). */
  readonly count: number;
  /** Dense index of the exemplar item: the most-played item carrying the tag. */
  readonly exemplar: number;
}

/** The prototypes of a domain, with what a model and a metric need about them. */
export interface Prototypes {
  readonly list: readonly Prototype[];
  /**
   * rows = items, cols = prototypes: how often item i was given prototype k's tag in training data (0 = the item
   * does not carry it). The controllability loss and Delta@20 read "carries" as a count > 0.
   */
  readonly membership: Matrix;
}

/**
 * Per-item listening mass from training data only: the sum of each item's interaction values (plays) over the
 * domain's fit users, or its popularity when the domain has no interactions.
 */
export function itemPlays(domain: Domain): Float64Array {
  const n = domain.items.ids.length;
  const out = new Float64Array(n);
  const x = domain.interactions;
  if (x === undefined) {
    domain.items.popularity.forEach((p, i) => (out[i] = p));
    return out;
  }
  for (let k = 0; k < x.indices.length; k++) out[x.indices[k]] += x.values[k];
  return out;
}

/**
 * The `k` most frequent tags of `domain.items.tagCounts` (total count over items; ties by vocabulary order), each
 * with its exemplar (the item carrying the tag with the most plays, ties by lower index) and the items carrying it.
 * Fewer than `k` come back when the vocabulary is smaller.
 * @throws ModelFitError when the domain has no training tags.
 * @example buildPrototypes(domain, 80).list[0] // { tag: "rock", count: 4120, exemplar: 57 }
 */
export function buildPrototypes(domain: Domain, k = DEFAULT_PROTOTYPES): Prototypes {
  const tc = domain.items.tagCounts;
  if (tc === undefined || tc.vocabulary.length === 0) throw new ModelFitError(`domain ${domain.name} has no training tags to make prototypes of`);
  const { vocabulary, counts } = tc;
  const n = domain.items.ids.length;
  if (counts.rows !== n) throw new ModelFitError(`domain ${domain.name}: tagCounts has ${counts.rows} rows for ${n} items`);
  const totals = new Float64Array(vocabulary.length);
  for (let j = 0; j < counts.indices.length; j++) totals[counts.indices[j]] += counts.values[j];
  const chosen = Array.from(vocabulary.keys())
    .filter((t) => totals[t] > 0)
    .sort((a, b) => totals[b] - totals[a] || a - b)
    .slice(0, k);
  const slot = new Map(chosen.map((t, p) => [t, p]));
  const membership = matrix(n, chosen.length);
  for (let i = 0; i < n; i++) {
    const { indices, values } = csrRow(counts, i);
    indices.forEach((t, j) => {
      const p = slot.get(t);
      if (p !== undefined) membership.data[i * chosen.length + p] = values[j];
    });
  }
  const plays = itemPlays(domain);
  const exemplar = new Int32Array(chosen.length).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < chosen.length; p++) {
      if (membership.data[i * chosen.length + p] > 0 && (exemplar[p] < 0 || plays[i] > plays[exemplar[p]])) exemplar[p] = i;
    }
  }
  return { list: chosen.map((t, p) => ({ tag: vocabulary[t], count: totals[t], exemplar: exemplar[p] })), membership };
}

/**
 * Item vectors from training interactions only: a truncated SVD of the fit users' binarised interactions
 * (`domain.interactions`; never `refitInteractions`, never a held-out user), items = V·sqrt(S), rows scaled to unit
 * length so popular items do not dominate the prototypes' means. rows = items, cols = `dims`.
 * @throws ModelFitError when the domain has no interactions.
 */
export function itemFeatures(domain: Domain, dims: number, seed: number): Matrix {
  const x: CsrMatrix | undefined = domain.interactions;
  if (x === undefined) throw new ModelFitError(`domain ${domain.name} has no training interactions to compute item features from`);
  const entries = [];
  for (let r = 0; r < x.rows; r++) {
    for (let k = x.indptr[r]; k < x.indptr[r + 1]; k++) if (x.values[k] > 0) entries.push({ row: r, col: x.indices[k], value: 1 });
  }
  const d = Math.min(dims, x.rows, x.cols);
  const { cols } = cfEmbeddings(entries, x.rows, x.cols, d, { seed });
  for (let i = 0; i < cols.rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += cols.data[i * d + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-10); // items nobody played keep a zero vector
    for (let j = 0; j < d; j++) cols.data[i * d + j] *= inv;
  }
  return cols;
}

/**
 * Each prototype's vector: the count-weighted mean of the feature rows of the items carrying its tag. rows =
 * prototypes, cols = features' cols.
 * @example prototypeVectors(p.membership, itemFeatures(domain, 64, 42)) // 80 x 64
 */
export function prototypeVectors(membership: Matrix, features: Matrix): Matrix {
  const k = membership.cols;
  const d = features.cols;
  const out = matrix(k, d);
  const mass = new Float64Array(k);
  for (let i = 0; i < membership.rows; i++) {
    for (let p = 0; p < k; p++) {
      const c = membership.data[i * k + p];
      if (c === 0) continue;
      mass[p] += c;
      for (let j = 0; j < d; j++) out.data[p * d + j] += c * features.data[i * d + j];
    }
  }
  for (let p = 0; p < k; p++) if (mass[p] > 0) for (let j = 0; j < d; j++) out.data[p * d + j] /= mass[p];
  return out;
}

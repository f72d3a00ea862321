/**
 * @file The pair prior a trained ranker adds to its score: Σ_f w_f · φ_f(request, item) over the count features of
 * pair-features.ts (listening history, train co-occurrence, the listener's earlier choices), with weights learned
 * jointly with the rest of the model. Each term is a named score part, so an answer shows how much of an item's
 * score came from the listener's plays or from what trained requests with these words chose.
 * Scoring here is plain JS over sparse tables: the same code scores evaluation batches and served requests.
 */
import { csrFromEntries, csrRow, type CsrMatrix, type SparseEntry } from "../core/sparse.js";
import type { Domain } from "../domains/types.js";
import { DataError } from "../errors.js";
import type { NamedArray } from "./tf/weights-io.js";
import { PAIR_FEATURES, pairCounts, pairTablesFrom, type PairFeature, type PairTables } from "./pair-features.js";
import type { RequestContext } from "./recommender.js";

/** A trained prior: which features it reads (in {@link PAIR_FEATURES} order), their weights, and the tables. */
export interface PairPrior {
  readonly features: readonly PairFeature[];
  /** One weight per entry of `features`. */
  readonly weights: Float32Array;
  readonly tables: PairTables;
}

/**
 * The features among `wanted` that the domain has data for: `history` needs interactions (or requests that carry a
 * history, which training cannot see), `tagged` needs train queries with users, `cooccurrence` any train query.
 * A feature without data would be all zeros in training: its weight would stay at its initial value and mean nothing.
 * @example pairFeaturesWithData(jamendoDomain, ["history", "cooccurrence"]) // ["cooccurrence"] (no listening data)
 */
export function pairFeaturesWithData(domain: Domain, wanted: readonly PairFeature[]): PairFeature[] {
  const has: Record<PairFeature, boolean> = {
    history: domain.interactions !== undefined && domain.interactions.indices.length > 0,
    cooccurrence: domain.train.some((q) => q.relevant.length > 0),
    tagged: domain.train.some((q) => q.user !== undefined && q.relevant.length > 0),
  };
  return PAIR_FEATURES.filter((f) => wanted.includes(f) && has[f]);
}

/** Column of each feature in pair-features.ts's rows (its PAIR_FEATURES order). */
export function featureColumns(features: readonly PairFeature[]): Int32Array {
  return Int32Array.from(features, (f) => PAIR_FEATURES.indexOf(f));
}

/**
 * The prior's non-zero terms for one request, sparse: item → per-feature term (w_f · φ_f). Only items with a count
 * (the request's support) can have one, so served requests never touch the rest of the catalog.
 */
export function priorTerms(prior: PairPrior, request: RequestContext): Map<number, Float32Array> {
  const F = prior.features.length;
  const all = pairCounts(prior.tables, request);
  const out = new Map<number, Float32Array>();
  prior.features.forEach((feature, f) => {
    const w = prior.weights[f];
    for (const [it, n] of all[PAIR_FEATURES.indexOf(feature)]) {
      if (n <= 0) continue;
      let row = out.get(it);
      if (row === undefined) out.set(it, (row = new Float32Array(F)));
      row[f] = w * Math.log1p(n);
    }
  });
  return out;
}

/** Σ_f of each item's {@link priorTerms}: item → prior score. */
export function sumTerms(terms: ReadonlyMap<number, Float32Array>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [it, row] of terms) out.set(it, row.reduce((a, b) => a + b, 0));
  return out;
}

/** Σ_f of {@link priorTerms}: item → prior score. */
export function priorScores(prior: PairPrior, request: RequestContext): Map<number, number> {
  return sumTerms(priorTerms(prior, request));
}

/** Adds the prior of `request` to a dense row of scores (one entry per item). */
export function addPrior(prior: PairPrior, request: RequestContext, scores: Float32Array): void {
  for (const [it, s] of priorScores(prior, request)) scores[it] += s;
}

/** One item's terms (a row of {@link priorTerms}, or none) as named parts: one entry per feature, 0 without a count. */
export function termParts(features: readonly PairFeature[], row: Float32Array | undefined): Record<string, number> {
  const parts: Record<string, number> = {};
  features.forEach((feature, f) => (parts[feature] = row?.[f] ?? 0));
  return parts;
}

/** The prior's named parts of one item's score: one entry per feature (0 when the pair has no count). */
export function priorParts(prior: PairPrior, request: RequestContext, item: number): Record<string, number> {
  return termParts(prior.features, priorTerms(prior, request).get(item));
}

/**
 * The tables a prior with these features reads, as named arrays and the phrases they are keyed by (for a serving
 * form on disk). Only the tables the features use are stored: the co-occurrence of every train phrase is large.
 * Sparse tables go as CSR triples (float32 holds their indices exactly below 2^24).
 */
export function tablesToArrays(prior: PairPrior, users: number): { arrays: NamedArray[]; phrases: string[] } {
  const t = prior.tables;
  const arrays: NamedArray[] = [{ name: "pair/w", shape: [prior.weights.length], data: prior.weights }];
  const csr = (name: string, m: CsrMatrix) => {
    arrays.push({ name: `${name}/indptr`, shape: [m.indptr.length], data: Float32Array.from(m.indptr) });
    arrays.push({ name: `${name}/indices`, shape: [m.indices.length], data: Float32Array.from(m.indices) });
    arrays.push({ name: `${name}/values`, shape: [m.values.length], data: m.values });
  };
  let phrases: string[] = [];
  if (prior.features.includes("history") && t.plays !== undefined) csr("pair/plays", t.plays);
  if (prior.features.includes("cooccurrence")) {
    phrases = [...t.cooccurrence.keys()].sort();
    csr("pair/cooccurrence", mapsToCsr(phrases.map((p) => t.cooccurrence.get(p)!), t.items));
  }
  if (prior.features.includes("tagged")) csr("pair/tagged", mapsToCsr(Array.from({ length: users }, (_, u) => t.tagged.get(u) ?? new Map()), t.items));
  return { arrays, phrases };
}

/**
 * Reads what {@link tablesToArrays} wrote; a missing or inconsistent table is a DataError naming `file`.
 */
export function tablesFromArrays(
  features: readonly PairFeature[],
  phrases: readonly string[],
  items: number,
  users: number,
  arrays: ReadonlyMap<string, NamedArray>,
  file: string,
): PairPrior {
  const get = (name: string): Float32Array => {
    const a = arrays.get(name);
    if (a === undefined) throw new DataError(`${file}: array ${name} is missing (the prior reads ${features.join(", ")})`, { path: file });
    return a.data;
  };
  const csr = (name: string, rows: number): CsrMatrix => {
    const indptr = Int32Array.from(get(`${name}/indptr`));
    const indices = Int32Array.from(get(`${name}/indices`));
    const values = get(`${name}/values`);
    if (indptr.length !== rows + 1 || indices.length !== values.length || indptr[rows] !== indices.length) {
      throw new DataError(`${file}: ${name} is not a ${rows}-row sparse table (indptr ${indptr.length}, indices ${indices.length}, values ${values.length})`, { path: file });
    }
    return { rows, cols: items, indptr, indices, values };
  };
  const weights = get("pair/w");
  if (weights.length !== features.length) throw new DataError(`${file}: pair/w has ${weights.length} weights for ${features.length} features`, { path: file });
  // The plays table has a row per user of the listening data, which need not be the trained users.
  const plays = features.includes("history") && arrays.has("pair/plays/indptr") ? csr("pair/plays", get("pair/plays/indptr").length - 1) : undefined;
  const cooccurrence = new Map<string, Map<number, number>>();
  if (features.includes("cooccurrence")) {
    const m = csr("pair/cooccurrence", phrases.length);
    phrases.forEach((p, r) => cooccurrence.set(p, rowMap(m, r)));
  }
  const tagged = new Map<number, Map<number, number>>();
  if (features.includes("tagged")) {
    const m = csr("pair/tagged", users);
    for (let u = 0; u < users; u++) if (m.indptr[u + 1] > m.indptr[u]) tagged.set(u, rowMap(m, u));
  }
  return { features, weights, tables: pairTablesFrom({ items, plays, cooccurrence, tagged }) };
}

function mapsToCsr(rows: readonly ReadonlyMap<number, number>[], cols: number): CsrMatrix {
  const entries: SparseEntry[] = [];
  rows.forEach((m, row) => m.forEach((value, col) => entries.push({ row, col, value })));
  return csrFromEntries(rows.length, cols, entries);
}

function rowMap(m: CsrMatrix, r: number): Map<number, number> {
  const { indices, values } = csrRow(m, r);
  return new Map(Array.from(indices, (it, k) => [it, values[k]]));
}

/**
 * @file In-memory Catalog for tests of upper layers: brute-force cosine, a small BM25, the shared filter semantics.
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import { topK } from "../../core/topk.js";
import { InputError } from "../../errors.js";
import { DenseIndex } from "./dense-index.js";
import {
  checkK,
  checkVector,
  matchesFilter,
  normalizeFilter,
  type Catalog,
  type CatalogBatch,
  type CatalogInfo,
  type CatalogItem,
  type TextSearchOptions,
  type VectorSearchOptions,
} from "../catalog.js";

/** Lower-cased letter/digit runs: the tokenizer of the in-memory BM25. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** BM25 parameters (the usual defaults). */
const K1 = 1.2;
const B = 0.75;

/**
 * A Catalog held in memory. Same contract as the LanceDB one; exact search by brute force.
 * @example
 * const c = MemoryCatalog.fromBatches("t", "fake-8", [{ items, vectors: { tagtext } }]);
 * await c.vectorSearch(q, { column: "tagtext", k: 3 }) // 3 nearest, ascending distance
 */
export class MemoryCatalog implements Catalog {
  readonly name: string;
  private readonly items: readonly CatalogItem[];
  private readonly byId: Map<string, number>;
  private readonly vecs: Record<string, Matrix>;
  private readonly meta: CatalogInfo;
  /** term → its documents and each one's full BM25 contribution (idf included): scoring is then one add per posting. */
  private readonly postings = new Map<string, { docs: Int32Array; weights: Float64Array }>();
  private readonly dense: Record<string, DenseIndex> = {};
  private bm25Scratch: Float64Array | undefined;

  constructor(name: string, items: readonly CatalogItem[], vectors: Readonly<Record<string, Matrix>>, encoderId = "none") {
    const columns = Object.keys(vectors);
    if (columns.length === 0) throw new InputError(`catalog "${name}" needs at least one vector column`);
    this.name = name;
    this.items = items;
    this.byId = new Map(items.map((it, i) => [it.id, i]));
    if (this.byId.size !== items.length) throw new InputError(`catalog "${name}" has duplicate item ids`);
    this.vecs = { ...vectors };
    for (const [c, m] of Object.entries(vectors)) {
      if (m.rows !== items.length) throw new InputError(`vector column "${c}" has ${m.rows} rows for ${items.length} items`);
    }
    this.meta = Object.freeze({
      name,
      version: "memory",
      count: items.length,
      encoderId,
      vectorColumns: Object.freeze(Object.fromEntries(Object.entries(vectors).map(([c, m]) => [c, m.cols]))),
      defaultVectorColumn: columns[0],
      builtAt: new Date(0).toISOString(),
    });
    const docLen = new Uint32Array(items.length);
    const raw = new Map<string, { doc: number; tf: number }[]>();
    items.forEach((it, doc) => {
      const toks = tokenize(it.text);
      docLen[doc] = toks.length;
      const tf = new Map<string, number>();
      for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        let list = raw.get(t);
        if (!list) raw.set(t, (list = []));
        list.push({ doc, tf: n });
      }
    });
    const n = items.length;
    const avgLen = n > 0 ? docLen.reduce((a, b) => a + b, 0) / n : 0;
    for (const [t, list] of raw) {
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      this.postings.set(t, {
        docs: Int32Array.from(list, (p) => p.doc),
        weights: Float64Array.from(list, ({ doc, tf }) => (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * docLen[doc]) / (avgLen || 1)))),
      });
    }
  }

  /** Concatenates build batches (the same input the LanceDB builder takes) into one MemoryCatalog. */
  static fromBatches(name: string, encoderId: string, batches: Iterable<CatalogBatch>): MemoryCatalog {
    const items: CatalogItem[] = [];
    const parts: Record<string, Matrix[]> = {};
    for (const b of batches) {
      items.push(...b.items);
      for (const [c, m] of Object.entries(b.vectors)) (parts[c] ??= []).push(m);
    }
    const vectors: Record<string, Matrix> = {};
    for (const [c, ms] of Object.entries(parts)) {
      const cols = ms[0].cols;
      const out = matrix(ms.reduce((s, m) => s + m.rows, 0), cols);
      let off = 0;
      for (const m of ms) {
        out.data.set(m.data, off);
        off += m.data.length;
      }
      vectors[c] = out;
    }
    return new MemoryCatalog(name, items, vectors, encoderId);
  }

  info(): CatalogInfo {
    return this.meta;
  }

  async count(): Promise<number> {
    return this.items.length;
  }

  async get(ids: readonly string[]): Promise<CatalogItem[]> {
    return ids.flatMap((id) => {
      const i = this.byId.get(id);
      return i === undefined ? [] : [this.items[i]];
    });
  }

  async vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<{ item: CatalogItem; distance: number }[]> {
    checkK(opts.k);
    checkVector(this.meta, vector, opts.column);
    const filter = normalizeFilter(opts.filter);
    // Built on first use per column: tests that never search a column pay nothing for it.
    const index = (this.dense[opts.column] ??= DenseIndex.build(this.vecs[opts.column]));
    return index
      .search(vector, opts.k, (i) => matchesFilter(this.items[i], filter))
      .map(({ row, score }) => ({ item: this.items[row], distance: Math.min(2, Math.max(0, 1 - score)) }));
  }

  async textSearch(query: string, opts: TextSearchOptions): Promise<{ item: CatalogItem; score: number }[]> {
    checkK(opts.k);
    const terms = [...new Set(tokenize(query))];
    if (terms.length === 0) return [];
    const filter = normalizeFilter(opts.filter);
    // Dense accumulators + a touched list: a common term's posting list can hold tens of thousands of documents.
    const scores = (this.bm25Scratch ??= new Float64Array(this.items.length));
    const touched: number[] = [];
    for (const t of terms) {
      const list = this.postings.get(t);
      if (!list) continue;
      const { docs, weights } = list;
      for (let p = 0; p < docs.length; p++) {
        const doc = docs[p];
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] += weights[p];
      }
    }
    touched.sort((a, b) => a - b); // ties: lower doc first
    const touchedScores = Float64Array.from(touched, (doc) => scores[doc]);
    for (const doc of touched) scores[doc] = 0;
    if (touched.length === 0) return [];
    // Filter lazily: check the best 4k first and widen only when too few pass, instead of testing every touched doc.
    for (let want = Math.min(touched.length, 4 * opts.k); ; want = Math.min(touched.length, want * 4)) {
      const best = topK(touchedScores, want);
      const pass = best.filter((j) => matchesFilter(this.items[touched[j]], filter));
      if (pass.length >= opts.k || want === touched.length) {
        return pass.slice(0, opts.k).map((j) => ({ item: this.items[touched[j]], score: touchedScores[j] }));
      }
    }
  }

  vectorColumns(): string[] {
    return Object.keys(this.meta.vectorColumns);
  }

  async allItems(): Promise<CatalogItem[]> {
    return [...this.items];
  }

  async vectors(column: string): Promise<{ ids: string[]; matrix: Matrix }> {
    checkVector(this.meta, new Float32Array(this.meta.vectorColumns[column] ?? 0), column);
    const m = this.vecs[column];
    return { ids: this.items.map((it) => it.id), matrix: matrix(m.rows, m.cols, new Float32Array(m.data)) };
  }

  close(): void {}
}

/**
 * @file Okapi BM25 over the items' text fields, with an inverted index so a query touches only its posting lists.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { writeFileAtomic } from "../../core/fs.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";
import { tokenize } from "./tokenize.js";

const FORMAT = "askmusic/bm25@1";

/** BM25 options. */
export const Bm25OptionsSchema = z
  .object({
    /** [k1=1.2] Term-frequency saturation: higher lets repeated terms keep adding score. */
    k1: z.number().min(0).default(1.2),
    /** [b=0.75] Length normalisation: 0 ignores document length, 1 fully normalises by it. */
    b: z.number().min(0).max(1).default(0.75),
    /** [fields=all of items.texts] Which `items.texts` fields form the document (name + tags on lfm2k). */
    fields: z.array(z.string()).optional(),
  })
  .strict();
export type Bm25Options = z.input<typeof Bm25OptionsSchema>;

interface Posting {
  readonly idf: number;
  readonly docs: Int32Array;
  /** Precomputed tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)), so a query only multiplies by idf and adds. */
  readonly weights: Float32Array;
}

/**
 * Okapi BM25 (k1=1.2, b=0.75 by default) with the non-negative idf ln(1 + (N − df + 0.5)/(df + 0.5)).
 * Each distinct query term counts once; a conversation's earlier turns add their words ({@link queryTerms}).
 * Documents are the concatenation of the chosen `items.texts` fields.
 * @example const m = new Bm25Recommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "loud rock" }, 3)).parts // { loud: 1.9, rock: 1.2 }
 */
export class Bm25Recommender implements Recommender {

  /**
   * Reads the words of the request and of earlier dialogue turns (see {@link queryTerms}); user, history, profile and
   * adapter, and the liked/disliked items of turns, are ignored.
   */
  readonly context: ContextUse = { uses: ["text", "turns"], needs: ["text"] };
  readonly name = "bm25";
  private readonly options: z.output<typeof Bm25OptionsSchema>;
  private index: Map<string, Posting> | undefined;
  private nItems = 0;
  private domainName = "";

  constructor(options: Bm25Options = {}) {
    const parsed = Bm25OptionsSchema.safeParse(options);
    if (!parsed.success) throw new InputError(`bad bm25 options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, _options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    this.build(domain);
    return { trainSeconds: (performance.now() - t0) / 1000, notes: { terms: this.index!.size } };
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const index = this.require();
    const out = matrix(requests.length, this.nItems);
    requests.forEach((r, q) => {
      const base = q * this.nItems;
      for (const term of queryTerms(r)) {
        const p = index.get(term);
        if (p === undefined) continue;
        for (let j = 0; j < p.docs.length; j++) out.data[base + p.docs[j]] += p.idf * p.weights[j];
      }
    });
    return out;
  }

  /** Per-term contributions (only terms present in the item); they sum to the item's score. */
  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const index = this.require();
    const parts: Record<string, number> = {};
    for (const term of queryTerms(request)) {
      const p = index.get(term);
      if (p === undefined) continue;
      const j = binarySearch(p.docs, item);
      if (j >= 0) parts[term] = p.idf * p.weights[j];
    }
    return { parts };
  }

  async save(dir: string): Promise<void> {
    this.require();
    // The index is a pure function of the domain's texts and the options: store those, rebuild at load.
    const meta = { format: FORMAT, options: this.options, domain: this.domainName, items: this.nItems, terms: this.index!.size };
    await writeFileAtomic(path.join(dir, "model.json"), JSON.stringify(meta, null, 2));
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const file = path.join(dir, "model.json");
    const raw = await fs.readFile(file, "utf8").catch((cause) => {
      throw new DataError(`cannot read ${file}: save the bm25 model there first`, { path: file, cause });
    });
    const meta = z.object({ format: z.literal(FORMAT), options: Bm25OptionsSchema, items: z.number() }).passthrough().safeParse(JSON.parse(raw));
    if (!meta.success) throw new DataError(`${file} is not a ${FORMAT} model: ${meta.error.issues[0]?.message}`, { path: file });
    if (meta.data.items !== domain.items.ids.length) {
      throw new DataError(`${file} was saved for ${meta.data.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    Object.assign(this.options, meta.data.options);
    this.build(domain);
  }

  dispose(): void {
    this.index = undefined;
  }

  private build(domain: Domain): void {
    const { k1, b } = this.options;
    const fields = this.options.fields ?? Object.keys(domain.items.texts);
    const n = domain.items.ids.length;
    for (const f of fields) {
      const texts = domain.items.texts[f];
      if (texts === undefined) throw new ModelFitError(`bm25: domain ${domain.name} has no items.texts.${f}; known: ${Object.keys(domain.items.texts).join(", ")}`);
      if (texts.length !== n) throw new ModelFitError(`bm25: items.texts.${f} has ${texts.length} rows, expected ${n}`);
    }
    const lengths = new Float64Array(n);
    const postings = new Map<string, { docs: number[]; tfs: number[] }>();
    for (let d = 0; d < n; d++) {
      const counts = new Map<string, number>();
      for (const f of fields) for (const t of tokenize(domain.items.texts[f][d])) counts.set(t, (counts.get(t) ?? 0) + 1);
      let len = 0;
      for (const [t, c] of counts) {
        len += c;
        let p = postings.get(t);
        if (p === undefined) postings.set(t, (p = { docs: [], tfs: [] }));
        p.docs.push(d); // ascending, since d increases: explain() binary-searches it
        p.tfs.push(c);
      }
      lengths[d] = len;
    }
    const avgdl = Math.max(lengths.reduce((s, x) => s + x, 0) / Math.max(n, 1), 1e-10);
    const index = new Map<string, Posting>();
    for (const [t, p] of postings) {
      const df = p.docs.length;
      const weights = new Float32Array(df);
      for (let j = 0; j < df; j++) {
        const tf = p.tfs[j];
        weights[j] = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[p.docs[j]]) / avgdl));
      }
      index.set(t, { idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)), docs: Int32Array.from(p.docs), weights });
    }
    this.index = index;
    this.nItems = n;
    this.domainName = domain.name;
  }

  private require(): Map<string, Posting> {
    if (this.index === undefined) throw new ModelFitError("bm25 model used before fit() or load()");
    return this.index;
  }
}

/**
 * The distinct terms a request is matched on: its own words and, in a conversation, every earlier user utterance and
 * system response (CPCD's BM25 baseline queries with the dialogue so far). Without turns: the request's words only.
 * @example [...queryTerms({ text: "more like this", turns: [{ user: "nigerian songs", system: "here you go" }] })]
 * // ["more", "like", "this", "nigerian", "songs", "here", "you", "go"]
 */
export function queryTerms(request: RequestContext): Set<string> {
  const terms = new Set(tokenize(request.text));
  for (const turn of request.turns ?? []) {
    for (const t of tokenize(turn.user)) terms.add(t);
    for (const t of tokenize(turn.system ?? "")) terms.add(t);
  }
  return terms;
}

function binarySearch(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

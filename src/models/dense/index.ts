/**
 * @file Dense text retrieval: cosine between the request vector and each item's `tagtext` vector.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { matVec, matrix, normalizeRows, row, type Matrix } from "../../core/matrix.js";
import { writeFileAtomic } from "../../core/fs.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { rankByScoring } from "../rank.js";
import { requestVectors } from "../request-vectors.js";

const FORMAT = "askmusic/dense@1";

/** Dense options. */
export const DenseOptionsSchema = z
  .object({
    /** [feature="tagtext"] The item feature compared with the request (must be in the request space). */
    feature: z.string().default("tagtext"),
  })
  .strict();
export type DenseOptions = z.input<typeof DenseOptionsSchema>;

/**
 * score(request, item) = cos(request vector, items.features.tagtext[item]). Fit L2-normalises the item rows once;
 * requests are normalised per call (zero norms floored at 1e-10, so a zero vector scores 0, never NaN).
 * @example const m = new DenseRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "jazz" }, 5)).parts // { text: 0.83 }
 */
export class DenseRecommender implements Recommender {

  /** Reads the words only (their vector); everything else is ignored. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  readonly name = "dense";
  private readonly options: z.output<typeof DenseOptionsSchema>;
  private items: Matrix | undefined;
  private domain: Domain | undefined;

  constructor(options: DenseOptions = {}) {
    const parsed = DenseOptionsSchema.safeParse(options);
    if (!parsed.success) throw new InputError(`bad dense options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, _options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    this.bind(domain);
    return { trainSeconds: (performance.now() - t0) / 1000 };
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const items = this.require();
    if (requests.length === 0) return matrix(0, items.rows);
    const q = normalizeRows(await this.vectors(requests));
    const out = matrix(requests.length, items.rows);
    for (let r = 0; r < q.rows; r++) {
      // matVec's `out` is typed over ArrayBuffer; a subarray of our own buffer is the same memory.
      matVec(items, row(q, r), out.data.subarray(r * items.rows, (r + 1) * items.rows) as Float32Array<ArrayBuffer>);
    }
    return out;
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const s = await this.score([request]);
    return { parts: { text: s.data[item] } };
  }

  async save(dir: string): Promise<void> {
    this.require();
    // The normalised matrix is a pure function of the domain's features: store the options, recompute at load.
    const meta = { format: FORMAT, options: this.options, domain: this.domain!.name, items: this.items!.rows };
    await writeFileAtomic(path.join(dir, "model.json"), JSON.stringify(meta, null, 2));
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const file = path.join(dir, "model.json");
    const raw = await fs.readFile(file, "utf8").catch((cause) => {
      throw new DataError(`cannot read ${file}: save the dense model there first`, { path: file, cause });
    });
    const meta = z.object({ format: z.literal(FORMAT), options: DenseOptionsSchema, items: z.number() }).passthrough().safeParse(JSON.parse(raw));
    if (!meta.success) throw new DataError(`${file} is not a ${FORMAT} model: ${meta.error.issues[0]?.message}`, { path: file });
    if (meta.data.items !== domain.items.ids.length) {
      throw new DataError(`${file} was saved for ${meta.data.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
    }
    Object.assign(this.options, meta.data.options);
    this.bind(domain);
  }

  dispose(): void {
    this.items = undefined;
    this.domain = undefined;
  }

  private async vectors(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const q = await requestVectors(requests, this.domain!);
    if (q.cols !== this.items!.cols) {
      throw new InputError(`dense: request vectors have ${q.cols} dims but items.features.${this.options.feature} has ${this.items!.cols} (domain ${this.domain!.name})`, { field: "vector" });
    }
    return q;
  }

  private bind(domain: Domain): void {
    const f = domain.items.features[this.options.feature];
    if (f === undefined) {
      throw new ModelFitError(`dense: domain ${domain.name} has no items.features.${this.options.feature}; known: ${Object.keys(domain.items.features).join(", ")}`);
    }
    if (f.rows !== domain.items.ids.length) throw new ModelFitError(`dense: items.features.${this.options.feature} has ${f.rows} rows, expected ${domain.items.ids.length}`);
    this.items = normalizeRows(f);
    this.domain = domain;
  }

  private require(): Matrix {
    if (this.items === undefined) throw new ModelFitError("dense model used before fit() or load()");
    return this.items;
  }
}

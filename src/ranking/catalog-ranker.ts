/**
 * @file Answers a request over a built catalog: parse hard constraints, gather candidates by vector search and
 * full-text search (both filtered, so constraints hold), rescore every candidate exactly, and return each result
 * with the named components its score is the sum of.
 */
import { normalizeRows, type Matrix } from "../core/matrix.js";
import { InputError } from "../errors.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { Catalog, CatalogFilter, CatalogItem } from "../store/catalog.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { ConstraintMatcher, type ParsedRequest } from "./constraints.js";

/** Longest request accepted, in characters: enough for a paragraph, not for a pasted document. */
export const MAX_REQUEST_CHARS = 2000;

/** Weights of the score components. The score of a result is Σ weight × component. */
export interface RankerWeights {
  /** Cosine between request and item text vectors. [semantic=1] */
  readonly semantic: number;
  /** BM25 of the request over the item text, divided by the best BM25 among candidates (0..1). [lexical=0.3] */
  readonly lexical: number;
  /** log(1 + popularity) / log(1 + max popularity) (0..1): a weak prior that only breaks near-ties. [popularity=0.05] */
  readonly popularity: number;
  /** The user's affinity for the item from a {@link TasteSource} (cosine, -1..1). [taste=0.5] */
  readonly taste: number;
}

export const DEFAULT_WEIGHTS: RankerWeights = Object.freeze({ semantic: 1, lexical: 0.3, popularity: 0.05, taste: 0.5 });

/** Long-term taste of a user: an affinity per item id (missing ids count as 0). */
export interface TasteSource {
  /** Throws NotFoundError for an unknown user. */
  affinities(userId: string, itemIds: readonly string[]): Promise<Float32Array>;
}

/** One answer line. */
export interface RankedItem {
  readonly rank: number;
  readonly item: CatalogItem;
  readonly score: number;
  /** weight × component value, by component name; they sum to `score`. */
  readonly components: Readonly<Record<string, number>>;
}

/** The answer to a request. */
export interface Answer {
  readonly request: ParsedRequest;
  readonly results: RankedItem[];
  /** Candidates considered (after filters). */
  readonly candidates: number;
}

/** Options of one request. */
export interface AskOptions {
  /** Results wanted (1..100). [k=10] */
  readonly k?: number;
  /** Personalize for this user (needs a TasteSource). */
  readonly user?: string;
  /** Extra hard constraints (e.g. items the user disliked). Merged with those read from the request. */
  readonly filter?: CatalogFilter;
}

/** Checks a request: non-empty after trimming, at most {@link MAX_REQUEST_CHARS}. */
export function checkRequest(request: string): string {
  const text = request.trim();
  if (text.length === 0) throw new InputError("the request is empty: say what you would like to hear", { field: "request" });
  if (text.length > MAX_REQUEST_CHARS) {
    throw new InputError(`the request is ${text.length} characters long; the limit is ${MAX_REQUEST_CHARS}`, { field: "request" });
  }
  return text;
}

/** Ranks a catalog's items for natural-language requests. Build with {@link CatalogRanker.open}; reuse across requests. */
export class CatalogRanker {
  private constructor(
    private readonly catalog: Catalog,
    /** Where candidates come from: an in-memory mirror of the catalog (default) or the catalog itself. */
    private readonly search: Catalog,
    private readonly encoder: TextEncoder,
    private readonly matcher: ConstraintMatcher,
    private readonly vectors: Matrix,
    private readonly rowOf: ReadonlyMap<string, number>,
    private readonly maxLogPopularity: number,
    private readonly weights: RankerWeights,
    private readonly taste: TasteSource | undefined,
    private readonly column: string,
  ) {}

  /** Loads what ranking needs from the catalog once (vocabulary for constraints, normalised text vectors). */
  static async open(
    catalog: Catalog,
    encoder: TextEncoder,
    options: {
      weights?: Partial<RankerWeights>;
      taste?: TasteSource;
      column?: string;
      /**
       * [search="memory"] Where candidates are searched. "memory" mirrors the items and the vector column the ranker
       * loads anyway into an exact in-memory index (SIMD scan of distinct vectors + in-memory BM25): a few ms of CPU
       * per request, where LanceDB's IVF + full-text search cost ~18 ms of CPU and capped a 2-core server near
       * 50 requests/s. "store" queries the catalog (e.g. a remote LanceDB too large to mirror).
       */
      search?: "memory" | "store";
    } = {},
  ): Promise<CatalogRanker> {
    const info = catalog.info();
    if (info.encoderId !== encoder.id) {
      throw new InputError(`catalog "${info.name}" was built with encoder ${info.encoderId} but ${encoder.id} is loaded; re-run askmusic ingest ${info.name}`);
    }
    const column = options.column ?? info.defaultVectorColumn;
    const items = await catalog.allItems();
    const tags = new Set<string>();
    const artists = new Set<string>();
    let maxPop = 0;
    for (const item of items) {
      item.tags.forEach((t) => tags.add(t));
      if (item.artist) artists.add(item.artist);
      maxPop = Math.max(maxPop, item.popularity);
    }
    const { ids, matrix } = await catalog.vectors(column);
    const byId = new Map(items.map((it) => [it.id, it]));
    // Rows of the mirror follow the vector matrix, whatever order allItems() used.
    const search =
      (options.search ?? "memory") === "memory"
        ? new MemoryCatalog(info.name, ids.map((id) => byId.get(id)!), { [column]: matrix }, info.encoderId)
        : catalog;
    return new CatalogRanker(
      catalog,
      search,
      encoder,
      new ConstraintMatcher({ tags: [...tags], artists: [...artists] }),
      normalizeRows(matrix),
      new Map(ids.map((id, i) => [id, i])),
      Math.log1p(maxPop),
      { ...DEFAULT_WEIGHTS, ...options.weights },
      options.taste,
      column,
    );
  }

  /** Ranks the catalog for one request. */
  async ask(request: string, options: AskOptions = {}): Promise<Answer> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > 100) throw new InputError(`k must be an integer from 1 to 100, got ${k}`, { field: "k" });
    const parsed = this.matcher.parse(checkRequest(request));
    const filter: CatalogFilter = {
      ...options.filter,
      excludeTags: [...(options.filter?.excludeTags ?? []), ...parsed.excludeTags],
      excludeArtists: [...(options.filter?.excludeArtists ?? []), ...parsed.excludeArtists],
    };
    const query = (await this.encoder.encode([parsed.text])).data;
    const pool = Math.max(100, 5 * k);
    const [byVector, byText] = await Promise.all([
      this.search.vectorSearch(query, { column: this.column, k: pool, filter }),
      this.search.textSearch(parsed.text, { k: pool, filter }),
    ]);
    const candidates = new Map<string, CatalogItem>();
    byVector.forEach((h) => candidates.set(h.item.id, h.item));
    byText.forEach((h) => candidates.set(h.item.id, h.item));
    const bm25 = new Map(byText.map((h) => [h.item.id, h.score]));
    const maxBm25 = byText.reduce((m, h) => Math.max(m, h.score), 0);
    const ids = [...candidates.keys()];
    const taste = options.user !== undefined ? await this.tasteFor(options.user, ids) : undefined;

    const qn = Math.max(Math.hypot(...query), 1e-10);
    const w = this.weights;
    const scored = ids.map((id, j) => {
      const item = candidates.get(id)!;
      const components: Record<string, number> = {
        semantic: w.semantic * this.cosine(id, query, qn),
        lexical: w.lexical * (maxBm25 > 0 ? (bm25.get(id) ?? 0) / maxBm25 : 0),
        popularity: w.popularity * (this.maxLogPopularity > 0 ? Math.log1p(Math.max(0, item.popularity)) / this.maxLogPopularity : 0),
      };
      if (taste) components.taste = w.taste * taste[j];
      const score = Object.values(components).reduce((s, v) => s + v, 0);
      return { item, score, components };
    });
    scored.sort((a, b) => b.score - a.score || (a.item.id < b.item.id ? -1 : 1));
    return {
      request: parsed,
      candidates: ids.length,
      results: scored.slice(0, k).map((s, i) => ({ rank: i + 1, ...s })),
    };
  }

  private cosine(id: string, query: Float32Array, queryNorm: number): number {
    const row = this.rowOf.get(id);
    if (row === undefined) return 0;
    const { data, cols } = this.vectors;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[row * cols + j] * query[j];
    return s / queryNorm;
  }

  private async tasteFor(user: string, ids: readonly string[]): Promise<Float32Array> {
    if (!this.taste) throw new InputError(`catalog "${this.catalog.name}" has no listening histories: --user is not available for it`, { field: "user" });
    return this.taste.affinities(user, ids);
  }
}

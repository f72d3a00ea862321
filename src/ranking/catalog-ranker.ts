/**
 * @file Answers a request over a built catalog: parse hard constraints, gather candidates (filtered, so
 * constraints hold), score every candidate exactly, and return each result with the named components its score is
 * the sum of. With a trained model (any {@link ServingModel}) the candidates are the model's best items under the
 * constraints and the components are the model's own parts with its explanations; without one, a text-match ranker
 * (semantic + lexical + popularity). Both add taste (a catalog user's listening history, or the listener's history
 * or likes) and entity matches (named artists), and every answer says which parts of the request's context were
 * used and which were ignored.
 */
import { normalizeRows, type Matrix } from "../core/matrix.js";
import { InputError } from "../errors.js";
import type { AdapterHandle, ContextPart, DialogueTurn, ListeningHistory, ProfileEdits, WordAttribution } from "../models/recommender.js";
import { contextReport, type ContextReport } from "../models/rank.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { matchesFilter, normalizeFilter, type Catalog, type CatalogFilter, type CatalogItem } from "../store/catalog.js";
import { DenseIndex } from "../store/memory/dense-index.js";
import { MemoryCatalog } from "../store/memory/index.js";
import { bindModel, servingRequest, type BoundModel, type ListenerRows } from "./bound-model.js";
import { CatalogEntities, type ArtistMatch } from "./catalog-entities.js";
import { bestNeighbours, type CoListening } from "./co-listening.js";
import { normalizeTerm, type ParsedRequest } from "./constraints.js";
import type { ArtistDescriptions } from "./understanding/references.js";
import { diversify, diversityOptions, type DiversityInput, type DiversityItem, type DiversityOptions } from "./diversity.js";
import { candidatePool, understoodCandidates, understoodComponents, UNDERSTOOD_WEIGHT } from "./understanding/ranking.js";
import { TagScorer } from "./understanding/tag-scores.js";
import { RequestUnderstanding, type Understood, type WantedTag } from "./understanding/understand.js";
import { servingParts, type CandidateUse, type PreparedRequest, type ServingModel } from "./serving-model.js";

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
  /**
   * The user's affinity for the item from a {@link TasteSource} (cosine, -1..1). With a model, the affinity is first
   * multiplied by twice the spread (standard deviation) of the model's scores over the candidates, so a perfect
   * match moves an item by `taste` standard deviations. [taste=0.5]
   */
  readonly taste: number;
  /**
   * Named artists: their items get `entity` x (score range of the candidates + one spread) x match similarity, which
   * puts them first; every candidate gets `entity` x spread x cosine with the named artist's mean text vector (its
   * neighbourhood). [entity=1; 0 turns entity awareness off]
   */
  readonly entity: number;
}

export const DEFAULT_WEIGHTS: RankerWeights = Object.freeze({ semantic: 1, lexical: 0.3, popularity: 0.05, taste: 0.5, entity: 1 });

/** Long-term taste of a catalog's users (e.g. Last.fm listening histories): an affinity per item id (missing ids count as 0). */
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
  /** With a model that fuses modalities (JAM): how the item's were mixed for this request (in [0, 1], summing to 1). */
  readonly modalityWeights?: Readonly<Record<string, number>>;
  /** With a model that attends over the request's words: each word's weight for this item. */
  readonly wordAttributions?: readonly WordAttribution[];
  /** With a profile model: the prototype weights (after the listener's edits) behind this item's score. */
  readonly prototypeWeights?: Readonly<Record<string, number>>;
  /**
   * "Because you listen to ...": the listener's history items that added most to this item's `taste` component, each
   * with its exact share of it (the taste of a history is the cosine with its items' weighted mean vector, so it is
   * the sum of one term per history item). At most 3, positive shares only; absent when no history shaped taste.
   */
  readonly because?: readonly { readonly id: string; readonly name: string; readonly part: number }[];
}

/** What the request was understood to ask for, as every answer reports it (see understanding/understand.ts). */
export interface UnderstoodRequest {
  /** Catalog tags wanted, strongest first, each with its weight, the words it came from and how. */
  readonly wanted: readonly WantedTag[];
  /** What follows "like", "similar to", ...: artists or songs to sound like. */
  readonly references: readonly string[];
  /** Referenced artists the catalog lacks, described by their Last.fm-2k tags (the wanted tags they added). */
  readonly outside: readonly { readonly name: string; readonly tags: readonly string[] }[];
}

/** The answer to a request. */
export interface Answer {
  readonly request: ParsedRequest & { readonly understood: UnderstoodRequest };
  readonly results: RankedItem[];
  /** Candidates considered (after filters). */
  readonly candidates: number;
  /** What ranked: a trained model's name (e.g. "jam-cross") or "text-match". */
  readonly ranker: string;
  /** Artists the request names, as matched in the catalog (exact or fuzzy). */
  readonly entities: readonly { readonly artist: string; readonly similarity: number }[];
  /**
   * The context parts the request carried, split into those that shaped the answer (by the model, or by the ranker's
   * taste) and those nothing read, so e.g. a profile edit the model cannot apply is reported, never dropped silently.
   */
  readonly context: ContextReport;
  /** The diversity rules the top list was built with, or null when diversity was off. */
  readonly diversity: DiversityOptions | null;
}

/** Items a listener played or liked (a ListeningHistory), as catalog item ids; weights are e.g. play counts. */
export type ItemHistory = Omit<ListeningHistory, "items"> & { readonly items: readonly string[] };

/** An earlier turn of a conversation (a DialogueTurn) whose liked and disliked items are catalog item ids. */
export type ConversationTurn = Omit<DialogueTurn, "liked" | "disliked"> & { readonly liked?: readonly string[]; readonly disliked?: readonly string[] };

/** Options of one request: how many results, extra constraints, and what is known about the listener. */
export interface AskOptions {
  /** Results wanted (1..100). [k=10] */
  readonly k?: number;
  /**
   * The catalog's user id (a Last.fm user of lastfm-2k, not an askmusic account): the model's own user vector when
   * it was trained with that user, else the catalog's TasteSource (an InputError when the catalog has none).
   */
  readonly user?: string;
  /**
   * Items the listener played or liked (an askmusic user's likes): read by a model that uses history, else a
   * `taste` component (cosine with their mean text vector). Ids the catalog lacks are skipped.
   */
  readonly history?: ItemHistory;
  /** Earlier turns of the conversation, oldest first. */
  readonly turns?: readonly ConversationTurn[];
  /** Profile edits (prototype weights) for a model that has profiles. */
  readonly profile?: ProfileEdits;
  /** The listener's adapter, for the model it was trained for. */
  readonly adapter?: AdapterHandle;
  /** Extra hard constraints (e.g. items the user disliked). Merged with those read from the request. */
  readonly filter?: CatalogFilter;
  /** [diversity.ts DEFAULT_DIVERSITY] How diverse the top k must be (any field over the defaults); `false` turns it off. */
  readonly diversity?: import("zod").input<typeof DiversityInput>;
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

/** One scored candidate before ranking. */
interface Scored {
  readonly row: number;
  /** The ranker's own components (model parts or text match); taste and entity are added to it later. */
  readonly components: Record<string, number>;
  readonly explained?: Pick<RankedItem, "modalityWeights" | "wordAttributions" | "prototypeWeights">;
}

/** The artists a request names: their rows, and either who their listeners also play or their mean text vector. */
interface NamedArtists {
  readonly rows: readonly number[];
  /** Mean co-listening cosine by item id (catalogs with listening histories). */
  readonly coListened?: ReadonlyMap<string, number>;
  /** Unit mean text vector of their rows (other catalogs; undefined when they have none). */
  readonly centroid?: Float32Array;
}

/** Ranks a catalog's items for natural-language requests. Build with {@link CatalogRanker.open}; reuse across requests. */
export class CatalogRanker {
  private neighbourIndex: DenseIndex | undefined;

  private constructor(
    private readonly catalog: Catalog,
    /** Where text-match candidates come from: an in-memory mirror of the catalog (default) or the catalog itself. */
    private readonly search: Catalog,
    private readonly encoder: TextEncoder,
    private readonly understanding: RequestUnderstanding,
    /** Scores rows by the wanted tags they carry. */
    private readonly tags: TagScorer,
    /** The catalog's items; row i is the item of vectors row i. */
    private readonly items: readonly CatalogItem[],
    /** Unit text vectors of the search column. */
    private readonly vectors: Matrix,
    private readonly rowOf: ReadonlyMap<string, number>,
    private readonly maxLogPopularity: number,
    private readonly weights: RankerWeights,
    private readonly taste: TasteSource | undefined,
    private readonly column: string,
    private readonly entities: CatalogEntities,
    private readonly bound: BoundModel | undefined,
    /** Album and artist by item id where the catalog's source has them (see albums.ts). */
    private readonly groups: ReadonlyMap<string, Pick<DiversityItem, "album" | "artist">> | undefined,
    /** Who the items' listeners also play, where the catalog has listening histories (see co-listening.ts). */
    private readonly coListening: CoListening | undefined,
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
       * [search="memory"] Where text-match candidates are searched. "memory" mirrors the items and the vector column
       * the ranker loads anyway into an exact in-memory index (SIMD scan of distinct vectors + in-memory BM25): a
       * few ms of CPU per request, where LanceDB's IVF + full-text search cost ~18 ms of CPU and capped a 2-core
       * server near 50 requests/s. "store" queries the catalog (e.g. a remote LanceDB too large to mirror).
       */
      search?: "memory" | "store";
      /** A trained model of this catalog (see catalog-models.ts): it ranks, and its parts explain. */
      model?: ServingModel;
      /**
       * Called instead of throwing when `model` does not fit the catalog (trained on another build of it, or with
       * another encoder): the ranker then ranks by text match. Without it such a model is an InputError.
       */
      onModelRejected?: (reason: string) => void;
      /** Descriptions of artists outside the catalog (Last.fm-2k tags), for "like X" when X is not one of its artists. */
      describe?: ArtistDescriptions;
      /** Album and artist by item id for diversity (catalogGroups in albums.ts); without them only `artist` is read. */
      groups?: ReadonlyMap<string, Pick<DiversityItem, "album" | "artist">>;
      /**
       * The catalog's listening histories (catalogCoListening in albums.ts): "like X" then means what X's listeners
       * also play. Without them, X's neighbours are the items nearest its text vector.
       */
      coListening?: CoListening;
    } = {},
  ): Promise<CatalogRanker> {
    const info = catalog.info();
    if (info.encoderId !== encoder.id) {
      throw new InputError(`catalog "${info.name}" was built with encoder ${info.encoderId} but ${encoder.id} is loaded; re-run askmusic ingest ${info.name}`);
    }
    const column = options.column ?? info.defaultVectorColumn;
    const all = await catalog.allItems();
    const artists = new Set<string>();
    let maxPop = 0;
    for (const item of all) {
      if (item.artist) artists.add(item.artist);
      maxPop = Math.max(maxPop, item.popularity);
    }
    const artistKeys = new Set([...artists].map(normalizeTerm));
    const { ids, matrix } = await catalog.vectors(column);
    const byId = new Map(all.map((it) => [it.id, it]));
    // Rows follow the vector matrix, whatever order allItems() used.
    const items = ids.map((id) => byId.get(id)!);
    const search = (options.search ?? "memory") === "memory" ? new MemoryCatalog(info.name, items, { [column]: matrix }, info.encoderId) : catalog;
    let bound: BoundModel | undefined;
    if (options.model !== undefined) {
      try {
        bound = bindModel(options.model, info.name, ids, encoder.id);
        options.model.warm(); // build the model's search indices now, not during the first request
      } catch (err) {
        if (!(err instanceof InputError) || options.onModelRejected === undefined) throw err;
        options.onModelRejected(err.message);
      }
    }
    return new CatalogRanker(
      catalog,
      search,
      encoder,
      new RequestUnderstanding(
        items.map((it) => it.tags),
        {
          artists: [...artists],
          ...(options.describe !== undefined ? { describe: options.describe } : {}),
          catalogArtist: (name) => artistKeys.has(normalizeTerm(name)),
        },
      ),
      new TagScorer(items.map((it) => it.tags)),
      items,
      normalizeRows(matrix),
      new Map(ids.map((id, i) => [id, i])),
      Math.log1p(maxPop),
      { ...DEFAULT_WEIGHTS, ...options.weights },
      options.taste,
      column,
      new CatalogEntities(items),
      bound,
      options.groups,
      options.coListening,
    );
  }

  /** The trained model that ranks, if any. */
  get model(): ServingModel | undefined {
    return this.bound?.model;
  }

  /** Ranks the catalog for one request. */
  /**
   * What a request asks for, without ranking: its understood tags, constraints and references, and whether it names a
   * catalog artist (a conversation decides from it whether a turn carries earlier preferences over).
   * @example ranker.understand("more please").wanted.length // 0
   */
  understand(request: string): Understood & { readonly namesArtist: boolean } {
    const understood = this.understanding.understand(checkRequest(request));
    return { ...understood, namesArtist: this.weights.entity > 0 && this.entities.find(understood.text, understood.rejectedArtists).length > 0 };
  }

  async ask(request: string, options: AskOptions = {}): Promise<Answer> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > 100) throw new InputError(`k must be an integer from 1 to 100, got ${k}`, { field: "k" });
    const diversity = diversityOptions(options.diversity);
    const understood = this.understanding.understand(checkRequest(request));
    const parsed: ParsedRequest = { text: understood.text, excludeTags: understood.rejectedTags, excludeArtists: understood.rejectedArtists, unmatched: understood.unmatched };
    const wants = understood.wanted.length > 0;
    const listener = this.listenerRows(options);
    const filter: CatalogFilter = {
      ...options.filter,
      excludeTags: [...(options.filter?.excludeTags ?? []), ...parsed.excludeTags],
      excludeArtists: [...(options.filter?.excludeArtists ?? []), ...parsed.excludeArtists],
    };
    const nf = normalizeFilter(filter);
    const accept = (row: number) => matchesFilter(this.items[row], nf);
    // A request that was only constraints ("no rap") has no words left to embed: a zero vector matches nothing, so
    // the answer is the constraints over popularity and the listener's taste (embedding "no rap" pulled rap closer).
    // A model that reads word by word (whitebox) gets each word's vector too, encoded in the same batch.
    const words = parsed.text === "" ? [] : (this.bound?.model.words?.(parsed.text) ?? []);
    const encoded = parsed.text === "" ? undefined : await this.encoder.encode([parsed.text, ...words]);
    const query = encoded === undefined ? new Float32Array(this.encoder.dims) : encoded.data.slice(0, encoded.cols);
    const wordVectors = encoded !== undefined && words.length > 0 ? encoded.data.slice(encoded.cols) : undefined;
    const prepared = this.bound?.model.prepare(servingRequest(this.bound, parsed.text, query, listener, wordVectors));
    // What the model does not read of the listener, the ranker's taste does: a catalog user by the catalog's
    // listening histories, a history by its items' text vectors.
    const byModel = prepared?.used ?? [];
    const tasteOfUser = listener.user !== undefined && !byModel.includes("user");
    const tasteOfHistory = listener.history !== undefined && !byModel.includes("history");
    if (tasteOfUser && !this.taste) throw new InputError(`catalog "${this.catalog.name}" has no listening histories: --user is not available for it`, { field: "user" });
    const pool = candidatePool(k);
    const named = this.weights.entity > 0 ? this.entities.find(parsed.text, parsed.excludeArtists) : [];
    // Taste, entity and understood components can lift any candidate: only then does the model need to hand over a
    // wide pool.
    const reranked = tasteOfUser || tasteOfHistory || named.length > 0 || wants || diversity !== undefined;
    const near = this.namedArtists(named);
    const scored =
      this.bound && prepared
        ? this.scoreWithModel(this.bound, prepared, reranked ? pool : k, reranked ? "reranked" : "final", accept, near, wants ? understood : undefined)
        : await this.scoreTextMatch(parsed.text, query, pool, filter, accept, near, wants ? understood : undefined);

    // Scale of taste and entity: the spread (standard deviation) of a model's scores over the candidates, whose
    // logits have no fixed range; text-match components are already on a unit scale, so there it is fixed at 0.5
    // (taste = weight x affinity).
    const base = scored.map((c) => Object.values(c.components).reduce((a, b) => a + b, 0));
    const spread = this.bound ? Math.max(stdev(base), 1e-6) : 0.5;
    const w = this.weights;
    if (wants) {
      const parts = understoodComponents(scored.map((c) => this.tags.score(understood, c.row)), base, UNDERSTOOD_WEIGHT, spread);
      scored.forEach((c, j) => (c.components.understood = parts[j]));
    }
    if (tasteOfUser || tasteOfHistory) {
      const taste = await this.tasteFor(listener, tasteOfUser, tasteOfHistory, scored.map((c) => c.row));
      scored.forEach((c, j) => (c.components.taste = w.taste * 2 * spread * taste[j]));
    }
    // Scale from one history item's term to its part of the taste component (see tasteFor).
    const becauseScale = tasteOfHistory ? (w.taste * 2 * spread) / (tasteOfUser ? 2 : 1) : 0;
    if (near !== undefined) {
      const range = Math.max(...base) - Math.min(...base);
      const similarity = new Map(named.flatMap((m) => m.rows.map((r) => [r, m.similarity] as const)));
      const neighbour = this.neighbourhood(near, scored.map((c) => c.row));
      scored.forEach((c, j) => {
        const sim = similarity.get(c.row);
        c.components.entity = w.entity * ((sim !== undefined ? 2 * (range + spread) * sim : 0) + neighbour.weight(range, spread) * neighbour.of[j]);
      });
    }
    const ranked = scored.map((c) => ({ ...c, score: Object.values(c.components).reduce((a, b) => a + b, 0) }));
    ranked.sort((a, b) => b.score - a.score || (this.items[a.row].id < this.items[b.row].id ? -1 : 1));
    // An artist the request names is what the listener asked for: the artist limit does not apply to it.
    const namedRows = new Set(named.flatMap((m) => m.rows));
    const shown = diversity !== undefined ? this.diverse(ranked, k, diversity, namedRows) : ranked;
    const used: ContextPart[] = ["text", ...byModel, ...(tasteOfUser ? ["user" as const] : []), ...(tasteOfHistory ? ["history" as const] : [])];
    return {
      request: { ...parsed, understood: { wanted: understood.wanted, references: understood.references, outside: understood.outside } },
      candidates: scored.length,
      ranker: this.bound?.model.name ?? "text-match",
      entities: named.map((m) => ({ artist: m.artist, similarity: m.similarity })),
      context: contextReport({ uses: used, needs: [] }, presentParts(parsed.text, listener)),
      diversity: diversity ?? null,
      results: shown.slice(0, k).map((s, i) => {
        const because = becauseScale !== 0 ? this.because(listener.history!, s.row, becauseScale) : [];
        return { rank: i + 1, item: this.items[s.row], score: s.score, components: s.components, ...s.explained, ...(because.length > 0 ? { because } : {}) };
      }),
    };
  }

  /** The ranked candidates in the order diversity shows them (see diversity.ts). */
  private diverse<T extends { row: number; score: number }>(ranked: readonly T[], k: number, options: DiversityOptions, named: ReadonlySet<number>): T[] {
    const { data, cols } = this.vectors;
    const items = ranked.map((c): DiversityItem => {
      const item = this.items[c.row];
      const g = this.groups?.get(item.id);
      const artist = named.has(c.row) ? undefined : (g?.artist ?? item.artist);
      return { ...(g?.album !== undefined ? { album: g.album } : {}), ...(artist !== undefined ? { artist } : {}), ...(item.title !== undefined ? { title: item.title } : {}) };
    });
    const order = diversify(items, ranked.map((c) => c.score), k, options, (i) => data.subarray(ranked[i].row * cols, (ranked[i].row + 1) * cols));
    return order.map((i) => ranked[i]);
  }

  /**
   * The listener's context with catalog ids mapped to ranker rows, once: unknown ids are skipped (an item may have
   * left the catalog since it was liked), and a history left empty counts as none.
   */
  private listenerRows(options: AskOptions): ListenerRows {
    const rows = (ids: readonly string[]) => ids.flatMap((id) => this.rowOf.get(id) ?? []);
    let history: ListenerRows["history"];
    if (options.history !== undefined) {
      const { items, weights } = options.history;
      if (weights !== undefined && weights.length !== items.length) throw new InputError(`history has ${items.length} items but ${weights.length} weights`, { field: "history" });
      const known = items.flatMap((id, i) => (this.rowOf.has(id) ? [i] : []));
      if (known.length > 0) history = { rows: known.map((i) => this.rowOf.get(items[i])!), ...(weights !== undefined ? { weights: known.map((i) => weights[i]) } : {}) };
    }
    return {
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(history !== undefined ? { history } : {}),
      ...(options.turns !== undefined
        ? {
            turns: options.turns.map((t) => ({
              user: t.user,
              ...(t.system !== undefined ? { system: t.system } : {}),
              ...(t.liked !== undefined ? { liked: rows(t.liked) } : {}),
              ...(t.disliked !== undefined ? { disliked: rows(t.disliked) } : {}),
            })),
          }
        : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.adapter !== undefined ? { adapter: options.adapter } : {}),
    };
  }

  /**
   * Candidates from the model's best `n` under the constraints (its own search), plus the named artists' items and
   * their text neighbourhood; components are the model's parts (e.g. JAM: request, user, prior).
   */
  private scoreWithModel(
    b: BoundModel,
    prepared: PreparedRequest,
    n: number,
    use: CandidateUse,
    accept: (row: number) => boolean,
    near: NamedArtists | undefined,
    understood: Understood | undefined,
  ): Scored[] {
    const modelAccept = (m: number) => accept(b.rankerRow[m]);
    const top =
      understood !== undefined
        ? understoodCandidates(prepared, { top: (u, p) => this.tags.top(u, p, (r) => accept(r) && b.modelRow[r] >= 0).map((r) => b.modelRow[r]) }, understood, n, modelAccept)
        : prepared.candidates({ k: n, use, accept: modelAccept }).rows;
    const rows = new Set(top.map((m) => b.rankerRow[m]));
    this.entityCandidates(near, Math.max(n, 100), accept).forEach((r) => rows.add(r));
    // A named artist a partial model does not know still answers its request: at the model's lowest candidate score.
    const known = [...rows].filter((row) => b.modelRow[row] >= 0);
    const floor = known.length < rows.size && known.length > 0 ? Math.min(...prepared.score(known.map((row) => b.modelRow[row]))) : 0;
    return [...rows].map((row) => {
      if (b.modelRow[row] < 0) return { row, components: { unscored: floor }, explained: {} };
      const e = prepared.explain(b.modelRow[row]);
      const explained = {
        ...(e.modalityWeights ? { modalityWeights: e.modalityWeights } : {}),
        ...(e.wordAttributions ? { wordAttributions: e.wordAttributions } : {}),
        ...(e.prototypeWeights ? { prototypeWeights: e.prototypeWeights } : {}),
      };
      return { row, components: { ...e.parts }, explained };
    });
  }

  /** Candidates from vector + full-text search; components semantic, lexical, popularity. */
  private async scoreTextMatch(
    text: string,
    query: Float32Array,
    pool: number,
    filter: CatalogFilter,
    accept: (row: number) => boolean,
    near: NamedArtists | undefined,
    understood: Understood | undefined,
  ): Promise<Scored[]> {
    const [byVector, byText] = await Promise.all([
      this.search.vectorSearch(query, { column: this.column, k: pool, filter }),
      this.search.textSearch(text, { k: pool, filter }),
    ]);
    const rows = new Set<number>();
    byVector.forEach((h) => rows.add(this.rowOf.get(h.item.id)!));
    byText.forEach((h) => rows.add(this.rowOf.get(h.item.id)!));
    this.entityCandidates(near, pool, accept).forEach((r) => rows.add(r));
    if (understood !== undefined) this.tags.top(understood, pool, accept).forEach((r) => rows.add(r));
    const bm25 = new Map(byText.map((h) => [this.rowOf.get(h.item.id)!, h.score]));
    const maxBm25 = byText.reduce((m, h) => Math.max(m, h.score), 0);
    const qn = Math.max(Math.hypot(...query), 1e-10);
    const w = this.weights;
    return [...rows].map((row) => ({
      row,
      components: {
        semantic: w.semantic * (this.dot(row, query) / qn),
        lexical: w.lexical * (maxBm25 > 0 ? (bm25.get(row) ?? 0) / maxBm25 : 0),
        popularity: w.popularity * (this.maxLogPopularity > 0 ? Math.log1p(Math.max(0, this.items[row].popularity)) / this.maxLogPopularity : 0),
      },
    }));
  }

  /** The named artists' rows and what is near them, computed once per request for candidates and components. */
  private namedArtists(named: readonly ArtistMatch[]): NamedArtists | undefined {
    if (named.length === 0) return undefined;
    const rows = named.flatMap((m) => m.rows);
    if (this.coListening !== undefined) return { rows, coListened: this.coListening.similarTo(rows.map((r) => this.items[r].id)) };
    return { rows, centroid: this.centroid(rows) };
  }

  /**
   * How near each of `rows` is to the named artists, and what that is worth: with listening histories, the cosine of
   * listener sets relative to the nearest candidate's (the artist X's listeners play most lifts by the scores' whole
   * range, so "like X" lists X's neighbours); without, the cosine with their mean text vector, worth one spread.
   */
  private neighbourhood(near: NamedArtists, rows: readonly number[]): { of: number[]; weight: (range: number, spread: number) => number } {
    if (near.coListened !== undefined) {
      const of = rows.map((r) => near.coListened!.get(this.items[r].id) ?? 0);
      const best = Math.max(...of, 1e-10);
      return { of: of.map((v) => v / best), weight: (range, spread) => range + spread };
    }
    const { centroid } = near;
    return { of: rows.map((r) => (centroid !== undefined ? this.dot(r, centroid) : 0)), weight: (_, spread) => spread };
  }

  /**
   * The named artists' items that pass the filter, and the `pool` items nearest them: most co-listened where the
   * catalog has listening histories, else nearest their mean text vector.
   */
  private entityCandidates(near: NamedArtists | undefined, pool: number, accept: (row: number) => boolean): number[] {
    if (near === undefined) return [];
    const own = near.rows.filter(accept);
    if (near.coListened !== undefined) {
      const passes = (id: string) => {
        const r = this.rowOf.get(id);
        return r !== undefined && accept(r);
      };
      return [...own, ...bestNeighbours(near.coListened, pool, passes).map((x) => this.rowOf.get(x.id)!)];
    }
    if (near.centroid === undefined) return own;
    this.neighbourIndex ??= DenseIndex.build(this.vectors);
    return [...own, ...this.neighbourIndex.search(near.centroid, pool, accept).map((h) => h.row)];
  }

  /**
   * Unit (weighted) mean of the rows' unit text vectors, or undefined when they have none or cancel out: the
   * direction of a named artist's items, or of a listener's history.
   */
  private centroid(rows: readonly number[], weights?: readonly number[]): Float32Array | undefined {
    const { data, cols } = this.vectors;
    const c = new Float32Array(cols);
    rows.forEach((r, i) => {
      const wr = weights?.[i] ?? 1;
      for (let j = 0; j < cols; j++) c[j] += wr * data[r * cols + j];
    });
    const n = Math.hypot(...c);
    if (n < 1e-10) return undefined;
    return c.map((v) => v / n);
  }

  /**
   * The history items behind a row's taste: the taste of a history is cos(row, c) with c = Σ_h w_h v_h, which is
   * Σ_h w_h (v_h · v_row) / |c|; each term times `scale` is that item's part of the component. The 3 largest positive.
   */
  private because(history: NonNullable<ListenerRows["history"]>, row: number, scale: number): { id: string; name: string; part: number }[] {
    const { data, cols } = this.vectors;
    const c = new Float32Array(cols);
    history.rows.forEach((r, i) => {
      const wr = history.weights?.[i] ?? 1;
      for (let j = 0; j < cols; j++) c[j] += wr * data[r * cols + j];
    });
    const norm = Math.hypot(...c);
    if (norm < 1e-10) return [];
    const parts = history.rows.map((r, i) => ({ r, part: (scale * (history.weights?.[i] ?? 1) * this.dot(row, data.subarray(r * cols, (r + 1) * cols))) / norm }));
    return parts
      .filter((p) => p.part > 0)
      .sort((a, b) => b.part - a.part || a.r - b.r)
      .slice(0, 3)
      .map((p) => ({ id: this.items[p.r].id, name: this.items[p.r].name, part: p.part }));
  }

  /** Dot product of a row's unit text vector with `v`. */
  private dot(row: number, v: Float32Array): number {
    const { data, cols } = this.vectors;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[row * cols + j] * v[j];
    return s;
  }

  /**
   * The listener's affinity for each row (-1..1): the catalog user's by the TasteSource, the history's as the cosine
   * with its items' mean text vector (0 for every row when they have none); the mean of the two when both apply.
   */
  private async tasteFor(listener: ListenerRows, ofUser: boolean, ofHistory: boolean, rows: readonly number[]): Promise<Float32Array> {
    const out = new Float32Array(rows.length);
    if (ofUser) {
      const a = await this.taste!.affinities(listener.user!, rows.map((r) => this.items[r].id));
      a.forEach((v, i) => (out[i] += v));
    }
    const centroid = ofHistory ? this.centroid(listener.history!.rows, listener.history!.weights) : undefined;
    if (centroid !== undefined) rows.forEach((r, i) => (out[i] += this.dot(r, centroid)));
    if (ofUser && ofHistory) for (let i = 0; i < out.length; i++) out[i] /= 2;
    return out;
  }
}

/** The context parts a request with this listener carries. */
function presentParts(text: string, listener: ListenerRows): ContextPart[] {
  const { history, ...rest } = listener;
  return servingParts({ text, ...rest, ...(history !== undefined ? { history: { items: history.rows } } : {}) });
}

/** Population standard deviation (0 for fewer than two values). */
function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
}

/**
 * @file `eval --models served`: exactly the request path `ask` runs, on a benchmark's own items. Fit trains the
 * catalog's default serving form (DEFAULT_TRAINED_MODEL, as `askmusic train` does) on the benchmark's domain and
 * builds the request understanding and tag scorer from the domain's item tags; each request is understood, its
 * negations become hard constraints, and it is ranked by the shared understood ranking (understanding/ranking.ts):
 * the model's candidates plus the best tag matches, scored model + understood. Diversity is off.
 * Where it differs from `ask`, and why: the domain's items carry tags but no artist field, so negated artists are
 * not applied (benchmark requests name none); ties go to the lower row rather than the lower item id.
 */
import type { Matrix } from "../core/matrix.js";
import type { Domain } from "../domains/types.js";
import { InputError, ModelFitError } from "../errors.js";
import { checkRankOptions } from "../models/rank.js";
import type { ContextUse, FitOptions, FitReport, RankedList, RankOptions, Recommender, RequestContext } from "../models/recommender.js";
import { normalizeTerm } from "../ranking/constraints.js";
import { DEFAULT_TRAINED_MODEL, SERVING_FORMS } from "../ranking/serving-forms.js";
import type { ServingModel } from "../ranking/serving-model.js";
import { DEFAULT_DIVERSITY, diversify, type DiversityItem } from "../ranking/diversity.js";
import { candidatePool, understoodCandidates, understoodComponents } from "../ranking/understanding/ranking.js";
import { TagScorer } from "../ranking/understanding/tag-scores.js";
import { RequestUnderstanding, type Understood } from "../ranking/understanding/understand.js";

/** Benchmarks whose requests are words over a catalog-like domain with tags: where `served` means something. */
export const SERVED_BENCHMARKS: readonly string[] = ["jamendo-captions", "lfm2k-tagq"];

/** Each item's tags, from the domain's `tags` texts (both text domains join tags with ", " and "; "). */
export function domainItemTags(domain: Domain): string[][] {
  const texts = domain.items.texts.tags ?? [];
  return domain.items.ids.map((_, i) => (texts[i] ?? "").split(/[;,]/).map((t) => t.trim()).filter((t) => t !== ""));
}

/** The served request path as a Recommender (see the file comment). */
export class ServedRecommender implements Recommender {
  readonly name: string;
  /** Whatever the trained model reads (JAM with users reads the user); the words always. */
  readonly context: ContextUse = { uses: ["text", "user"], needs: ["text"] };
  /**
   * @param options.modelOptions options of the trained model over its defaults (tests train a small one).
   * @param options.trained the catalog's own trained default model, when the benchmark's domain is that catalog's
   *   training domain (jamendo-captions: the Jamendo catalog is trained on the same tracks, generated requests and
   *   selection set): used when its items and encoder are exactly the domain's, instead of training it again.
   */
  constructor(
    private readonly options: {
      readonly modelOptions?: Readonly<Record<string, unknown>>;
      readonly trained?: () => Promise<{ model: ServingModel; dir: string } | undefined>;
      /** `served-diverse`: the default diversity rules over each ranking, with albums and artists by item id. */
      readonly diverse?: { readonly groups: () => Promise<ReadonlyMap<string, Pick<DiversityItem, "album" | "artist">> | undefined> };
    } = {},
  ) {
    this.name = options.diverse !== undefined ? "served-diverse" : "served";
  }

  private groups: ReadonlyMap<string, Pick<DiversityItem, "album" | "artist">> | undefined;

  private fitted: { model: ServingModel; domain: Domain; understanding: RequestUnderstanding; tags: TagScorer; keys: readonly ReadonlySet<string>[] } | undefined;

  async fit(domain: Domain, options: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const reused = await this.reusable(domain);
    if (reused !== undefined) options.log?.(`served: ranking with the catalog's trained ${reused.model.name} from ${reused.dir} (same items, encoder and training domain)`);
    const model =
      reused?.model ??
      (await SERVING_FORMS[DEFAULT_TRAINED_MODEL].train(domain, {
        seed: options.seed,
        log: options.log,
        onProgress: options.onProgress,
        ...(this.options.modelOptions !== undefined ? { options: this.options.modelOptions } : {}),
      }));
    const itemTags = domainItemTags(domain);
    this.fitted = {
      model,
      domain,
      understanding: new RequestUnderstanding(itemTags),
      tags: new TagScorer(itemTags),
      keys: itemTags.map((tags) => new Set(tags.map(normalizeTerm))),
    };
    model.warm();
    this.groups = await this.options.diverse?.groups();
    return { trainSeconds: (performance.now() - t0) / 1000, notes: { ranker: reused !== undefined ? `${reused.model.name} (trained by askmusic train, ${reused.dir})` : DEFAULT_TRAINED_MODEL } };
  }

  /** The catalog's trained model, if given and trained on exactly this domain's items (same order) and encoder. */
  private async reusable(domain: Domain): Promise<{ model: ServingModel; dir: string } | undefined> {
    const found = await this.options.trained?.();
    if (found === undefined) return undefined;
    const { model } = found;
    const same = model.name === DEFAULT_TRAINED_MODEL && model.encoderId === domain.queryEncoderId && model.itemIds.length === domain.items.ids.length && model.itemIds.every((id, i) => id === domain.items.ids[i]);
    return same ? found : undefined;
  }

  async rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    checkRankOptions(options, requests.length);
    const f = this.fitted;
    if (f === undefined) throw new ModelFitError("served used before fit()");
    const understood = requests.map((r) => f.understanding.understand(r.text));
    // The model embeds the request without its negated phrases, as `ask` does: encode those that changed.
    const changed = understood.map((u, i) => (u.text !== requests[i].text || requests[i].vector === undefined ? i : -1)).filter((i) => i >= 0);
    const encoded: Matrix | undefined = changed.length > 0 ? await f.domain.encodeQueries(changed.map((i) => understood[i].text)) : undefined;
    const vectorOf = new Map(changed.map((i, j) => [i, encoded!.data.slice(j * encoded!.cols, (j + 1) * encoded!.cols)]));
    return requests.map((r, i) => this.rankOne(f, r, understood[i], vectorOf.get(i) ?? r.vector!, options.k, options.exclude?.[i]));
  }

  private rankOne(
    f: NonNullable<ServedRecommender["fitted"]>,
    request: RequestContext,
    understood: Understood,
    vector: Float32Array,
    k: number,
    exclude: ReadonlySet<number> | undefined,
  ): RankedList {
    const rejected = understood.rejectedTags.map(normalizeTerm);
    const accept = (row: number) => !(exclude?.has(row) ?? false) && !rejected.some((t) => f.keys[row].has(t));
    const user = request.user !== undefined ? f.domain.users.ids[request.user] : undefined;
    const prepared = f.model.prepare({ text: understood.text, vector, ...(user !== undefined ? { user } : {}) });
    const diverse = this.options.diverse !== undefined;
    if (understood.wanted.length === 0 && !diverse) {
      const top = prepared.candidates({ k, use: "final", accept });
      return { items: Int32Array.from(top.rows), scores: Float32Array.from(top.scores) };
    }
    const rows =
      understood.wanted.length > 0
        ? understoodCandidates(prepared, f.tags, understood, candidatePool(k), accept)
        : [...prepared.candidates({ k: candidatePool(k), use: "reranked", accept }).rows];
    const model = Array.from(prepared.score(rows));
    const parts = understood.wanted.length > 0 ? understoodComponents(rows.map((r) => f.tags.score(understood, r)), model) : rows.map(() => 0);
    let order = rows.map((row, j) => ({ row, score: model[j] + parts[j] })).sort((a, b) => b.score - a.score || a.row - b.row);
    if (diverse) {
      const ids = f.domain.items.ids;
      const items = order.map((o): DiversityItem => {
        const g = this.groups?.get(ids[o.row]);
        return { ...(g?.album !== undefined ? { album: g.album } : {}), ...(g?.artist !== undefined ? { artist: g.artist } : {}) };
      });
      order = diversify(items, order.map((o) => o.score), k, DEFAULT_DIVERSITY).map((i) => order[i]);
    }
    order = order.slice(0, k);
    return { items: Int32Array.from(order, (o) => o.row), scores: Float32Array.from(order, (o) => o.score) };
  }

  async save(): Promise<void> {
    throw new InputError("served is evaluated, not saved: `askmusic train <catalog>` saves the ranker it serves with");
  }

  async load(): Promise<void> {
    throw new InputError("served is evaluated, not loaded: `askmusic train <catalog>` saves the ranker it serves with");
  }

  dispose(): void {
    this.fitted = undefined;
  }
}

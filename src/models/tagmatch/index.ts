/**
 * @file The literal baseline `tagmatch`: the catalog's tag words found in the request, items ranked by how many of
 * those tags they carry. No learning, no synonyms: the floor every served ranker must beat.
 */
import { z } from "zod";
import type { Domain } from "../../domains/types.js";
import { CountingRecommender, popularityTieBreak } from "../counting.js";
import type { ContextUse, RequestContext } from "../recommender.js";
import { literalTags, tagVocabulary, type TagVocabulary } from "./vocabulary.js";

export { literalTags, tagVocabulary, words, type TagVocabulary } from "./vocabulary.js";

const Params = z.object({}).strict();

/**
 * score(request, item) = the number of tags found literally in the request (see {@link literalTags}) that the item
 * carries, plus a popularity tie-break below one tag (so among items with as many tags, known-listened ones first).
 * A request naming no tag ranks by popularity alone.
 * @example const m = new TagMatchRecommender(); await m.fit(domain, { seed: 42 });
 * (await m.explain({ text: "rock with piano" }, 7)).parts // { tags: 2, prior: 0.00003 }
 */
export class TagMatchRecommender extends CountingRecommender<z.output<typeof Params>> {
  readonly name = "tagmatch";
  /** The words only; user, history, turns, profile and adapter are ignored. */
  readonly context: ContextUse = { uses: ["text"], needs: ["text"] };
  private vocab: TagVocabulary | undefined;
  private prior: Float32Array = new Float32Array(0);

  constructor() {
    super({}, Params);
  }

  protected bind(domain: Domain): void {
    this.vocab = tagVocabulary(domain.items);
    this.prior = popularityTieBreak(domain.items.popularity);
  }

  protected scoreInto(request: RequestContext, out: Float32Array): void {
    out.set(this.prior);
    for (const tag of literalTags(this.vocab!, request.text)) for (const item of this.vocab!.postings[tag]) out[item] += 1;
  }

  protected partsOf(request: RequestContext, item: number): Record<string, number> {
    const own = new Set(this.vocab!.itemTags[item]);
    return { tags: literalTags(this.vocab!, request.text).filter((t) => own.has(t)).length, prior: this.prior[item] };
  }
}

/**
 * @file How much an item matches what a request was understood to want: the sum of the weights of the wanted tags
 * it carries. One scorer per catalog (or benchmark domain), over its rows; the ranker and `eval --models served`
 * both score with it.
 */
import { topK } from "../../core/topk.js";
import { normalizeTerm } from "../constraints.js";
import type { Understood } from "./understand.js";

/** Scores rows by the wanted tags they carry. */
export class TagScorer {
  private readonly postings = new Map<string, Int32Array>();
  private readonly keysOf: readonly ReadonlySet<string>[];

  /** @param itemTags each row's tags as the catalog spells them. */
  constructor(itemTags: readonly (readonly string[])[]) {
    const lists = new Map<string, number[]>();
    this.keysOf = itemTags.map((tags, row) => {
      const keys = new Set(tags.map(normalizeTerm).filter((k) => k !== ""));
      for (const k of keys) {
        let l = lists.get(k);
        if (l === undefined) lists.set(k, (l = []));
        l.push(row);
      }
      return keys;
    });
    for (const [k, l] of lists) this.postings.set(k, Int32Array.from(l));
  }

  get rows(): number {
    return this.keysOf.length;
  }

  /** The tag score of one row. */
  score(understood: Understood, row: number): number {
    const keys = this.keysOf[row];
    let s = 0;
    for (const t of understood.wanted) if (keys.has(normalizeTerm(t.tag))) s += t.weight;
    return s;
  }

  /** Every row's tag score (0 for rows carrying no wanted tag). */
  scores(understood: Understood): Float32Array {
    const out = new Float32Array(this.keysOf.length);
    for (const t of understood.wanted) for (const r of this.postings.get(normalizeTerm(t.tag)) ?? []) out[r] += t.weight;
    return out;
  }

  /**
   * Up to `n` accepted rows with the highest positive tag scores, best first (ties by lower row): the candidates a
   * ranker adds to its model's, so a track carrying every wanted tag is never missed because the model ranked it low.
   */
  top(understood: Understood, n: number, accept: (row: number) => boolean = () => true): number[] {
    if (understood.wanted.length === 0 || n <= 0) return [];
    const s = this.scores(understood);
    for (let r = 0; r < s.length; r++) if (s[r] > 0 && !accept(r)) s[r] = 0;
    return Array.from(topK(s, n)).filter((r) => s[r] > 0);
  }
}

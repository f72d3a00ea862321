/**
 * @file A domain's tag vocabulary, read from its items' `tags` texts ("pop, rock; guitar; energetic" on Jamendo,
 * "indie, 80s" on Last.fm), with each item's tags as posting lists, and the literal matching of tags in a request:
 * a tag is found when its words occur in the request in order and next to each other.
 */
import type { ItemSide } from "../../domains/types.js";

/**
 * Lower-case words of a text: accents dropped, runs of letters, digits and "&" ("r&b"). Everything else separates.
 * @example words("Post-Rock, R&B and Röyksopp's 80s") // ["post", "rock", "r&b", "and", "royksopp", "s", "80s"]
 */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .match(/[\p{L}\p{N}&]+/gu) ?? []
  );
}

/** The tags of a domain and which items carry each. */
export interface TagVocabulary {
  /** Distinct tags as the items' texts spell them (lower-cased, trimmed), in order of first appearance. */
  readonly tags: readonly string[];
  /** Per tag, the words it reads as ("post-rock" -> ["post", "rock"]). */
  readonly tagWords: readonly (readonly string[])[];
  /** Per tag, the items carrying it, ascending. */
  readonly postings: readonly Int32Array[];
  /** Per item, its tag ids. */
  readonly itemTags: readonly Int32Array[];
  /** Tag id by tag text. */
  readonly idOf: ReadonlyMap<string, number>;
}

/**
 * The vocabulary of `items.texts.tags`: each text split at "," and ";" (how both domains join tags). Items without a
 * `tags` text carry no tags.
 * @example tagVocabulary({ ...items, texts: { tags: ["pop, rock; guitar", "rock"] } }).postings[1] // Int32Array [0, 1]
 */
export function tagVocabulary(items: Pick<ItemSide, "ids" | "texts">): TagVocabulary {
  const texts = items.texts.tags ?? [];
  const idOf = new Map<string, number>();
  const tags: string[] = [];
  const lists: number[][] = [];
  const itemTags: Int32Array[] = items.ids.map((_, i) => {
    const own = new Set<number>();
    for (const raw of (texts[i] ?? "").split(/[;,]/)) {
      const tag = raw.trim().toLowerCase();
      if (tag === "" || words(tag).length === 0) continue;
      let id = idOf.get(tag);
      if (id === undefined) {
        id = tags.length;
        idOf.set(tag, id);
        tags.push(tag);
        lists.push([]);
      }
      if (!own.has(id)) {
        own.add(id);
        lists[id].push(i);
      }
    }
    return Int32Array.from(own);
  });
  return { tags, tagWords: tags.map(words), postings: lists.map((l) => Int32Array.from(l)), itemTags, idOf };
}

/**
 * The tags whose words occur in the request in order and next to each other, a word also matching its plural ("s")
 * and a multi-word tag also its words written together ("hip hop" in "hiphop"). Tag ids ascending.
 * @example literalTags(vocab, "Some hiphop with guitars") // ids of "hip hop" and "guitar"
 */
export function literalTags(vocab: TagVocabulary, request: string): number[] {
  const ws = words(request);
  const present = new Set(ws);
  for (const w of ws) if (w.length > 3 && w.endsWith("s")) present.add(w.slice(0, -1));
  const out: number[] = [];
  vocab.tagWords.forEach((tw, id) => {
    if (tw.length === 0) return;
    if (tw.length > 1 && present.has(tw.join(""))) {
      out.push(id);
      return;
    }
    if (!tw.every((w) => present.has(w))) return;
    if (tw.length === 1 || occursInOrder(ws, tw)) out.push(id);
  });
  return out;
}

/** True when `phrase` occurs in `ws` as consecutive words (each word or its plural). */
function occursInOrder(ws: readonly string[], phrase: readonly string[]): boolean {
  const same = (w: string, p: string) => w === p || w === `${p}s`;
  for (let i = 0; i + phrase.length <= ws.length; i++) {
    if (phrase.every((p, j) => same(ws[i + j], p))) return true;
  }
  return false;
}

/**
 * @file Title IDs: the item's name as lower-cased word tokens, then an end token (so no name is a prefix of a
 * longer one), then a disambiguation token where names repeat. A catalog where most items have no name of their
 * own (Jamendo: 11,565 of 55,525 tracks) cannot be named this way, and the scheme refuses it, saying so.
 */
import { ModelFitError } from "../../../errors.js";
import { digest, disambiguate, type IdScheme } from "./index.js";

const END = "</s>";

/**
 * A name's word tokens: runs of letters, digits and apostrophes, lower-cased; a name with none (e.g. "!!!") is one
 * token, itself.
 * @example nameWords("The Beatles (Remastered)") // ["the", "beatles", "remastered"]
 */
export function nameWords(name: string): string[] {
  const words = name.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  return words.length > 0 ? words : [name.trim() || "?"];
}

/** @example TITLE_IDS.build(domain, p).tokens.slice(0, 3) // ["</s>", "the", "of"] (then by frequency) */
export const TITLE_IDS: IdScheme = {
  name: "title",
  key: (domain) => digest(["title", domain.items.names.join("\u0000"), { rows: 1, cols: domain.items.popularity.length, data: domain.items.popularity }]),
  build(domain) {
    const { ids, names } = domain.items;
    // Domains name an item by its id when nothing better is known: such items have no title to decode.
    const unnamed = names.filter((n, i) => n === ids[i] || n.trim() === "").length;
    if (unnamed > names.length / 2) {
      throw new ModelFitError(`title ids: ${unnamed} of ${names.length} items of domain ${domain.name} have no name of their own, so most could never be decoded by title; use another ID scheme`);
    }
    const words = names.map(nameWords);
    const freq = new Map<string, number>();
    for (const ws of words) for (const w of ws) freq.set(w, (freq.get(w) ?? 0) + 1);
    const vocab = [END, ...[...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : a > b ? 1 : 0))];
    const index = new Map(vocab.map((w, i) => [w, i]));
    const raw = words.map((ws) => [...ws.map((w) => index.get(w)!), 0]);
    const { sequences, tokens } = disambiguate(raw, vocab, domain.items.popularity);
    return { scheme: "title", source: `item names as word tokens (${vocab.length - 1} words) + end token`, tokens, sequences };
  },
};

/**
 * @file Synthetic catalog rows and a tiny deterministic fake encoder for store tests and benchmarks (no weights).
 */
import { matrix, type Matrix } from "../core/matrix.js";
import type { CatalogBatch, CatalogItem } from "./catalog.js";

/** Dimensions of the fake encoder. */
export const FAKE_DIMS = 8;

/** A deterministic 8-d "encoder": character trigram hashing, so similar texts get similar vectors. Never loads weights. */
export function fakeEncode(texts: readonly string[]): Matrix {
  const out = matrix(texts.length, FAKE_DIMS);
  texts.forEach((t, i) => {
    const s = ` ${t.toLowerCase()} `;
    for (let j = 0; j + 3 <= s.length; j++) {
      let h = 2166136261;
      for (let c = j; c < j + 3; c++) h = Math.imul(h ^ s.charCodeAt(c), 16777619);
      out.data[i * FAKE_DIMS + ((h >>> 0) % FAKE_DIMS)] += (h & 1) === 0 ? 1 : -1;
    }
  });
  return out;
}

const TAGS = ["Rock", "pop", "jazz", "electronic", "ambient", "happy", "sad", "piano", "guitar", "hip-hop"];

/** Synthetic items: artists "Artist 0..6" (every 9th item has none), 2–3 tags each, popularity = i % 50. */
export function syntheticItems(n: number): CatalogItem[] {
  return Array.from({ length: n }, (_, i) => {
    const tags = [TAGS[i % TAGS.length], TAGS[(i * 3 + 1) % TAGS.length], ...(i % 4 === 0 ? [TAGS[(i * 7 + 2) % TAGS.length]] : [])];
    const artist = i % 9 === 0 ? undefined : `Artist ${i % 7}`;
    const title = `Song ${i} ${["Blue", "Morning", "Night", "O'Neil"][i % 4]}`;
    return {
      id: `item_${String(i).padStart(4, "0")}`,
      name: artist ? `${title} — ${artist}` : title,
      title,
      ...(artist ? { artist } : {}),
      tags: [...new Set(tags)],
      url: `https://example.org/${i}`,
      popularity: i % 50,
      text: `${title} ${artist ?? ""} ${tags.join(" ")}`,
    };
  });
}

/** Splits items into build batches with two vector columns, `tagtext` (tags) and `name` (title; zero every 25th). */
export function syntheticBatches(items: readonly CatalogItem[], batchSize = 64): CatalogBatch[] {
  const out: CatalogBatch[] = [];
  for (let lo = 0; lo < items.length; lo += batchSize) {
    const part = items.slice(lo, lo + batchSize);
    // Every 25th item has no name signal (an all-zero `name` row), like Jamendo tracks without a title.
    out.push({ items: part, vectors: { tagtext: fakeEncode(part.map((it) => it.tags.join(" "))), name: fakeEncode(part.map((it, j) => ((lo + j) % 25 === 0 ? "" : (it.title ?? it.name)))) } });
  }
  return out;
}


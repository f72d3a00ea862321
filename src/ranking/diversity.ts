/**
 * @file Diverse top lists: walk a ranked list and keep an item only while its album and its artist have room (by
 * default at most 2 of one album and 3 of one artist), folding near-duplicate titles (the same song again, live, as
 * a remix or an edit) into the first one. Optionally re-rank by maximal marginal relevance (MMR) over the items'
 * vectors first. Items left out come back at the end, in order, only when nothing else can fill `k`.
 */
import { z } from "zod";
import { InputError } from "../errors.js";

/** How diverse a top list must be. */
export interface DiversityOptions {
  /** [maxPerAlbum=2] items of one album in the top list; 0 = no limit. */
  readonly maxPerAlbum: number;
  /** [maxPerArtist=3] items of one artist; 0 = no limit. */
  readonly maxPerArtist: number;
  /** [foldTitles=true] keep only the first of items whose titles differ only by a version note, case or punctuation. */
  readonly foldTitles: boolean;
  /**
   * [mmr=0, off] MMR trade-off λ in (0, 1]: each next item maximizes λ·relevance − (1 − λ)·(its highest cosine with
   * an item already chosen), relevance being the score rescaled to [0, 1] over the candidates. 1 = the plain order.
   */
  readonly mmr: number;
}

export const DEFAULT_DIVERSITY: DiversityOptions = Object.freeze({ maxPerAlbum: 2, maxPerArtist: 3, foldTitles: true, mmr: 0 });

/** Diversity as the API and the CLI take it: any field over the defaults, or `false` for none. */
export const DiversityInput = z.union([
  z.literal(false),
  z
    .object({
      maxPerAlbum: z.number().int().min(0).max(100).optional(),
      maxPerArtist: z.number().int().min(0).max(100).optional(),
      foldTitles: z.boolean().optional(),
      mmr: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);

/** Resolves options: `false` turns every rule off; fields not given keep their defaults. */
export function diversityOptions(input: z.input<typeof DiversityInput> | undefined): DiversityOptions | undefined {
  if (input === false) return undefined;
  const parsed = DiversityInput.safeParse(input ?? {});
  if (!parsed.success) throw new InputError(`bad diversity options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "diversity"}: ${i.message}`).join("; ")}`, { field: "diversity" });
  return { ...DEFAULT_DIVERSITY, ...(parsed.data === false ? {} : parsed.data) };
}

/** What diversity knows of a candidate. */
export interface DiversityItem {
  readonly album?: string;
  readonly artist?: string;
  readonly title?: string;
}

/**
 * A title reduced to the song: lower case, accents and punctuation dropped, a trailing version note removed
 * ("(Live)", "- Radio Edit", "[Remix]", "(feat. X)", "Pt. 2" stays).
 * @example titleKey("Intro (Radio Edit)") === titleKey("intro") // true
 */
export function titleKey(title: string): string {
  const bare = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\s*[([][^)\]]*(?:edit|mix|remix|version|live|remaster(?:ed)?|instrumental|acoustic|feat\.?|ft\.?|demo|radio|extended|original)[^)\]]*[)\]]\s*$/g, "")
    .replace(/\s+-\s+[^-]*\b(?:edit|mix|remix|version|live|remaster(?:ed)?|instrumental|acoustic|demo)\b.*$/g, "");
  return bare.replace(/[^\p{L}\p{N}]+/gu, "");
}

/**
 * The order in which to show `ranked` (indices into it, best first, all of them): MMR first when asked (with
 * `vectorOf` giving each candidate's unit vector), then the album, artist and title rules over the first `k`.
 * @example diversify([{ album: "a" }, { album: "a" }, { album: "a" }, { album: "b" }], [4, 3, 2, 1], 3, DEFAULT_DIVERSITY) // [0, 1, 3, 2]
 */
export function diversify(
  items: readonly DiversityItem[],
  scores: readonly number[],
  k: number,
  options: DiversityOptions,
  vectorOf?: (i: number) => Float32Array | undefined,
): number[] {
  const order = options.mmr > 0 && options.mmr < 1 && vectorOf !== undefined ? mmrOrder(scores, options.mmr, vectorOf, Math.max(k, 1)) : items.map((_, i) => i);
  const albums = new Map<string, number>();
  const artists = new Map<string, number>();
  const titles = new Set<string>();
  const kept: number[] = [];
  const left: number[] = [];
  for (const i of order) {
    if (kept.length >= k) {
      left.push(i);
      continue;
    }
    const { album, artist, title } = items[i];
    const titleSeen = options.foldTitles && title !== undefined && titleKey(title) !== "" && titles.has(`${artist ?? ""}|${titleKey(title)}`);
    const albumFull = options.maxPerAlbum > 0 && album !== undefined && (albums.get(album) ?? 0) >= options.maxPerAlbum;
    const artistFull = options.maxPerArtist > 0 && artist !== undefined && (artists.get(artist) ?? 0) >= options.maxPerArtist;
    if (titleSeen || albumFull || artistFull) {
      left.push(i);
      continue;
    }
    kept.push(i);
    if (album !== undefined) albums.set(album, (albums.get(album) ?? 0) + 1);
    if (artist !== undefined) artists.set(artist, (artists.get(artist) ?? 0) + 1);
    if (title !== undefined) titles.add(`${artist ?? ""}|${titleKey(title)}`);
  }
  return [...kept, ...left];
}

/** MMR over the first `3k` candidates (best first by score), the rest after them in score order. */
function mmrOrder(scores: readonly number[], lambda: number, vectorOf: (i: number) => Float32Array | undefined, k: number): number[] {
  const byScore = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const head = byScore.slice(0, 3 * k);
  const lo = Math.min(...head.map((i) => scores[i]));
  const hi = Math.max(...head.map((i) => scores[i]));
  const rel = (i: number) => (hi > lo ? (scores[i] - lo) / (hi - lo) : 1);
  const chosen: number[] = [];
  const maxSim = new Float64Array(head.length).fill(0);
  const open = new Set(head.map((_, j) => j));
  while (open.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const j of open) {
      const v = lambda * rel(head[j]) - (1 - lambda) * (chosen.length > 0 ? maxSim[j] : 0);
      if (v > bestValue) [best, bestValue] = [j, v];
    }
    open.delete(best);
    chosen.push(head[best]);
    const vb = vectorOf(head[best]);
    if (vb !== undefined) {
      for (const j of open) {
        const vj = vectorOf(head[j]);
        if (vj === undefined) continue;
        let dot = 0;
        for (let d = 0; d < vb.length; d++) dot += vb[d] * vj[d];
        if (dot > maxSim[j]) maxSim[j] = dot;
      }
    }
  }
  return [...chosen, ...byScore.slice(3 * k)];
}

/**
 * @file "Like X" as listeners mean it: the artists X's listeners also play. Similarity is the cosine of two artists'
 * listener sets (users in common / sqrt(listeners of each)), damped for artists few people play, from a catalog's
 * listening histories (Last.fm-2k's user_artists.dat). Raw users in common would put the most popular artists next
 * to everyone; names never enter.
 */
import { topK } from "../core/topk.js";

/**
 * [LISTENER_EVIDENCE=20] Listeners at which a neighbour's cosine counts half: an artist one person plays has a cosine
 * of 1 / sqrt(listeners of X) with every artist that person plays, which says nothing of how it sounds. Scaled by
 * listeners / (listeners + 20), the neighbours of an artist with one listener are that listener's artists that others
 * play too, and those of a popular artist barely move.
 */
export const LISTENER_EVIDENCE = 20;

/** One listen: a user played an artist (ids as the catalog spells its items). */
export interface Listen {
  readonly user: string;
  readonly item: string;
}

/** A neighbour of the named items, with its mean cosine to them. */
export interface Neighbour {
  readonly id: string;
  readonly similarity: number;
}

/** Listener sets of a catalog's items, indexed both ways. */
export class CoListening {
  private readonly row: ReadonlyMap<string, number>;

  private constructor(
    private readonly ids: readonly string[],
    private readonly listenersOf: readonly Int32Array[],
    private readonly itemsOf: readonly Int32Array[],
  ) {
    this.row = new Map(ids.map((id, i) => [id, i]));
  }

  /** Builds the index from listens; repeated (user, item) pairs count once. */
  static fromListens(listens: Iterable<Listen>): CoListening {
    const itemRow = new Map<string, number>();
    const userRow = new Map<string, number>();
    const listeners: Set<number>[] = [];
    const items: Set<number>[] = [];
    for (const { user, item } of listens) {
      let i = itemRow.get(item);
      if (i === undefined) itemRow.set(item, (i = listeners.push(new Set()) - 1));
      let u = userRow.get(user);
      if (u === undefined) userRow.set(user, (u = items.push(new Set()) - 1));
      listeners[i].add(u);
      items[u].add(i);
    }
    const sorted = (s: Set<number>) => Int32Array.from(s).sort();
    return new CoListening([...itemRow.keys()], listeners.map(sorted), items.map(sorted));
  }

  /** How many listeners an item has (0 for an item nobody played). */
  listeners(id: string): number {
    const r = this.row.get(id);
    return r === undefined ? 0 : this.listenersOf[r].length;
  }

  /** Users in common between `id` and every item that shares one, by item id. */
  common(id: string): Map<string, number> {
    const counts = this.commonRows(id);
    const out = new Map<string, number>();
    counts?.forEach((c, j) => {
      if (c > 0) out.set(this.ids[j], c);
    });
    return out;
  }

  /**
   * Every item sharing a listener with the named items, by its cosine averaged over the named ones (those nobody
   * played are skipped); the named items themselves are left out.
   */
  similarTo(named: readonly string[]): Map<string, number> {
    const sum = new Float32Array(this.ids.length);
    let used = 0;
    for (const id of named) {
      const counts = this.commonRows(id);
      if (counts === undefined) continue;
      used++;
      const nx = this.listenersOf[this.row.get(id)!].length;
      counts.forEach((c, j) => {
        const ny = this.listenersOf[j].length;
        if (c > 0) sum[j] += (c / Math.sqrt(nx * ny)) * (ny / (ny + LISTENER_EVIDENCE));
      });
    }
    const out = new Map<string, number>();
    const namedSet = new Set(named);
    sum.forEach((v, j) => {
      if (v > 0 && !namedSet.has(this.ids[j])) out.set(this.ids[j], v / used);
    });
    return out;
  }

  /** The `n` best of {@link similarTo} that `accept` lets through, best first. */
  similar(named: readonly string[], n: number, accept: (id: string) => boolean = () => true): Neighbour[] {
    return bestNeighbours(this.similarTo(named), n, accept);
  }

  private commonRows(id: string): Int32Array | undefined {
    const r = this.row.get(id);
    if (r === undefined) return undefined;
    const counts = new Int32Array(this.ids.length);
    for (const u of this.listenersOf[r]) for (const j of this.itemsOf[u]) counts[j]++;
    counts[r] = 0;
    return counts;
  }
}

/** The `n` best entries of a {@link CoListening.similarTo} map that `accept` lets through, best first (ties in map order). */
export function bestNeighbours(near: ReadonlyMap<string, number>, n: number, accept: (id: string) => boolean = () => true): Neighbour[] {
  if (n < 1) return [];
  const entries = [...near];
  const best = topK(Float32Array.from(entries, ([, v]) => v), n, { exclude: (i) => !accept(entries[i][0]) });
  return best.map((i) => ({ id: entries[i][0], similarity: entries[i][1] }));
}

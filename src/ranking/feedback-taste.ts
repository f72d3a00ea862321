/**
 * @file Taste from explicit feedback: a user's liked items, averaged in the catalog's own vector space, scored
 * as cosine(item, normalized mean of the liked items' unit vectors).
 */
import type { Matrix } from "../core/matrix.js";
import type { Catalog } from "../store/catalog.js";
import type { TasteSource } from "./catalog-ranker.js";

/** Where a user's liked item ids come from (the state repository, at request time). */
export type LikedItemsLookup = (userId: string) => Promise<readonly string[]>;

/**
 * A {@link TasteSource} built from likes. A user with no likes (or only likes of unknown or vector-less items)
 * has affinity 0 for everything, so the ranking is unchanged; an unknown user is not an error here because
 * every listener starts without likes.
 *
 * @example
 * const taste = await FeedbackTaste.open(catalog, async (user) => likesOf(user));
 * await taste.affinities("alice", ["track_1", "track_2"]) // Float32Array [0.93, -0.12]
 */
export class FeedbackTaste implements TasteSource {
  private readonly rowOf: ReadonlyMap<string, number>;
  /** Unit rows (rows = items, cols = dims); all-zero rows stay zero. */
  private readonly unit: Float32Array;
  private readonly dims: number;

  /**
   * @param vectors every item's vector of one column (rows follow `ids`).
   * @param likedItems the user's liked ids, looked up at each call so a new like counts at once.
   */
  constructor(
    vectors: { ids: readonly string[]; matrix: Matrix },
    private readonly likedItems: LikedItemsLookup,
  ) {
    const { ids, matrix } = vectors;
    this.dims = matrix.cols;
    this.rowOf = new Map(ids.map((id, i) => [id, i]));
    this.unit = new Float32Array(matrix.data);
    for (let i = 0; i < matrix.rows; i++) {
      const r = this.unit.subarray(i * this.dims, (i + 1) * this.dims);
      let s = 0;
      for (let j = 0; j < r.length; j++) s += r[j] * r[j];
      // All-zero rows (no signal in this column) stay zero instead of dividing by zero.
      if (s > 0) {
        const inv = 1 / Math.sqrt(s);
        for (let j = 0; j < r.length; j++) r[j] *= inv;
      }
    }
  }

  /** Reads a catalog's vectors of `column` (default: the catalog's default column) once. */
  static async open(catalog: Catalog, likedItems: LikedItemsLookup, column?: string): Promise<FeedbackTaste> {
    return new FeedbackTaste(await catalog.vectors(column ?? catalog.info().defaultVectorColumn), likedItems);
  }

  /**
   * The unit taste vector of a set of liked ids: the normalized mean of their unit vectors, or undefined when
   * none of them has a non-zero vector in this catalog.
   */
  tasteVector(likedIds: readonly string[]): Float32Array | undefined {
    const sum = new Float64Array(this.dims);
    let used = 0;
    for (const id of new Set(likedIds)) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      const r = this.unit.subarray(row * this.dims, (row + 1) * this.dims);
      let nonZero = false;
      for (let j = 0; j < this.dims; j++) {
        sum[j] += r[j];
        if (r[j] !== 0) nonZero = true;
      }
      if (nonZero) used++;
    }
    if (used === 0) return undefined;
    let n = 0;
    for (let j = 0; j < this.dims; j++) n += sum[j] * sum[j];
    // Opposite likes can cancel out exactly: then there is no direction to prefer.
    if (n < 1e-20) return undefined;
    const inv = 1 / Math.sqrt(n);
    return Float32Array.from(sum, (v) => v * inv);
  }

  /** Cosine of each item with the user's taste vector (-1..1); 0 for unknown items and users without likes. */
  async affinities(userId: string, itemIds: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(itemIds.length);
    const taste = this.tasteVector(await this.likedItems(userId));
    if (!taste) return out;
    itemIds.forEach((id, i) => {
      const row = this.rowOf.get(id);
      if (row === undefined) return;
      let s = 0;
      const base = row * this.dims;
      for (let j = 0; j < this.dims; j++) s += this.unit[base + j] * taste[j];
      out[i] = s;
    });
    return out;
  }
}

/**
 * @file Top-k selection over a dense score vector, with masks: the mechanics every ranker shares.
 */

/** Options for {@link topK}. */
export interface TopKOptions {
  /** Item indices that must not be returned (seen items, hard-constraint violations). */
  exclude?: ReadonlySet<number> | ((index: number) => boolean);
}

/**
 * Indices of the k highest scores, best first. Ties break by lower index, so results are deterministic.
 * NaN scores are treated as -Infinity. Asking for more than exist returns all eligible items.
 * @example topK(Float32Array.of(0.1, 0.9, 0.5), 2) // [1, 2]
 */
export function topK(scores: ArrayLike<number>, k: number, options: TopKOptions = {}): number[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  const ex = options.exclude;
  const excluded = ex === undefined ? () => false : typeof ex === "function" ? ex : (i: number) => ex.has(i);
  // A bounded min-heap keeps this O(n log k): scoring 55k items for k=100 must not sort 55k values.
  const heapIdx: number[] = [];
  const heapVal: number[] = [];
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  const siftUp = (p: number) => {
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (!worse(heapVal[p], heapIdx[p], heapVal[parent], heapIdx[parent])) break;
      swap(p, parent);
      p = parent;
    }
  };
  const siftDown = (p: number) => {
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heapIdx.length && worse(heapVal[l], heapIdx[l], heapVal[m], heapIdx[m])) m = l;
      if (r < heapIdx.length && worse(heapVal[r], heapIdx[r], heapVal[m], heapIdx[m])) m = r;
      if (m === p) return;
      swap(p, m);
      p = m;
    }
  };
  function swap(a: number, b: number) {
    // Temporaries, not destructuring: array literals here allocated on every sift and fed the GC on hot paths.
    const i = heapIdx[a];
    heapIdx[a] = heapIdx[b];
    heapIdx[b] = i;
    const v = heapVal[a];
    heapVal[a] = heapVal[b];
    heapVal[b] = v;
  }
  for (let i = 0; i < scores.length; i++) {
    const raw = scores[i];
    const v = raw !== raw ? -Infinity : raw; // NaN
    // Once the heap is full, most scores lose to its root: reject them before the exclusion test and any call.
    // (i only grows, so an equal score never beats the root's lower index.)
    if (heapIdx.length === k && v <= heapVal[0]) continue;
    if (ex !== undefined && excluded(i)) continue;
    if (heapIdx.length < k) {
      heapIdx.push(i);
      heapVal.push(v);
      siftUp(heapIdx.length - 1);
    } else if (worse(heapVal[0], heapIdx[0], v, i)) {
      heapIdx[0] = i;
      heapVal[0] = v;
      siftDown(0);
    }
  }
  const order = heapIdx.map((idx, j) => [idx, heapVal[j]] as const);
  order.sort((a, b) => (b[1] - a[1]) || (a[0] - b[0]));
  return order.map(([idx]) => idx);
}

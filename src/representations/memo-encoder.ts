/**
 * @file An in-memory LRU in front of an encoder, for requests: repeated requests skip the model, and nothing
 * touches the disk (the on-disk cache is for catalog texts; one fsync'd shard per request would dominate latency).
 */
import { matrix, type Matrix } from "../core/matrix.js";
import type { TextEncoder } from "./text-encoder.js";

/**
 * Wraps `inner` with an LRU of at most `capacity` vectors, keyed by the exact text. Same id and dims as `inner`.
 * @example const enc = memoizedEncoder(useLite, 1000); await enc.encode(["calm piano"]); // second call: no model run
 */
export function memoizedEncoder(inner: TextEncoder, capacity = 4096): TextEncoder {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  const lru = new Map<string, Float32Array>();
  const remember = (text: string, vector: Float32Array) => {
    lru.delete(text);
    lru.set(text, vector);
    if (lru.size > capacity) lru.delete(lru.keys().next().value as string);
  };
  return {
    id: inner.id,
    dims: inner.dims,
    async encode(texts: readonly string[]): Promise<Matrix> {
      const missing = [...new Set(texts.filter((t) => !lru.has(t)))];
      const fresh = new Map<string, Float32Array>();
      if (missing.length > 0) {
        const m = await inner.encode(missing);
        missing.forEach((t, i) => fresh.set(t, m.data.slice(i * m.cols, (i + 1) * m.cols)));
      }
      const out = matrix(texts.length, inner.dims);
      texts.forEach((t, i) => {
        const v = fresh.get(t) ?? lru.get(t)!;
        out.data.set(v, i * inner.dims);
        remember(t, v);
      });
      return out;
    },
    dispose() {
      inner.dispose?.();
    },
  };
}

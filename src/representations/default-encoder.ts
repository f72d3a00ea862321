/**
 * @file The project's default request/item text encoder: USE-lite behind the disk cache, model loaded lazily.
 */
import path from "node:path";
import type { Config } from "../config.js";
import type { Matrix } from "../core/matrix.js";
import type { Progress } from "../datasets/types.js";
import { cachedEncoder } from "./cached-encoder.js";
import { memoizedEncoder } from "./memo-encoder.js";
import type { TextEncoder } from "./text-encoder.js";
import { createUseLiteEncoder, USE_LITE_DIMS, USE_LITE_ID } from "./use-lite.js";

/** Where encoder caches live under the home directory. */
export function encoderCacheDir(config: Config): string {
  return path.join(config.homeDir, "cache", "encoder");
}

/**
 * A TextEncoder that defers `create()` until the first `encode` call: with a warm cache in front, the model
 * is never loaded at all.
 */
export function lazyEncoder(id: string, dims: number, create: () => Promise<TextEncoder>): TextEncoder {
  let inner: Promise<TextEncoder> | undefined;
  return {
    id,
    dims,
    async encode(texts: readonly string[]): Promise<Matrix> {
      inner ??= create().then((enc) => {
        if (enc.id !== id || enc.dims !== dims) throw new Error(`lazy encoder expected ${id}/${dims}, got ${enc.id}/${enc.dims}`);
        return enc;
      });
      return (await inner).encode(texts);
    },
    dispose() {
      void inner?.then((e) => e.dispose?.());
    },
  };
}

/**
 * USE-lite (512-d) cached under `<homeDir>/cache/encoder`, loading the model only when a text is not cached.
 * @example const enc = defaultTextEncoder(config); await enc.encode(["calm piano"]); // 1x512
 */
export function defaultTextEncoder(config: Config, progress?: Progress): TextEncoder {
  return cachedEncoder(lazyEncoder(USE_LITE_ID, USE_LITE_DIMS, createUseLiteEncoder), encoderCacheDir(config), progress);
}

/**
 * USE-lite for requests: an in-memory LRU in front of the model, no disk writes on the request path.
 * Same id as {@link defaultTextEncoder}, so its vectors are comparable with the catalog's.
 */
export function defaultQueryEncoder(): TextEncoder {
  return memoizedEncoder(lazyEncoder(USE_LITE_ID, USE_LITE_DIMS, createUseLiteEncoder));
}

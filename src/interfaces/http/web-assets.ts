/**
 * @file The web app's static files (plain HTML, CSS and ES modules in `src/interfaces/web/`), read once at start
 * and served from memory.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The folder of the web app next to this one. */
export const WEB_DIR = path.resolve(import.meta.dirname, "../web");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/** One served file. */
export interface WebAsset {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * Reads the servable files of `dir` (by extension; tests and TypeScript are left out).
 * @example loadWebAssets(WEB_DIR).get("index.html")?.type // "text/html; charset=utf-8"
 */
export function loadWebAssets(dir: string = WEB_DIR): Map<string, WebAsset> {
  const out = new Map<string, WebAsset>();
  for (const name of readdirSync(dir).sort()) {
    const type = TYPES[path.extname(name)];
    if (type === undefined || name.includes(".test.")) continue;
    out.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  if (!out.has("index.html")) throw new Error(`web app folder ${dir} has no index.html`);
  return out;
}

/**
 * @file The disk cache of item identifiers: one JSON file per (scheme, digest of its inputs), written atomically,
 * so k-means over a catalog runs once per input, not once per fit.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../../core/fs.js";
import type { Domain } from "../../../domains/types.js";
import { ID_SCHEME_NAMES, type IdParams, type IdScheme, type ItemIds } from "./index.js";

const FileSchema = z.object({
  format: z.literal("askmusic/text2tracks-ids@1"),
  scheme: z.enum(ID_SCHEME_NAMES),
  key: z.string(),
  source: z.string(),
  tokens: z.array(z.string()),
  sequences: z.array(z.array(z.number().int().min(0))),
});

/** Where a cached id table lives, and whether it was read from disk or built now. */
export interface CachedIds {
  readonly ids: ItemIds;
  readonly file: string | undefined;
  readonly cached: boolean;
  readonly seconds: number;
}

/**
 * The scheme's ids for the domain: read from `dir` when built before from the same inputs, else built and written
 * there. `dir` undefined: built every time. An unreadable or mismatched cache file is rebuilt over, not trusted.
 * @example (await cachedIds(SEMANTIC_IDS, domain, params, "/tmp/ids")).cached // false the first time, then true
 */
export async function cachedIds(scheme: IdScheme, domain: Domain, params: IdParams, dir: string | undefined): Promise<CachedIds> {
  const t0 = performance.now();
  const key = scheme.key(domain, params);
  const file = dir !== undefined ? path.join(dir, `${scheme.name}-${key}.json`) : undefined;
  const n = domain.items.ids.length;
  if (file !== undefined) {
    const text = await fs.readFile(file, "utf8").catch(() => undefined);
    const parsed = text !== undefined ? FileSchema.safeParse(safeJson(text)) : undefined;
    if (parsed?.success && parsed.data.key === key && parsed.data.sequences.length === n) {
      const d = parsed.data;
      const ids: ItemIds = { scheme: d.scheme, source: d.source, tokens: d.tokens, sequences: d.sequences.map((s) => Int32Array.from(s)) };
      return { ids, file, cached: true, seconds: (performance.now() - t0) / 1000 };
    }
  }
  const ids = scheme.build(domain, params);
  if (file !== undefined) {
    const body: z.input<typeof FileSchema> = { format: "askmusic/text2tracks-ids@1", scheme: ids.scheme, key, source: ids.source, tokens: [...ids.tokens], sequences: ids.sequences.map((s) => Array.from(s)) };
    await writeFileAtomic(file, JSON.stringify(body));
  }
  return { ids, file, cached: false, seconds: (performance.now() - t0) / 1000 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

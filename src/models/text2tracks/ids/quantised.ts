/**
 * @file What the semantic and content schemes share: pick the item feature, L2-normalise its rows (so codes follow
 * direction, not popularity-driven norms), residual-quantise, and disambiguate collisions, most played first.
 * (lfm2k-tagq CF, 3 x 64: normalised rows give 5,453 distinct paths and at most 90 items on one; raw rows 654 paths,
 * since artists with few plays all sit near the origin.)
 */
import { normalizeRows, type Matrix } from "../../../core/matrix.js";
import type { Domain } from "../../../domains/types.js";
import { ModelFitError } from "../../../errors.js";
import { digest, disambiguate, type IdParams, type IdSchemeName, type ItemIds } from "./index.js";
import { residualQuantise } from "./residual.js";

/** An item feature a quantised scheme may read, in order of preference. */
export interface QuantisedSource {
  readonly feature: string;
  readonly note: string;
}

function pick(scheme: IdSchemeName, sources: readonly QuantisedSource[], domain: Domain): { source: QuantisedSource; x: Matrix } {
  for (const source of sources) {
    const x = domain.items.features[source.feature];
    if (x !== undefined) return { source, x };
  }
  throw new ModelFitError(
    `${scheme} ids: domain ${domain.name} has none of items.features.${sources.map((s) => s.feature).join(" / ")} (it has ${Object.keys(domain.items.features).join(", ") || "none"})`,
  );
}

/** The cache key: scheme, feature name, its values and the params. */
export function quantisedKey(scheme: IdSchemeName, sources: readonly QuantisedSource[], domain: Domain, p: IdParams): string {
  const { source, x } = pick(scheme, sources, domain);
  const popularity = { rows: 1, cols: domain.items.popularity.length, data: domain.items.popularity };
  return digest([scheme, source.feature, x, popularity, `${p.levels}x${p.codes}@${p.seed}`, "disambiguation by popularity"]);
}

/** Tokens "<level>:<code>" (level 1-based), one block of C per level, then the disambiguation tokens. */
export function quantisedIds(scheme: IdSchemeName, sources: readonly QuantisedSource[], domain: Domain, p: IdParams): ItemIds {
  const { source, x } = pick(scheme, sources, domain);
  if (x.rows !== domain.items.ids.length) throw new ModelFitError(`${scheme} ids: items.features.${source.feature} has ${x.rows} rows, expected ${domain.items.ids.length}`);
  const codes = residualQuantise(normalizeRows(x), { levels: p.levels, codes: p.codes, seed: p.seed });
  const raw = Array.from({ length: x.rows }, (_, i) => codes.map((level, l) => l * p.codes + level[i]));
  const base = Array.from({ length: p.levels * p.codes }, (_, t) => `${Math.floor(t / p.codes) + 1}:${t % p.codes}`);
  const { sequences, tokens } = disambiguate(raw, base, domain.items.popularity);
  return { scheme, source: `items.features.${source.feature} (${source.note}, ${x.cols}-d), residual k-means ${p.levels} x ${p.codes}`, tokens, sequences };
}

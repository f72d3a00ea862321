/**
 * @file CatalogFilter → LanceDB SQL predicate, with the same semantics as `matchesFilter` in store/catalog.ts.
 */
import type { NormalizedFilter } from "../catalog.js";
import { COL } from "./schema.js";

/** A SQL string literal: single quotes doubled (the only escape DataFusion needs). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function list(values: Iterable<string>): string {
  return [...values].map(sqlString).join(", ");
}

/**
 * The WHERE clause of a normalized filter, or undefined when nothing constrains.
 * Tag keys and artist keys are stored lower-cased (columns `tag_keys`, `artist_key`), so comparisons are exact here.
 * @example filterToSql(normalizeFilter({ includeTags: ["Rock"] })) // "array_has_any(tag_keys, ['rock'])"
 */
export function filterToSql(filter: NormalizedFilter | undefined): string | undefined {
  if (!filter) return undefined;
  const parts: string[] = [];
  if (filter.includeTags) parts.push(`array_has_any(${COL.tagKeys}, [${list(filter.includeTags)}])`);
  if (filter.excludeTags) parts.push(`NOT array_has_any(${COL.tagKeys}, [${list(filter.excludeTags)}])`);
  // NULL NOT IN (...) is NULL (row dropped): items without an artist must pass, hence the IS NULL arm.
  if (filter.excludeArtists) parts.push(`(${COL.artistKey} IS NULL OR ${COL.artistKey} NOT IN (${list(filter.excludeArtists)}))`);
  if (filter.excludeIds) parts.push(`${COL.id} NOT IN (${list(filter.excludeIds)})`);
  if (filter.minPopularity !== undefined) parts.push(`${COL.popularity} >= ${Number(filter.minPopularity)}`);
  return parts.length > 0 ? parts.join(" AND ") : undefined;
}

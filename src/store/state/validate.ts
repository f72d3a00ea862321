/**
 * @file Checks of every value a StateRepository writes, shared by the SQLite and PostgreSQL implementations.
 */
import { InputError } from "../../errors.js";

/** A user id: 1–64 characters of [A-Za-z0-9._-] (safe in URLs, file names and log lines). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** A catalog name: same alphabet as user ids. */
export const CATALOG_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Longest item id and display name accepted, in characters. */
export const MAX_ITEM_ID_LENGTH = 256;
export const MAX_NAME_LENGTH = 200;

// C0/C1 control characters would corrupt one-line logs and terminal output.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `id` is a well-formed user id (lookups of malformed ids simply find nothing). */
export function isUserId(id: unknown): id is string {
  return typeof id === "string" && USER_ID_PATTERN.test(id);
}

/** Throws an InputError naming the field unless `id` is a well-formed user id. */
export function checkUserId(id: unknown, field = "id"): string {
  if (!isUserId(id)) {
    throw new InputError(`${field} must be 1-64 characters of letters, digits, ".", "_" or "-", got ${describe(id)}`, { field });
  }
  return id;
}

/** Throws unless `name` is undefined or 1–200 characters without control characters; returns it trimmed. */
export function checkName(name: unknown, field = "name"): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== "string" || name.trim().length === 0 || name.length > MAX_NAME_LENGTH || CONTROL.test(name)) {
    throw new InputError(`${field} must be 1-${MAX_NAME_LENGTH} characters without control characters, got ${describe(name)}`, { field });
  }
  return name.trim();
}

/** Throws unless `hash` is a SHA-256 hex digest (64 lowercase hex characters), as made by hashToken. */
export function checkTokenHash(hash: unknown, field = "tokenHash"): string {
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new InputError(`${field} must be a SHA-256 hex digest (use hashToken), got ${describe(hash)}`, { field });
  }
  return hash;
}

/** Throws unless `catalog` is a well-formed catalog name. */
export function checkCatalog(catalog: unknown, field = "catalog"): string {
  if (typeof catalog !== "string" || !CATALOG_PATTERN.test(catalog)) {
    throw new InputError(`${field} must be 1-64 characters of letters, digits, ".", "_" or "-", got ${describe(catalog)}`, { field });
  }
  return catalog;
}

/** Throws unless `itemId` is 1–256 characters without control characters. */
export function checkItemId(itemId: unknown, field = "itemId"): string {
  if (typeof itemId !== "string" || itemId.length === 0 || itemId.length > MAX_ITEM_ID_LENGTH || CONTROL.test(itemId)) {
    throw new InputError(`${field} must be 1-${MAX_ITEM_ID_LENGTH} characters without control characters, got ${describe(itemId)}`, { field });
  }
  return itemId;
}

/** Throws unless `value` is 1 (like), -1 (dislike) or 0 (clear). */
export function checkFeedbackValue(value: unknown, field = "value"): 1 | -1 | 0 {
  if (value !== 1 && value !== -1 && value !== 0) {
    throw new InputError(`${field} must be 1 (like), -1 (dislike) or 0 (clear), got ${describe(value)}`, { field });
  }
  return value;
}

/** Most prototype weights one profile holds (APRON profiles have 80 prototypes by default). */
export const MAX_PROFILE_WEIGHTS = 500;
/** Longest prototype tag accepted, in characters. */
export const MAX_TAG_LENGTH = 200;

/**
 * Throws unless `weights` is an object of at most 500 tags (1–200 characters without control characters) to numbers
 * in [0, 1]; returns a plain copy.
 */
export function checkProfileWeights(weights: unknown, field = "weights"): Record<string, number> {
  if (typeof weights !== "object" || weights === null || Array.isArray(weights)) throw new InputError(`${field} must be an object of prototype tag -> weight, got ${Array.isArray(weights) ? "an array" : describe(weights)}`, { field });
  const entries = Object.entries(weights);
  if (entries.length > MAX_PROFILE_WEIGHTS) throw new InputError(`${field} has ${entries.length} prototype weights, at most ${MAX_PROFILE_WEIGHTS} are accepted`, { field });
  const out: Record<string, number> = {};
  for (const [tag, w] of entries) {
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || CONTROL.test(tag)) throw new InputError(`${field}: a prototype tag must be 1-${MAX_TAG_LENGTH} characters without control characters, got ${describe(tag)}`, { field });
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0 || w > 1) throw new InputError(`${field}: the weight of ${describe(tag)} must be a number in [0, 1], got ${typeof w === "number" ? String(w) : describe(w)}`, { field });
    out[tag] = w;
  }
  return out;
}

/** A short, printable rendering of a rejected value for error messages. */
function describe(value: unknown): string {
  if (typeof value !== "string") return value === undefined ? "nothing" : typeof value;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return value.length > 40 ? `${shown} (${value.length} characters)` : shown;
}

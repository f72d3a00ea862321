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

/** Most arrays and values an adapter may hold (a LoRA adapter of the whitebox model has 6 arrays of 256 values). */
export const MAX_ADAPTER_ARRAYS = 64;
export const MAX_ADAPTER_VALUES = 1 << 20;

/**
 * Checks an adapter's model name (same alphabet as catalogs) and arrays (named, finite float32), and returns the
 * arrays encoded for storage: JSON { name: base64 of little-endian float32 bytes }.
 */
export function encodeAdapterArrays(model: unknown, arrays: unknown): string {
  if (typeof model !== "string" || !CATALOG_PATTERN.test(model)) throw new InputError(`model must be 1-64 characters of [A-Za-z0-9._-], got ${describe(model)}`, { field: "model" });
  if (typeof arrays !== "object" || arrays === null || Array.isArray(arrays)) throw new InputError("adapter arrays must be an object of name -> Float32Array", { field: "arrays" });
  const entries = Object.entries(arrays as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_ADAPTER_ARRAYS) throw new InputError(`an adapter has 1-${MAX_ADAPTER_ARRAYS} arrays, got ${entries.length}`, { field: "arrays" });
  let total = 0;
  const out: Record<string, string> = {};
  for (const [name, a] of entries) {
    if (!(a instanceof Float32Array)) throw new InputError(`adapter array ${describe(name)} must be a Float32Array`, { field: "arrays" });
    if (name.length === 0 || name.length > 64 || CONTROL.test(name)) throw new InputError(`adapter array names are 1-64 characters without control characters, got ${describe(name)}`, { field: "arrays" });
    if (a.some((v) => !Number.isFinite(v))) throw new InputError(`adapter array ${describe(name)} holds a non-finite value`, { field: "arrays" });
    total += a.length;
    out[name] = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
  }
  if (total > MAX_ADAPTER_VALUES) throw new InputError(`an adapter holds at most ${MAX_ADAPTER_VALUES} values, got ${total}`, { field: "arrays" });
  return JSON.stringify(out);
}

/** The inverse of {@link encodeAdapterArrays} (copies, so the arrays own aligned buffers). */
export function decodeAdapterArrays(text: string): Record<string, Float32Array> {
  const raw = JSON.parse(text) as Record<string, string>;
  const out: Record<string, Float32Array> = {};
  for (const [name, b64] of Object.entries(raw)) {
    const bytes = Buffer.from(b64, "base64");
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    out[name] = new Float32Array(copy.buffer);
  }
  return out;
}

/** Checks the feedback entries stored with an adapter and returns them as JSON text (at most 1,000 entries kept: the latest). */
export function encodeAdapterFeedback(feedback: unknown): string {
  if (!Array.isArray(feedback)) throw new InputError("adapter feedback must be a list", { field: "feedback" });
  const ok = (w: unknown): w is string[] => Array.isArray(w) && w.length <= 64 && w.every((x) => typeof x === "string" && x.length > 0 && x.length <= 64 && !CONTROL.test(x));
  for (const f of feedback as unknown[]) {
    const e = f as Record<string, unknown>;
    if (typeof e !== "object" || e === null || typeof e.text !== "string" || e.text.length > 2000 || !ok(e.strengthen) || !ok(e.weaken) || typeof e.at !== "string") {
      throw new InputError("adapter feedback entries are { text, strengthen: words, weaken: words, at }", { field: "feedback" });
    }
  }
  return JSON.stringify((feedback as unknown[]).slice(-1000).map((f) => { const e = f as Record<string, unknown>; return { text: e.text, strengthen: e.strengthen, weaken: e.weaken, at: e.at }; }));
}

/** Largest conversation document stored (bytes of its JSON): a long chat is far below it; a flood is refused. */
export const MAX_CONVERSATION_BYTES = 1_000_000;

/** Throws unless `data` is a plain JSON object of at most {@link MAX_CONVERSATION_BYTES}; returns its JSON text. */
export function encodeConversationData(data: unknown, field = "data"): string {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new InputError(`${field} must be a JSON object, got ${describe(data)}`, { field });
  const text = JSON.stringify(data);
  if (Buffer.byteLength(text) > MAX_CONVERSATION_BYTES) throw new InputError(`${field} is over ${MAX_CONVERSATION_BYTES} bytes as JSON: start a new conversation`, { field });
  return text;
}

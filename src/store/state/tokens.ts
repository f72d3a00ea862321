/**
 * @file API tokens: created once from 32 random bytes, shown to the user once, stored only as a SHA-256 digest.
 */
import { createHash, randomBytes } from "node:crypto";

/** Length of a token from {@link createToken}: 32 bytes in base64url without padding. */
export const TOKEN_LENGTH = 43;

/**
 * A new bearer token: 32 bytes from the OS CSPRNG, base64url (URL- and header-safe, no padding).
 * @example
 * createToken(); // "q3Jc0v...", 43 characters of [A-Za-z0-9_-]
 */
export function createToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The digest stored in place of a token: SHA-256, lowercase hex. A plain hash (no salt, no slow KDF) is enough
 * because tokens carry 256 random bits, so there is nothing to brute-force, and lookup by digest stays indexed.
 * @example
 * hashToken("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

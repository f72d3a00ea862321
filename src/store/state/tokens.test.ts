/**
 * @file Tokens: 256 random bits in URL-safe text, hashed with plain SHA-256 hex.
 */
import { describe, expect, it } from "vitest";
import { TOKEN_LENGTH, createToken, hashToken } from "./tokens.js";

describe("tokens", () => {
  it("creates 43-character base64url tokens that decode to 32 bytes and never repeat", () => {
    const tokens = Array.from({ length: 1000 }, createToken);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(t).toHaveLength(TOKEN_LENGTH);
      expect(Buffer.from(t, "base64url")).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(1000);
  });

  it("hashes with SHA-256 to lowercase hex (FIPS 180-2 test vector)", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const t = createToken();
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).not.toBe(hashToken(createToken()));
  });
});

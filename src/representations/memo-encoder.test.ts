import { describe, expect, it } from "vitest";
import { fakeEncoder, fakeVector } from "./fake-encoder.js";
import { memoizedEncoder } from "./memo-encoder.js";

describe("memoizedEncoder", () => {
  it("returns the inner encoder's vectors and encodes each text once", async () => {
    const inner = fakeEncoder(8);
    const enc = memoizedEncoder(inner, 10);
    const a = await enc.encode(["rock", "jazz", "rock"]);
    expect(Array.from(a.data.subarray(16, 24))).toEqual(Array.from(fakeVector("rock", 8)));
    await enc.encode(["jazz"]);
    expect(inner.seen).toEqual(["rock", "jazz"]);
    expect(enc.id).toBe(inner.id);
  });
  it("evicts the least recently used text beyond capacity", async () => {
    const inner = fakeEncoder(8);
    const enc = memoizedEncoder(inner, 2);
    await enc.encode(["a"]);
    await enc.encode(["b"]);
    await enc.encode(["a"]); // a is now the most recent
    await enc.encode(["c"]); // evicts b
    await enc.encode(["a", "b"]);
    expect(inner.seen).toEqual(["a", "b", "c", "b"]);
  });
  it("rejects a bad capacity", () => {
    expect(() => memoizedEncoder(fakeEncoder(8), 0)).toThrow(/capacity must be an integer >= 1/);
  });
});

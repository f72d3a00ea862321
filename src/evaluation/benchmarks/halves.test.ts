import { describe, expect, it } from "vitest";
import { halfOf } from "./halves.js";

describe("halfOf", () => {
  it("puts a qid in the half given by the low bit of the first byte of sha256('askmusic-half|' + qid)", () => {
    // `printf 'askmusic-half|a' | sha256sum` starts with ec (even: dev); "askmusic-half|b" with 1b (odd: holdout).
    expect(halfOf("a")).toBe("dev");
    expect(halfOf("b")).toBe("holdout");
    const qids = Array.from({ length: 1000 }, (_, i) => `q${i}`);
    const dev = qids.filter((q) => halfOf(q) === "dev").length;
    expect(dev).toBeGreaterThan(440);
    expect(dev).toBeLessThan(560);
  });
});

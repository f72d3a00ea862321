import { describe, expect, it } from "vitest";
import { carveSelectionSet } from "./selection.js";
import type { LabeledQuery } from "./types.js";

const q = (qid: string, user?: number): LabeledQuery => ({ qid, text: qid, user, relevant: [0] });

describe("carveSelectionSet", () => {
  it("takes each user's latest 10% (at least one) when they have enough queries, and keeps the rest for fitting", () => {
    const train = [
      ...Array.from({ length: 10 }, (_, i) => q(`a${i}`, 1)),
      ...Array.from({ length: 3 }, (_, i) => q(`b${i}`, 2)),
      ...Array.from({ length: 20 }, (_, i) => q(`c${i}`, 3)),
    ];
    const { fit, selection } = carveSelectionSet(train);
    expect(selection.map((x) => x.qid)).toEqual(["a9", "c18", "c19"]);
    expect(fit.length + selection.length).toBe(train.length);
    expect(fit.some((x) => selection.includes(x))).toBe(false);
  });
  it("is deterministic", () => {
    const train = Array.from({ length: 50 }, (_, i) => q(`x${i}`, i % 4));
    expect(carveSelectionSet(train)).toEqual(carveSelectionSet(train));
  });
});

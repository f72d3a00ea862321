/**
 * @file Integer IDs: the item's dense index written in decimal, one digit per token, zero-padded to a fixed width
 * (17,632 artists: 5 digits). Arbitrary: neighbouring ids share nothing, which is what the comparison is for.
 */
import { digest, type IdScheme } from "./index.js";

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** @example INT_IDS.build(domain, p).sequences[42] // Int32Array [0, 0, 0, 4, 2] in a 5-digit catalog */
export const INT_IDS: IdScheme = {
  name: "int",
  key: (domain) => digest(["int", String(domain.items.ids.length)]),
  build(domain) {
    const n = domain.items.ids.length;
    const width = String(Math.max(0, n - 1)).length;
    const sequences = Array.from({ length: n }, (_, i) => Int32Array.from(String(i).padStart(width, "0"), (c) => Number(c)));
    return { scheme: "int", source: `dense item index, ${width} decimal digits`, tokens: DIGITS, sequences };
  },
};

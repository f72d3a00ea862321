import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { editHeads, editProfile } from "./profile.js";

const TAGS = ["rock", "jazz", "folk"];
const close = (a: Float32Array, b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));

describe("editProfile", () => {
  it("zeroes a prototype and renormalises the rest in their proportions", () => {
    // rock 0 leaves jazz 0.3 and folk 0.2 to share 1: 0.3 / 0.5 = 0.6, 0.2 / 0.5 = 0.4.
    close(editProfile(Float32Array.of(0.5, 0.3, 0.2), TAGS, { prototypeWeights: { rock: 0 } }), [0, 0.6, 0.4]);
  });

  it("sets a weight and scales the unedited ones to fill the rest", () => {
    // jazz 0.7: rock and folk share 0.3 in proportion 0.5 : 0.2 -> 0.3 * 5/7, 0.3 * 2/7.
    close(editProfile(Float32Array.of(0.5, 0.3, 0.2), TAGS, { prototypeWeights: { jazz: 0.7 } }), [0.3 * (5 / 7), 0.7, 0.3 * (2 / 7)]);
  });

  it("renormalises everything when the edits sum past 1 or nothing else is left", () => {
    close(editProfile(Float32Array.of(0.5, 0.3, 0.2), TAGS, { prototypeWeights: { rock: 1, jazz: 1, folk: 0 } }), [0.5, 0.5, 0]);
    close(editProfile(Float32Array.of(1, 0, 0), TAGS, { prototypeWeights: { rock: 0, jazz: 0.5 } }), [0, 1, 0]);
  });

  it("refuses an unknown tag, a weight outside [0, 1] and an all-zero profile, naming them", () => {
    const w = Float32Array.of(0.5, 0.3, 0.2);
    expect(() => editProfile(w, TAGS, { prototypeWeights: { polka: 0 } })).toThrow(/"polka" is not one of this profile's 3 prototypes/);
    expect(() => editProfile(w, TAGS, { prototypeWeights: { rock: 1.5 } })).toThrow(InputError);
    expect(() => editProfile(w, TAGS, { prototypeWeights: { rock: 0, jazz: 0, folk: 0 } })).toThrow(/nothing to recommend from/);
  });
});

describe("editHeads", () => {
  it("scales each head by after/before per prototype, then renormalises each head", () => {
    // Heads [0.6, 0.4] and [0.4, 0.6] (mean [0.5, 0.5]); zeroing prototype 0 leaves [0, 1] in both.
    close(editHeads(Float32Array.of(0.6, 0.4, 0.4, 0.6), Float32Array.of(0.5, 0.5), Float32Array.of(0, 1), 2), [0, 1, 0, 1]);
    // 0.5 -> 0.75 (x1.5) and 0.5 -> 0.25 (x0.5): head 1 = [0.9, 0.2] / 1.1, head 2 = [0.6, 0.3] / 0.9.
    close(editHeads(Float32Array.of(0.6, 0.4, 0.4, 0.6), Float32Array.of(0.5, 0.5), Float32Array.of(0.75, 0.25), 2), [0.9 / 1.1, 0.2 / 1.1, 0.6 / 0.9, 0.3 / 0.9]);
  });

  it("gives a prototype the profile had no weight on its new weight in every head", () => {
    // Prototype 0 scales by 0.5 / 1; prototype 1 had 0 and gets 0.5.
    close(editHeads(Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(0.5, 0.5), 2), [0.5, 0.5]);
  });
});

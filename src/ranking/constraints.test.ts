import { describe, expect, it } from "vitest";
import { ConstraintMatcher, normalizeTerm } from "./constraints.js";

const matcher = new ConstraintMatcher({
  tags: ["rock", "poprock", "hiphop", "rap", "voice", "electricguitar", "acousticguitar", "guitar", "piano", "electricpiano", "happy", "drums"],
  artists: ["Coldplay", "Sigur Rós", "The Beatles"],
});

describe("ConstraintMatcher", () => {
  it("normalises terms", () => {
    expect(normalizeTerm("Hip-Hop")).toBe("hiphop");
    expect(normalizeTerm("Sigur Rós")).toBe("sigurros");
  });
  it("turns 'but no rap' into excluded rap and hiphop tags and removes it from the text", () => {
    const p = matcher.parse("upbeat songs for a morning run, but no rap");
    expect([...p.excludeTags].sort()).toEqual(["hiphop", "rap"]);
    expect(p.text).toBe("upbeat songs for a morning run");
    // Only a constraint: no text is left to embed (it used to fall back to the whole request, "no rap").
    expect(matcher.parse("no rap")).toMatchObject({ text: "", excludeTags: expect.arrayContaining(["rap"]) });
  });
  it("expands a tag to its compounds: no guitar excludes every guitar", () => {
    const p = matcher.parse("calm music without guitars");
    expect([...p.excludeTags].sort()).toEqual(["acousticguitar", "electricguitar", "guitar"]);
    expect(p.text).toBe("calm music");
  });
  it("maps everyday words to tags: without vocals → voice", () => {
    expect(matcher.parse("piano without vocals").excludeTags).toEqual(["voice"]);
  });
  it("reads a multi-word tag: no acoustic guitar", () => {
    expect(matcher.parse("folk with no acoustic guitar").excludeTags).toEqual(["acousticguitar"]);
  });
  it("excludes a named artist, accents ignored", () => {
    const p = matcher.parse("dreamy post-rock, not by Sigur Ros");
    expect(p.excludeArtists).toEqual(["Sigur Rós"]);
    expect(p.text).toBe("dreamy post-rock");
  });
  it("keeps negations it cannot resolve in the text and reports them", () => {
    const p = matcher.parse("songs with no saxophone solos");
    expect(p.excludeTags).toEqual([]);
    expect(p.unmatched).toEqual(["saxophone solos"]);
    expect(p.text).toBe("songs with no saxophone solos");
  });
  it("leaves a request without negation alone", () => {
    const p = matcher.parse("happy rock for a road trip");
    expect(p).toEqual({ text: "happy rock for a road trip", excludeTags: [], excludeArtists: [], unmatched: [] });
  });
  it("does not treat words containing a cue as negation (e.g. 'nothing' in a title, 'another')", () => {
    expect(matcher.parse("another happy song").excludeTags).toEqual([]);
  });
});

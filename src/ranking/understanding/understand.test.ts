import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { candidatePool, understoodComponents, stdev } from "./ranking.js";
import { relatedTags } from "./related-tags.js";
import { TagScorer } from "./tag-scores.js";
import { decadeOf, RequestUnderstanding } from "./understand.js";

// A small Jamendo-like catalog: tags as the dataset writes them.
const ITEMS = [
  ["rock", "energetic", "electricguitar"],
  ["hiphop", "rap", "beat"],
  ["lofi", "chillout", "beat"],
  ["lofi", "chillout", "downtempo"],
  ["pop", "happy", "sport", "energetic", "fast"],
  ["folk", "slow", "acousticguitar", "love"],
  ["80s", "synthpop"],
  ["jazz", "piano"],
  ["lofi", "chillout", "piano"],
  ["lofi", "chillout", "hiphop"],
  ["lofi", "chillout"],
  ["lofi", "chillout"],
];

const u = new RequestUnderstanding(ITEMS, { artists: ["Coldplay"] });
const wanted = (text: string) => Object.fromEntries(u.understand(text).wanted.map((t) => [t.tag, t.weight]));

describe("RequestUnderstanding", () => {
  it("reads tags named literally (plurals, compound tags in words) at weight 1, and only tags the catalog has", () => {
    expect(wanted("Electric guitars and some rock")).toMatchObject({ electricguitar: 1, rock: 1 });
    expect(wanted("hip hop please")).toMatchObject({ hiphop: 1 });
    expect(u.understand("Electric guitars").wanted.find((t) => t.tag === "electricguitar")).toEqual({ tag: "electricguitar", weight: 1, from: "electric guitar", source: "literal" });
    expect(wanted("something with a theremin")).toEqual({});
  });

  it("maps activities, tempo and energy words onto the tags they imply, at half a literal tag's weight at most", () => {
    const run = u.understand("upbeat songs for a morning run, but no rap");
    const w = Object.fromEntries(run.wanted.map((t) => [t.tag, t]));
    expect(w.energetic.weight).toBe(0.5);
    // "upbeat" implies energetic at 0.5 x 0.5, "run" at 1 x 0.5: the strongest counts.
    expect(w.energetic).toMatchObject({ from: "run", source: "activity" });
    expect(w.sport).toMatchObject({ weight: 0.5, from: "run", source: "activity" });
    expect(w.happy.weight).toBeCloseTo(0.25);
    expect([...run.rejectedTags].sort()).toEqual(["hiphop", "rap"]);
    expect(w.rap).toBeUndefined();
    expect(w.hiphop).toBeUndefined();
  });

  it("maps lofi to its neighbours and learns what goes with it from the catalog's own tags, weakly", () => {
    const lofi = u.understand("lofi hip hop beats to relax");
    const w = Object.fromEntries(lofi.wanted.map((t) => [t.tag, t]));
    expect(w.lofi).toMatchObject({ weight: 1, source: "literal" });
    expect(w.chillout.weight).toBeGreaterThanOrEqual(0.5);
    expect(w.beat).toMatchObject({ weight: 1, source: "literal" });
    // Every lofi item here is chillout, and chillout is learned as lofi's companion; it is already wanted, so it keeps
    // its stronger lexicon weight.
    expect(w.chillout.source).not.toBe("related");
  });

  it("reads decades written as digits, words and years", () => {
    expect(wanted("80s synth pop")).toMatchObject({ "80s": 1 });
    expect(wanted("music from the eighties")).toMatchObject({ "80s": 0.5 });
    expect(wanted("a song from 1987")).toMatchObject({ "80s": 1 });
    expect(wanted("the '80s")).toMatchObject({ "80s": 1 });
    expect([decadeOf("80"), decadeOf("1987"), decadeOf("10"), decadeOf("2014")]).toEqual([1980, 1980, 2010, 2010]);
  });

  it("keeps negations as hard constraints, and what follows 'like' as references unless it is a tag", () => {
    const r = u.understand("songs like Daft Punk, not by Coldplay");
    expect(r.references).toEqual(["Daft Punk"]);
    expect(r.rejectedArtists).toEqual(["Coldplay"]);
    expect(u.understand("something like jazz").references).toEqual([]);
    expect(u.understand("no theremin please").unmatched).toEqual(["theremin"]);
  });
});

describe("relatedTags", () => {
  it("keeps tags carried with a tag more often than chance, by lift, with P(b | a) as strength", () => {
    const r = relatedTags(
      [["a", "b"], ["a", "b"], ["a", "c"], ["c"], ["c"], ["d"]],
      { minCount: 1, minShare: 0.3 },
    );
    // P(b|a) = 2/3, P(b) = 2/6: lift 2. P(c|a) = 1/3, P(c) = 3/6: lift 0.67, dropped.
    expect(r.of("a")).toEqual([["b", 2 / 3]]);
    expect(r.of("zzz")).toEqual([]);
  });
});

describe("TagScorer and the understood component", () => {
  it("scores a row by the weights of the wanted tags it carries; top rows best first, never a rejected one", () => {
    const scorer = new TagScorer(ITEMS);
    const lofi = u.understand("lofi piano");
    const s = scorer.scores(lofi);
    expect(s[8]).toBeCloseTo(scorer.score(lofi, 8));
    expect(scorer.top(lofi, 3)[0]).toBe(8); // lofi + piano + chillout
    expect(scorer.top(lofi, 20, (r) => r !== 8)).not.toContain(8);
    expect(scorer.top(u.understand("theremin"), 5)).toEqual([]);
  });
  it("top equals sorting every row by score (ties by lower row) and filtering, on random catalogs and filters", () => {
    const rand = mulberry32(7);
    const vocab = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (let trial = 0; trial < 50; trial++) {
      const items = Array.from({ length: 200 }, () => vocab.filter(() => rand() < 0.3));
      const scorer = new TagScorer(items);
      // Even trials: few distinct sums (one pass per value); odd: many (the sort).
      const wanted = vocab.filter(() => rand() < 0.5).map((tag) => ({ tag, weight: trial % 2 === 0 ? Math.round(rand() * 4) / 2 : rand(), from: tag, source: "literal" as const }));
      const understood = { ...u.understand(""), wanted };
      // Up to 90% rejected, so the exhaustive path (more than n of the best 2n rejected) runs too.
      const share = (trial % 5) / 5 + 0.1;
      const rejected = new Set(Array.from({ length: 200 }, (_, r) => r).filter(() => rand() < share));
      const accept = (r: number) => !rejected.has(r);
      const n = 1 + Math.floor(rand() * 60);
      const all = scorer.scores(understood);
      const expected = Array.from(all.keys())
        .filter((r) => all[r] > 0 && accept(r))
        .sort((x, y) => all[y] - all[x] || x - y)
        .slice(0, n);
      expect(scorer.top(understood, n, accept)).toEqual(expected);
      expect(scorer.top(understood, n, accept)).toEqual(expected); // the accumulator is clean again after a call
    }
  });
  it("is weight x spread x tag score, the spread the population standard deviation of the model's scores", () => {
    expect(stdev([1, 3])).toBe(1);
    expect(understoodComponents([2, 0, 0.5], [1, 3, 2], 3)).toEqual([3 * stdev([1, 3, 2]) * 2, 0, 3 * stdev([1, 3, 2]) * 0.5]);
    expect(understoodComponents([1], [5], 3, 0.5)).toEqual([1.5]);
    expect(candidatePool(10)).toBe(100);
    expect(candidatePool(100)).toBe(500);
  });
});

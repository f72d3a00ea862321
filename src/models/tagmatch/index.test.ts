import { describe, expect, it } from "vitest";
import { runRecommenderSuite } from "../conformance.js";
import { TagMatchRecommender } from "./index.js";
import { literalTags, tagVocabulary, words } from "./vocabulary.js";

runRecommenderSuite({ name: "tagmatch", create: () => new TagMatchRecommender() });

const items = {
  ids: ["a", "b", "c", "d"],
  texts: { tags: ["pop, rock; guitar; energetic", "hip hop; drums", "rock; piano, guitar", ""] },
};

describe("tag vocabulary", () => {
  it("reads tags split at , and ; with their items, and no tags for an item without a text", () => {
    const v = tagVocabulary(items);
    expect(v.tags).toEqual(["pop", "rock", "guitar", "energetic", "hip hop", "drums", "piano"]);
    expect(Array.from(v.postings[v.idOf.get("rock")!])).toEqual([0, 2]);
    expect(Array.from(v.itemTags[3])).toEqual([]);
  });
  it("splits words at anything but letters, digits and &, without accents", () => {
    expect(words("Post-Rock, R&B and Röyksopp 80s")).toEqual(["post", "rock", "r&b", "and", "royksopp", "80s"]);
  });
  it("finds tags literally: whole words in order, plurals, multi-word tags written together, nothing else", () => {
    const v = tagVocabulary(items);
    const found = (text: string) => literalTags(v, text).map((t) => v.tags[t]);
    expect(found("Energetic ROCK with guitars")).toEqual(["rock", "guitar", "energetic"]);
    expect(found("hiphop beats")).toEqual(["hip hop"]);
    expect(found("some hip hop")).toEqual(["hip hop"]);
    expect(found("hop over the hip")).toEqual([]);
    expect(found("rocky pianist")).toEqual([]);
  });
});

describe("tagmatch", () => {
  it("scores each item by how many of the request's tags it carries, popularity breaking ties", async () => {
    const m = new TagMatchRecommender();
    const domain = { ...(await import("../testing/synthetic-domain.js")).makeSyntheticDomain(), items: { ...items, names: items.ids, features: {}, popularity: Float32Array.from([0, 5, 1, 100]) } };
    await m.fit(domain, { seed: 1 });
    const s = await m.score([{ text: "rock with piano and guitar" }]);
    expect(Array.from(s.data, (x) => Math.floor(x))).toEqual([2, 0, 3, 0]);
    const [r] = await m.rank([{ text: "rock with piano and guitar" }, { text: "nothing at all" }], { k: 4 });
    expect(Array.from(r.items)).toEqual([2, 0, 3, 1]);
    expect((await m.explain({ text: "rock with piano and guitar" }, 0)).parts.tags).toBe(2);
    const [, none] = await m.rank([{ text: "rock" }, { text: "nothing at all" }], { k: 2 });
    expect(Array.from(none.items)).toEqual([3, 1]);
  });
});

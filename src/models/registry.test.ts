import { describe, expect, it } from "vitest";
import { NotFoundError } from "../errors.js";
import { createRecommender, knownModels } from "./registry.js";

describe("model registry", () => {
  it("maps every CLI name to a model of that name", () => {
    expect(knownModels()).toEqual(["popularity", "user-history", "tag-popularity", "history-tag", "itemknn", "bm25", "dense", "twotower", "talkrec", "jam-avg", "jam-cross", "jam-moe", "ease", "multvae", "apron", "apron-nocontrol", "tagmatch", "text2tracks-semantic", "text2tracks-content", "text2tracks-int", "text2tracks-title", "text2tracks-semantic-plain", "whitebox", "convretrieval"]);
    for (const name of knownModels()) expect(createRecommender(name).name).toBe(name);
  });
  it("rejects an unknown name by listing the known ones", () => {
    expect(() => createRecommender("jam-xyz")).toThrow(NotFoundError);
    expect(() => createRecommender("toString")).toThrow(/unknown model "toString"; must be one of: popularity, user-history, tag-popularity, history-tag, itemknn, bm25, dense/);
  });
  it("passes options through and rejects bad ones", () => {
    expect(() => createRecommender("bm25", { k1: -1 })).toThrow(/bad bm25 options/);
    expect(() => createRecommender("talkrec", { epochs: 0 })).toThrow(/bad model options/);
    expect(() => createRecommender("twotower", { nonsense: 1 })).toThrow(/bad model options/);
    expect(() => createRecommender("text2tracks-semantic", { beam: 0 })).toThrow(/bad model options: beam/);
    expect(() => createRecommender("popularity", { k: 1 })).toThrow(/takes no options/);
    expect(() => createRecommender("history-tag", { tagWeight: 2 })).toThrow(/bad history-tag options: tagWeight/);
    expect(() => createRecommender("itemknn", { neighbours: 0 })).toThrow(/bad itemknn options: neighbours/);
    expect(() => createRecommender("ease", { lambdas: [] })).toThrow(/bad ease options: lambdas/);
    expect(createRecommender("dense", { feature: "name" }).name).toBe("dense");
  });
});

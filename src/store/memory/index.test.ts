import { describe, expect, it } from "vitest";
import { fromRows } from "../../core/matrix.js";
import { runCatalogSuite } from "../conformance.js";
import { MemoryCatalog, tokenize } from "./index.js";

runCatalogSuite("memory", { create: async (name, batches) => MemoryCatalog.fromBatches(name, "fake-8", batches) });

describe("MemoryCatalog", () => {
  const item = (id: string, text: string) => ({ id, name: id, tags: [], popularity: 0, text });

  it("scores cosine exactly: distance = 1 - cos", async () => {
    const c = new MemoryCatalog("t", [item("a", "x"), item("b", "y"), item("c", "z")], { v: fromRows([[1, 0], [0, 2], [-3, 0]]) });
    const hits = await c.vectorSearch(Float32Array.of(2, 0), { column: "v", k: 3 });
    expect(hits.map((h) => [h.item.id, h.distance])).toEqual([["a", 0], ["b", 1], ["c", 2]]);
  });

  it("ranks by BM25: a rarer matching term outranks a common one", async () => {
    const c = new MemoryCatalog("t", [item("a", "blue song"), item("b", "red song"), item("c", "green song")], { v: fromRows([[1], [1], [1]]) });
    const hits = await c.textSearch("song red", { k: 3 });
    expect(hits[0].item.id).toBe("b");
    expect(hits).toHaveLength(3);
  });

  it("rejects duplicate ids and mismatched vector rows", () => {
    expect(() => new MemoryCatalog("t", [item("a", ""), item("a", "")], { v: fromRows([[1], [1]]) })).toThrow(/duplicate/);
    expect(() => new MemoryCatalog("t", [item("a", "")], { v: fromRows([[1], [1]]) })).toThrow(/2 rows for 1 items/);
  });

  it("tokenizes letters and digits, lower-cased", () => {
    expect(tokenize("Hip-Hop, 90s BEATS!")).toEqual(["hip", "hop", "90s", "beats"]);
  });
});

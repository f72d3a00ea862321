import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { matrix } from "../../core/matrix.js";
import { csrFromEntries } from "../../core/sparse.js";
import type { Domain, LabeledQuery } from "../../domains/types.js";
import { runRecommenderSuite } from "../conformance.js";
import { EaseRecommender, easeWeights } from "./index.js";

runRecommenderSuite({ name: "ease", create: () => new EaseRecommender(), minTestNdcg: 0.8 });

/** A domain of `rows` (users' item lists, all weights 1) over `nItems` items, selecting on `val`. */
function cfDomain(rows: number[][], nItems: number, val: LabeledQuery[] = [], refit?: number[][]): Domain {
  const csr = (rs: number[][]) => csrFromEntries(rs.length, nItems, rs.flatMap((items, u) => items.map((i) => ({ row: u, col: i, value: 3 }))));
  return {
    name: "tiny-cf",
    items: { ids: Array.from({ length: nItems }, (_, i) => `a${i}`), names: [], texts: {}, features: {}, popularity: new Float32Array(nItems) },
    users: { ids: rows.map((_, u) => `u${u}`), features: {} },
    train: [],
    val,
    interactions: csr(rows),
    ...(refit !== undefined ? { refitInteractions: csr(refit) } : {}),
    queryEncoderId: "none",
    encodeQueries: async (texts) => matrix(texts.length, 0),
  };
}

describe("easeWeights", () => {
  it("matches the closed form on 2 items by hand", () => {
    // X = [[1, 1], [1, 0]]: XᵀX = [[2, 1], [1, 1]]; with λ = 1, A = [[3, 1], [1, 2]], det 5, P = [[2, −1], [−1, 3]] / 5.
    // B = I − P·diag(1/diag P): B[0][1] = −P01 / P11 = (1/5) / (3/5) = 1/3, B[1][0] = −P10 / P00 = (1/5) / (2/5) = 1/2.
    const b = easeWeights([[0, 1], [0]], 2, 1);
    expect(b[0]).toBe(0);
    expect(b[3]).toBe(0);
    expect(b[1]).toBeCloseTo(1 / 3, 6);
    expect(b[2]).toBeCloseTo(1 / 2, 6);
  });
});

describe("ease", () => {
  // Items 0-2 always co-occur, items 3-5 too; item 6 is alone.
  const rows = [[0, 1, 2], [0, 1, 2], [0, 1], [1, 2], [3, 4, 5], [3, 4, 5], [3, 4], [6]];
  const query = (qid: string, history: number[], relevant: number[]): LabeledQuery => ({ qid, text: "", history: { items: history }, exclude: history, relevant });

  it("scores = the sum of the history items' rows of B, ignoring history weights and repeats", async () => {
    const m = new EaseRecommender({ lambdas: [1] });
    await m.fit(cfDomain(rows, 7), { seed: 1 });
    const b = easeWeights(rows, 7, 1);
    const s = await m.score([{ text: "", history: { items: [0, 1, 1], weights: [5, 1, 7] } }]);
    for (let j = 0; j < 7; j++) expect(s.data[j]).toBeCloseTo(b[0 * 7 + j] + b[1 * 7 + j], 6);
    const [ranked] = await m.rank([{ text: "", history: { items: [0, 1] } }], { k: 1, exclude: [new Set([0, 1])] });
    expect(Array.from(ranked.items)).toEqual([2]);
    const parts = (await m.explain({ text: "", history: { items: [0, 1] } }, 2)).parts;
    expect(Object.keys(parts).sort()).toEqual(["history:a0", "history:a1"]);
    expect(parts["history:a0"] + parts["history:a1"]).toBeCloseTo(s.data[2], 5);
  });

  it("chooses λ by NDCG@100 on the selection requests, logging each, and keeps the earlier λ on a tie", async () => {
    const lines: string[] = [];
    const val = [query("s1", [0, 1], [2]), query("s2", [3, 4], [5])];
    const m = new EaseRecommender({ lambdas: [0.5, 2, 1e6] });
    const report = await m.fit(cfDomain(rows, 7, val), { seed: 1, log: (l) => lines.push(l) });
    // Every λ ranks the co-occurring item first (NDCG 1), so the first one stays.
    expect(report.notes?.lambda).toBe(0.5);
    expect(report.notes?.selection_ndcg100).toBe(1);
    expect(lines.filter((l) => /^ease: λ=\S+: selection NDCG@100 1\.0000 \(2 requests; 7x7 inverse in/.test(l))).toHaveLength(3);
  });

  it("refits on every training user when the domain has refitInteractions, unless told not to", async () => {
    const val = [query("s1", [0, 1], [2])];
    // The selection user's full row ([0, 1, 2]) joins the fit rows in the refit.
    const refit = [...rows, [0, 1, 2]];
    const withRefit = new EaseRecommender({ lambdas: [1] });
    const report = await withRefit.fit(cfDomain(rows, 7, val, refit), { seed: 1 });
    expect(report.notes?.refit_users).toBe(8 + 1);
    const probe = [{ text: "", history: { items: [0] } }];
    const expected = easeWeights(refit, 7, 1);
    // (+ 0 turns the −0 of an empty co-occurrence into 0: both are "no evidence".)
    const plain = (a: Float32Array) => Array.from(a, (x) => x + 0);
    expect(plain((await withRefit.score(probe)).data)).toEqual(plain(expected.subarray(0, 7)));
    const without = new EaseRecommender({ lambdas: [1], refit: "fit-users" });
    await without.fit(cfDomain(rows, 7, val, refit), { seed: 1 });
    expect(plain((await without.score(probe)).data)).toEqual(plain(easeWeights(rows, 7, 1).subarray(0, 7)));
  });

  it("refuses a domain without interactions, a request without history, and a history item outside the catalog", async () => {
    const { interactions: _none, ...noInteractions } = cfDomain(rows, 7);
    await expect(new EaseRecommender({ lambdas: [1] }).fit(noInteractions, { seed: 1 })).rejects.toThrow(/has no interactions/);
    await expect(new EaseRecommender().fit(cfDomain(rows, 7, []), { seed: 1 })).rejects.toThrow(/no selection request/);
    const m = new EaseRecommender({ lambdas: [1] });
    await m.fit(cfDomain(rows, 7), { seed: 1 });
    await expect(m.score([{ text: "jazz" }])).rejects.toThrow(/request 0 has none/);
    await expect(m.score([{ text: "", history: { items: [7] } }])).rejects.toThrow(/history item 7 is not an item/);
  });

  it("load refuses weights saved for another number of items", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-ease-"));
    try {
      const m = new EaseRecommender({ lambdas: [1] });
      await m.fit(cfDomain(rows, 7), { seed: 1 });
      await m.save(dir);
      await expect(new EaseRecommender().load(dir, cfDomain([[0, 1]], 2))).rejects.toThrow(/holds weights for 7 items, domain tiny-cf has 2: refit/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

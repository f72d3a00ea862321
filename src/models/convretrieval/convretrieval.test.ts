/**
 * @file convretrieval on generated dialogues over a made-up catalog, with a fake encoder: it trains, ranks every
 * request into the pool, scores the same after save → load, refuses to fit without training dialogues, and never
 * trains on a dialogue of the evaluated split.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateIntentModel, estimatePhrasing, genItems, synthesizeDialogues } from "../../conversation/generator/index.js";
import { syntheticCatalog, syntheticIntentRows } from "../../conversation/generator/testing.js";
import { loadCpcdDialogs } from "../../datasets/cpcd/index.js";
import { buildCpcdDomain } from "../../domains/cpcd.js";
import type { Domain } from "../../domains/types.js";
import { CpcdSplit } from "../../evaluation/benchmarks/cpcd/index.js";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import { ConvRetrievalRecommender } from "./index.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "askmusic-convretrieval-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const rows = syntheticIntentRows();
const items = genItems(syntheticCatalog());
function writeDialogs(name: string, n: number, seed: number): string {
  const r = synthesizeDialogues(items, estimateIntentModel(rows), estimatePhrasing(rows, 1), { n, seed, catalog: "fixture" });
  const file = path.join(scratch, name);
  writeFileSync(file, r.lines.map((l) => `${l}\n`).join(""));
  return file;
}

let trainFile: string;
let evalFile: string;
let domain: Domain;
beforeAll(async () => {
  trainFile = writeDialogs("train.jsonl", 120, 1);
  evalFile = writeDialogs("eval.jsonl", 20, 2);
  domain = await buildCpcdDomain(await loadCpcdDialogs(evalFile), { encoder: fakeEncoder(16) });
});

describe("convretrieval", () => {
  it("trains on generated dialogues and ranks the pool; save → load scores the same", async () => {
    const m = new ConvRetrievalRecommender({ trainDialogs: trainFile, epochs: 2, batchSize: 32 });
    const lines: string[] = [];
    const report = await m.fit(domain, { seed: 3, log: (l) => lines.push(l) });
    expect(lines.some((l) => l.startsWith("convretrieval epoch 2"))).toBe(true);
    expect(Number(report.notes!.train_turns)).toBeGreaterThan(100);
    const split = new CpcdSplit(evalFile, await loadCpcdDialogs(evalFile));
    const requests = split.bind(domain).requests.slice(0, 12).map((q) => ({ text: q.text, turns: q.turns }));
    const ranked = await m.rank(requests, { k: 10 });
    for (const r of ranked) {
      expect(r.items.length).toBe(10);
      for (const i of r.items) expect(i >= 0 && i < domain.items.ids.length).toBe(true);
    }
    const before = await m.score(requests);
    const dir = path.join(scratch, "model");
    await m.save(dir);
    const loaded = new ConvRetrievalRecommender();
    await loaded.load(dir, domain);
    const after = await loaded.score(requests);
    for (let i = 0; i < before.data.length; i++) expect(after.data[i]).toBeCloseTo(before.data[i], 5);
  }, 60_000);

  it("the earlier turns change the ranking (the history is read)", async () => {
    const m = new ConvRetrievalRecommender({ trainDialogs: trainFile, epochs: 0 });
    await m.fit(domain, { seed: 3 });
    const alone = await m.score([{ text: "more please" }]);
    const withTurns = await m.score([{ text: "more please", turns: [{ user: "some jazz", liked: [0, 1] }] }]);
    expect(Array.from(alone.data)).not.toEqual(Array.from(withTurns.data));
  });

  it("refuses to fit without training dialogues, or with only the evaluated ones", async () => {
    await expect(new ConvRetrievalRecommender().fit(domain, { seed: 1 })).rejects.toThrow(/train-dialogs/);
    // The evaluated split as its own training file: every dialogue is dropped.
    await expect(new ConvRetrievalRecommender({ trainDialogs: evalFile }).fit(domain, { seed: 1 })).rejects.toThrow(/usable dialogues/);
  });
});

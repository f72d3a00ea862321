/**
 * @file The generator on a made-up catalog: intent statistics as counted by hand, determinism by seed, cascading
 * filters that never empty the candidate set, likes that honour the constraints, and output `eval cpcd` reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { loadCpcdDialogs } from "../../datasets/cpcd/index.js";
import { buildCpcdDomain } from "../../domains/cpcd.js";
import { CpcdSplit } from "../../evaluation/benchmarks/cpcd/index.js";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import { genItems, tagAttribute } from "./attributes.js";
import { DialogueGenerator } from "./generate.js";
import { estimateIntentModel, sampleIntentSequence, END } from "./intent-model.js";
import { estimatePhrasing, openerOf } from "./phrasing.js";
import { synthesizeDialogues } from "./index.js";
import { syntheticCatalog, syntheticIntentRows } from "./testing.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "askmusic-synth-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const rows = syntheticIntentRows();
const model = estimateIntentModel(rows);
const phrasing = estimatePhrasing(rows, 1);
const items = genItems(syntheticCatalog());

describe("intent model", () => {
  it("counts starts, transitions and ends as the rows say", () => {
    // Starts: d1 and d3 open with greeting+initial_query+add_filter, d2 with initial_query+add_filter.
    expect(model.start.get("add_filter+greeting+initial_query")).toBeCloseTo(2 / 3);
    expect(model.start.get("add_filter+initial_query")).toBeCloseTo(1 / 3);
    // accept_response+add_filter is followed once by accept+continue (d1), once by others (d3), once by accept (d2).
    const after = model.next.get("accept_response+add_filter")!;
    expect(after.get("accept_response+continue")).toBeCloseTo(1 / 3);
    expect(after.get("others")).toBeCloseTo(1 / 3);
    expect(model.next.get("accept_response+continue")!.get(END)).toBeCloseTo(1);
    expect(model.attributes.get("add_filter+initial_query")!.get("genre+year")).toBeCloseTo(1);
    // 11 user turns; accept_response in 6 of them.
    expect(model.turns).toBe(11);
    expect(model.intentShare.get("accept_response")).toBeCloseTo(6 / 11);
  });
  it("samples sequences that start where real ones start", () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 50; i++) {
      const seq = sampleIntentSequence(model, rng, { minTurns: 3 });
      expect(model.start.has(seq[0])).toBe(true);
      expect(seq.length).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("phrasing and attributes", () => {
  it("takes openers of up to four words", () => {
    expect(openerOf("Great! could we get more like Vampire Weekend?")).toBe("Great!");
    expect(openerOf("these are really very nice songs, thanks")).toBeUndefined();
  });
  it("sorts tags into LP-MusicDialog categories", () => {
    expect([tagAttribute("80s"), tagAttribute("piano"), tagAttribute("female vocalists"), tagAttribute("british"), tagAttribute("seen live"), tagAttribute("shoegaze")]).toEqual(["year", "instrument", "vocal", "culture", undefined, "genre"]);
  });
});

describe("DialogueGenerator", () => {
  const generator = new DialogueGenerator(items, model, phrasing);
  const dialogues = Array.from({ length: 200 }, (_, i) => generator.dialogue(7, i));

  it("is deterministic by seed and differs across seeds", () => {
    expect(generator.toCpcdLine(generator.dialogue(7, 3), "x", 7)).toBe(generator.toCpcdLine(dialogues[3], "x", 7));
    expect(JSON.stringify(generator.dialogue(8, 3).turns)).not.toBe(JSON.stringify(dialogues[3].turns));
  });

  it("never empties the candidate set, and every like and goal track honours the constraints of its turn", () => {
    const byId = new Map(items.map((it, i) => [it.id, i]));
    let liked = 0;
    let negatives = 0;
    for (const d of dialogues) {
      expect(d.goalPlaylist.length).toBeGreaterThan(0);
      for (const t of d.turns) {
        expect(t.candidates).toBeGreaterThan(0);
        expect(generator.candidates(t.constraints).length).toBe(t.candidates);
        negatives += t.constraints.filter((c) => c.negative).length;
        for (const id of t.liked) {
          liked++;
          expect(generator.matches(byId.get(id)!, t.constraints)).toBe(true);
        }
      }
      expect(new Set(d.goalPlaylist)).toEqual(new Set(d.turns.flatMap((t) => t.liked)));
    }
    expect(liked).toBeGreaterThan(200);
    // remove_filter with a single filter becomes an exclusion: the fixture's rows make some.
    expect(negatives).toBeGreaterThan(0);
  });

  it("narrows or shifts: a filtering turn changes the constraints", () => {
    let filtering = 0;
    let changed = 0;
    for (const d of dialogues) {
      d.turns.forEach((t, i) => {
        if (!t.intents.includes("add_filter")) return;
        filtering++;
        const before = i > 0 ? JSON.stringify(d.turns[i - 1].constraints) : "[]";
        if (JSON.stringify(t.constraints) !== before) changed++;
      });
    }
    expect(filtering).toBeGreaterThan(100);
    expect(changed / filtering).toBeGreaterThan(0.95);
  });

  it("writes CPCD JSONL that eval cpcd reads and binds", async () => {
    const r = synthesizeDialogues(items, model, phrasing, { n: 30, seed: 11, catalog: "fixture" });
    expect(r.lines).toHaveLength(30);
    expect(Object.values(r.intentShare).every((s) => s.generated >= 0 && s.generated <= 1)).toBe(true);
    const file = path.join(scratch, "d.jsonl");
    writeFileSync(file, r.lines.map((l) => `${l}\n`).join(""));
    const dialogs = await loadCpcdDialogs(file);
    expect(dialogs).toHaveLength(30);
    const split = new CpcdSplit(file, dialogs);
    const evalSet = split.bind(await buildCpcdDomain(dialogs, { encoder: fakeEncoder() }));
    expect(evalSet.requests).toHaveLength(dialogs.reduce((s, d) => s + d.turns.length, 0));
    expect(evalSet.requests.some((q) => q.relevant!.length > 0)).toBe(true);
  });
});

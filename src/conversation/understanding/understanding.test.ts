import { describe, expect, it } from "vitest";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import type { CpcdIntentRow } from "../../datasets/types.js";
import { keywordBaseline, majorityBaseline } from "./baselines.js";
import { DialogueUnderstanding } from "./dialogue-understanding.js";
import { multiLabelF1 } from "./f1.js";
import { FeatureVocabulary, userUtterances } from "./features.js";
import { MultiLabelLogistic, tuneThresholds } from "./logistic.js";
import { intentSplitOf } from "./split.js";

describe("multiLabelF1", () => {
  it("pools counts for micro and averages per-label F1 over gold labels for macro", () => {
    const s = multiLabelF1([["a"], ["a", "b"]], [["a"], ["b"]]);
    // a: support 2, predicted 1, tp 1 -> 2/3; b: support 1, predicted 1, tp 1 -> 1.
    expect(s.perLabel.a.f1).toBeCloseTo(2 / 3);
    expect(s.macroF1).toBeCloseTo((2 / 3 + 1) / 2);
    // TP 2, FP 0, FN 1 -> 4/5.
    expect(s.microF1).toBeCloseTo(4 / 5);
  });
  it("counts false positives of a label with no gold support in micro, not in macro", () => {
    const s = multiLabelF1([["a"]], [["a", "z"]]);
    expect(s.microF1).toBeCloseTo(2 / 3);
    expect(s.macroF1).toBe(1);
  });
  it("rejects mismatched lengths", () => {
    expect(() => multiLabelF1([["a"]], [])).toThrow(/1 gold rows but 0/);
  });
});

describe("intentSplitOf", () => {
  it("is a stable function of the dialogue id with roughly 20/15/65 % parts", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `d${i}`);
    const parts = ids.map(intentSplitOf);
    expect(ids.map(intentSplitOf)).toEqual(parts);
    const share = (p: string) => parts.filter((x) => x === p).length / ids.length;
    expect(share("heldout")).toBeGreaterThan(0.17);
    expect(share("heldout")).toBeLessThan(0.23);
    expect(share("selection")).toBeGreaterThan(0.12);
    expect(share("selection")).toBeLessThan(0.18);
  });
});

describe("MultiLabelLogistic", () => {
  // Label "x" iff sparse feature 0 is on; label "y" iff the dense value is positive.
  const examples = Array.from({ length: 200 }, (_, i) => ({ dense: Float32Array.of(i % 3 === 0 ? 1 : -1), sparse: i % 2 === 0 ? [0] : [1] }));
  const targets = examples.map((e) => [...(e.sparse[0] === 0 ? ["x"] : []), ...(e.dense[0] > 0 ? ["y"] : [])]);
  it("learns separable labels from dense and sparse features, and survives a JSON round trip", () => {
    const c = MultiLabelLogistic.fit(["x", "y"], 1, 2, examples, targets, { epochs: 40, lr: 0.05, seed: 1 });
    expect(examples.map((e) => c.predict(e))).toEqual(targets);
    const back = MultiLabelLogistic.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(Array.from(back.probabilities(examples[0]))).toEqual(Array.from(c.probabilities(examples[0])));
  });
  it("predicts the most probable label when asked for at least one", () => {
    const c = MultiLabelLogistic.fit(["x", "y"], 1, 2, examples, targets, { epochs: 40, lr: 0.05 });
    c.setThresholds([1.1, 1.1]);
    expect(c.predict(examples[1])).toEqual([]);
    expect(c.predict(examples[1], true)).toHaveLength(1);
  });
  it("tuneThresholds picks a threshold that separates, and 0.5 for a label too rare to choose by", () => {
    const probs = [0.9, 0.8, 0.3, 0.2].map((p) => Float32Array.of(p, p));
    const t = tuneThresholds(["a", "rare"], probs, [["a"], ["a"], [], ["rare"]]);
    expect(t[0]).toBeGreaterThan(0.3);
    expect(t[0]).toBeLessThanOrEqual(0.8);
    expect(t[1]).toBe(0.5);
  });
});

const row = (index: number, dialogId: string, role: "user" | "system", content: string, intents: string[], attrs: string[]): CpcdIntentRow => ({
  index,
  dialogId,
  uniqueId: `${dialogId}:${index}:${role}`,
  role,
  content,
  intents,
  musicAttributes: attrs,
});

describe("userUtterances and features", () => {
  it("pairs each user turn with the system turn before it and drops attribute 'none'", () => {
    const us = userUtterances([
      row(0, "d", "user", "hi, some jazz", ["initial_query", "greeting"], ["genre"]),
      row(1, "d", "system", "[MUSIC]Here you go", ["passive_recommend"], ["none"]),
      row(2, "d", "user", "yes", ["accept_response"], ["none"]),
      row(3, "e", "user", "rock", ["initial_query"], ["genre"]),
    ]);
    expect(us.map((u) => [u.previousSystem, u.position, u.attributes])).toEqual([["", 0, ["genre"]], ["Here you go", 1, []], ["", 0, ["genre"]]]);
    const vocab = FeatureVocabulary.build(us, 1);
    expect(vocab.sparse(us[1]).length).toBeGreaterThan(2);
    expect(FeatureVocabulary.fromJSON(vocab.toJSON()).sparse(us[1])).toEqual(vocab.sparse(us[1]));
  });
});

describe("baselines", () => {
  it("keyword: first turn is an initial query; cue words give intents and attributes", () => {
    expect(keywordBaseline({ dialogId: "", text: "hi, some jazz please", previousSystem: "", position: 0 })).toEqual({ intents: ["initial_query", "greeting", "add_filter"], attributes: ["genre"] });
    expect(keywordBaseline({ dialogId: "", text: "hmm", previousSystem: "x", position: 2 }).intents).toEqual(["others"]);
  });
  it("majority: the most frequent label of the training part", () => {
    const m = majorityBaseline([
      { dialogId: "", text: "", previousSystem: "", position: 0, intents: ["add_filter"], attributes: ["genre"] },
      { dialogId: "", text: "", previousSystem: "", position: 1, intents: ["add_filter", "continue"], attributes: [] },
    ]);
    expect(m({ dialogId: "", text: "x", previousSystem: "", position: 0 })).toEqual({ intents: ["add_filter"], attributes: ["genre"] });
  });
});

describe("DialogueUnderstanding", () => {
  it("trains on the train part, chooses on the selection part, never reads the held-out part, and round-trips", async () => {
    // Dialogues named so that every part gets some: greet+genre vs thanks.
    const rows: CpcdIntentRow[] = [];
    let i = 0;
    for (let d = 0; d < 120; d++) {
      rows.push(row(i++, `dlg${d}`, "user", d % 2 === 0 ? "hello, some rock please" : "hi there, jazz please", ["initial_query", "greeting", "add_filter"], ["genre"]));
      rows.push(row(i++, `dlg${d}`, "system", "Here you go", ["passive_recommend"], ["none"]));
      rows.push(row(i++, `dlg${d}`, "user", "thanks, love it", ["accept_response"], ["none"]));
    }
    const heldout = rows.filter((r) => intentSplitOf(r.dialogId) === "heldout");
    // Poison the held-out part: if it were read for training, "love it" would also mean greeting.
    for (const r of heldout) if (r.role === "user" && r.content.startsWith("thanks")) (r as unknown as { intents: string[] }).intents = ["greeting"];
    const enc = fakeEncoder(4);
    const du = await DialogueUnderstanding.train(rows, enc, { epochs: 30, l2s: [1e-3], exclude: ["dlg0"] });
    const labels = await du.label([
      { text: "hello, some rock please", position: 0 },
      { text: "thanks, love it", previousSystem: "Here you go", position: 1 },
    ]);
    expect(labels[0].intents).toEqual(expect.arrayContaining(["initial_query", "greeting"]));
    expect(labels[0].attributes).toEqual(["genre"]);
    expect(labels[1]).toEqual({ intents: ["accept_response"], attributes: [] });
    expect(du.excluded).toEqual(["dlg0"]);
    const back = DialogueUnderstanding.fromJSON(JSON.parse(JSON.stringify(du.toJSON())), enc);
    expect(await back.label([{ text: "thanks, love it", position: 1, previousSystem: "Here you go" }])).toEqual([labels[1]]);
    expect(() => DialogueUnderstanding.fromJSON(du.toJSON(), fakeEncoder(4, "other@1"))).toThrow(/trained with encoder/);
  });
});

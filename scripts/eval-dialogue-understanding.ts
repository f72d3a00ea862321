/**
 * @file Scores dialogue understanding on cpcd-intent's held-out part (by dialogue-id hash, see
 * src/conversation/understanding/split.ts): user-intent and attribute micro/macro F1 for the majority label, the
 * keyword matcher and the trained classifier (USE-lite + word features, L2 and thresholds chosen on the selection
 * part). Nothing is tuned on the held-out part.
 * Usage: `npx tsx scripts/eval-dialogue-understanding.ts [--out report.json] [--seed 42]`
 */
import { resolveConfig } from "../src/config.js";
import { writeFileAtomic } from "../src/core/fs.js";
import { loadCpcdIntent } from "../src/datasets/cpcd-intent/index.js";
import { keywordBaseline, majorityBaseline } from "../src/conversation/understanding/baselines.js";
import { DialogueUnderstanding } from "../src/conversation/understanding/dialogue-understanding.js";
import { multiLabelF1 } from "../src/conversation/understanding/f1.js";
import { userUtterances } from "../src/conversation/understanding/features.js";
import { intentSplitOf } from "../src/conversation/understanding/split.js";
import type { UtteranceLabels } from "../src/conversation/types.js";
import { defaultTextEncoder } from "../src/representations/default-encoder.js";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(opt("seed") ?? 42);
const config = resolveConfig(process.env);
const rows = await loadCpcdIntent(config);
const utterances = userUtterances(rows);
const part = (p: string) => utterances.filter((u) => intentSplitOf(u.dialogId) === p);
const [train, selection, heldout] = [part("train"), part("selection"), part("heldout")];
const dialogs = (us: typeof utterances) => new Set(us.map((u) => u.dialogId)).size;
console.error(`cpcd-intent user turns: train ${train.length} (${dialogs(train)} dialogues), selection ${selection.length} (${dialogs(selection)}), held-out ${heldout.length} (${dialogs(heldout)})`);

const t0 = performance.now();
const model = await DialogueUnderstanding.train(rows, defaultTextEncoder(config), { seed, progress: (m) => console.error(m) });
const trainSeconds = (performance.now() - t0) / 1000;
const predicted = await model.label(heldout.map((u) => ({ text: u.text, previousSystem: u.previousSystem, position: u.position })));

const score = (name: string, preds: readonly UtteranceLabels[]) => {
  const i = multiLabelF1(heldout.map((u) => u.intents ?? []), preds.map((p) => p.intents));
  const a = multiLabelF1(heldout.map((u) => u.attributes ?? []), preds.map((p) => p.attributes));
  return { model: name, intent: { micro: i.microF1, macro: i.macroF1, perLabel: i.perLabel }, attribute: { micro: a.microF1, macro: a.macroF1, perLabel: a.perLabel } };
};
const majority = majorityBaseline(train);
const results = [
  score("majority", heldout.map(majority)),
  score("keyword", heldout.map(keywordBaseline)),
  score("classifier", predicted),
];
const f = (x: number) => x.toFixed(4);
console.log(`| model | intent micro F1 | intent macro F1 | attribute micro F1 | attribute macro F1 |\n|---|---|---|---|---|`);
for (const r of results) console.log(`| ${r.model} | ${f(r.intent.micro)} | ${f(r.intent.macro)} | ${f(r.attribute.micro)} | ${f(r.attribute.macro)} |`);
console.log(`\nheld-out: ${heldout.length} user turns of ${dialogs(heldout)} dialogues; selection chose l2=${model.selection.l2}; trained in ${trainSeconds.toFixed(1)} s`);
const out = opt("out");
if (out !== undefined) {
  await writeFileAtomic(out, JSON.stringify({ benchmark: "cpcd-intent", split: "heldout (sha256 dialog id < 0.2)", heldout: heldout.length, selection: model.selection, train_seconds: trainSeconds, results }, null, 2) + "\n");
}

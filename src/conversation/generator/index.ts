/**
 * @file The dialogue generator's entry point: N dialogues over a catalog view as CPCD JSONL lines, with the numbers
 * a run reports (throughput, the generated intent distribution next to cpcd-intent's).
 */
import type { Progress } from "../../core/progress.js";
import { InputError } from "../../errors.js";
import type { GenItem } from "./attributes.js";
import { DialogueGenerator, type GeneratorOptions } from "./generate.js";
import type { IntentModel } from "./intent-model.js";
import type { PhrasingStats } from "./phrasing.js";

export { genItems, tagAttribute, type GenItem } from "./attributes.js";
export { DialogueGenerator, type GeneratedDialogue, type GeneratedTurn, type GeneratorOptions } from "./generate.js";
export { estimateIntentModel, type IntentModel } from "./intent-model.js";
export { estimatePhrasing, FALLBACK_PHRASING, type PhrasingStats } from "./phrasing.js";
export type { Constraint } from "./realize.js";

/** Options of {@link synthesizeDialogues}. */
export interface SynthesizeOptions extends GeneratorOptions {
  /** Dialogues to generate (>= 1). */
  readonly n: number;
  readonly seed: number;
  /** Catalog name, recorded in each line's `synth` record and in dialogue ids. */
  readonly catalog: string;
  readonly progress?: Progress;
}

/** What a run produced. */
export interface SynthesisResult {
  /** One CPCD JSON line per dialogue (no newline). */
  readonly lines: string[];
  /** Wall time of the generation (catalog and statistics loading excluded). */
  readonly seconds: number;
  readonly dialoguesPerSecond: number;
  /** CPU time of this process over the same span (user + system): the cost on a shared machine. */
  readonly cpuSeconds: number;
  readonly userTurns: number;
  /** Share of user turns carrying each intent label, generated vs the estimate's source (cpcd-intent). */
  readonly intentShare: Readonly<Record<string, { readonly generated: number; readonly source: number }>>;
}

/**
 * Generates `n` dialogues with seed `seed`.
 * @throws InputError for n < 1 or a catalog too small to hold a dialogue.
 * @example
 * const r = synthesizeDialogues(items, model, phrasing, { n: 100, seed: 1, catalog: "jamendo" });
 * r.lines.length; // 100
 */
export function synthesizeDialogues(items: readonly GenItem[], model: IntentModel, phrasing: PhrasingStats, options: SynthesizeOptions): SynthesisResult {
  if (!Number.isInteger(options.n) || options.n < 1) throw new InputError(`--n must be an integer >= 1, got ${options.n}`, { field: "n" });
  const generator = new DialogueGenerator(items, model, phrasing, options);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const lines: string[] = [];
  const counts = new Map<string, number>();
  let userTurns = 0;
  for (let i = 0; i < options.n; i++) {
    const d = generator.dialogue(options.seed, i, `synth-${options.catalog}`);
    for (const t of d.turns) {
      userTurns++;
      for (const l of t.intents) counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    lines.push(generator.toCpcdLine(d, options.catalog, options.seed));
    if (i % 100 === 99 || i === options.n - 1) options.progress?.("dialogues", i + 1, options.n);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const labels = [...new Set([...counts.keys(), ...model.intentShare.keys()])].sort();
  const intentShare: Record<string, { generated: number; source: number }> = {};
  for (const l of labels) intentShare[l] = { generated: (counts.get(l) ?? 0) / userTurns, source: model.intentShare.get(l) ?? 0 };
  return { lines, seconds, cpuSeconds, dialoguesPerSecond: options.n / Math.max(seconds, 1e-9), userTurns, intentShare };
}

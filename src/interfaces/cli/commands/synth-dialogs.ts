/**
 * @file `askmusic synth-dialogs --catalog jamendo|lastfm-2k --n N --seed S --out dialogs.jsonl [--report r.json]`:
 * LP-MusicDialog-style synthetic dialogues over a built catalog, in CPCD's JSONL format (readable by `eval cpcd`).
 */
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { writeFileAtomic } from "../../../core/fs.js";
import { progressPrinter } from "../../../core/progress.js";
import { InputError } from "../../../errors.js";
import { parseIntFlag } from "../options.js";
import { openBuiltCatalog } from "./ask.js";

/** Registers `synth-dialogs` on the program. */
export function registerSynthDialogsCommand(program: Command, config: Config): void {
  program
    .command("synth-dialogs")
    .description("Generate synthetic music-discovery dialogues over a catalog (intents from cpcd-intent, cascading filters) as CPCD JSONL.")
    .option("--catalog <name>", "catalog to draw items from: jamendo | lastfm-2k (artists)", "jamendo")
    .option("--n <n>", "number of dialogues (1-1000000)", "1000")
    .option("--seed <n>", "random seed", "42")
    .option("--out <file>", "output JSONL file (written atomically)")
    .option("--report <file>", "also write the run's numbers (throughput, intent distribution) as JSON here")
    .action(async (opts: { catalog: string; n: string; seed: string; out?: string; report?: string }) => {
      if (opts.out === undefined) throw new InputError("synth-dialogs needs --out <file>", { field: "out" });
      const n = parseIntFlag("--n", opts.n, 1, 1_000_000);
      const seed = parseIntFlag("--seed", opts.seed, 0, 2 ** 31 - 1);
      const { genItems, estimateIntentModel, estimatePhrasing, synthesizeDialogues } = await import("../../../conversation/generator/index.js");
      const { loadCpcdIntent, withoutDialogs } = await import("../../../datasets/cpcd-intent/index.js");
      const { cpcdSampleFile, loadCpcdDialogs } = await import("../../../datasets/cpcd/index.js");
      const progress = progressPrinter();
      const catalog = await openBuiltCatalog(config, opts.catalog);
      let items;
      try {
        items = genItems(await catalog.allItems(), { titles: opts.catalog === "lastfm-2k" ? "artist" : "track" });
      } finally {
        catalog.close();
      }
      // The real CPCD dialogues we evaluate on never shape the generator: drop them from the statistics.
      const evaluated = (await loadCpcdDialogs(await cpcdSampleFile(config))).map((d) => d.id);
      const rows = withoutDialogs(await loadCpcdIntent(config), evaluated);
      const model = estimateIntentModel(rows);
      const phrasing = estimatePhrasing(rows);
      const result = synthesizeDialogues(items, model, phrasing, { n, seed, catalog: opts.catalog, progress });
      await writeFileAtomic(path.resolve(opts.out), result.lines.map((l) => `${l}\n`).join(""));
      const report = {
        catalog: opts.catalog,
        n,
        seed,
        items: items.length,
        intent_source: { dialogues: model.dialogues, user_turns: model.turns, dropped_evaluated_dialogues: evaluated.length },
        seconds: Number(result.seconds.toFixed(3)),
        dialogues_per_second: Number(result.dialoguesPerSecond.toFixed(1)),
        cpu_seconds: Number(result.cpuSeconds.toFixed(3)),
        dialogues_per_cpu_second: Number((n / Math.max(result.cpuSeconds, 1e-9)).toFixed(1)),
        user_turns: result.userTurns,
        intent_share: result.intentShare,
      };
      if (opts.report !== undefined) await writeFileAtomic(path.resolve(opts.report), `${JSON.stringify(report, null, 2)}\n`);
      const lines = [
        `${n} dialogues over ${opts.catalog} (${items.length} items) in ${result.seconds.toFixed(2)} s: ${result.dialoguesPerSecond.toFixed(1)} dialogues/s (${(n / Math.max(result.cpuSeconds, 1e-9)).toFixed(1)} per CPU second), ${(result.userTurns / n).toFixed(2)} user turns each`,
        "| intent | generated | cpcd-intent |",
        "|---|---|---|",
        ...Object.entries(result.intentShare).map(([k, v]) => `| ${k} | ${v.generated.toFixed(3)} | ${v.source.toFixed(3)} |`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}

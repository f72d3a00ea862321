/**
 * @file `askmusic eval <benchmark> --split <file> [--models a,b] [--features own|shared] [--out report.json]
 * [--predictions-out predictions.jsonl]`.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { writeFileAtomic } from "../../../core/fs.js";
import { progressPrinter } from "../../../core/progress.js";
import { DataError, InputError } from "../../../errors.js";
import { parseIntFlag, parseListFlag } from "../options.js";

const DEFAULT_MODELS = "popularity,bm25,dense";

/** Registers `eval` on the program. */
export function registerEvalCommand(program: Command, config: Config): void {
  program
    .command("eval")
    .description("Evaluate models on a benchmark split and write a JSON report (and print it as Markdown).")
    .argument("<benchmark>", "lfm2k-tagq | jamendo-captions | lfm2k-cf | cpcd")
    .requiredOption("--split <file>", "split file to evaluate (e.g. $ASKMUSIC_BENCHMARKS/lfm2k-tagq/val.jsonl; lfm2k-cf: a *_in.tsv fold-in file; cpcd: a dialog JSONL file)")
    .option("--models <list>", "comma-separated model names", DEFAULT_MODELS)
    .option("--features <set>", "feature set: own (default) or shared (lfm2k-tagq's precomputed features)")
    .option("--seed <n>", "random seed", "42")
    .option("--half <half>", "evaluate one half of the split by a hash of the qid: dev (to develop on) or holdout (nothing tuned on); both: the whole split and each half, from one fit")
    .option("--out <file>", "write the JSON report here (atomically)")
    .option("--predictions-out <file>", "with exactly one model: write the benchmark's official prediction file (cpcd) here (atomically)")
    .action(async (benchmark: string, opts: { split: string; models: string; features?: string; seed: string; half?: string; out?: string; predictionsOut?: string }) => {
      // Heavy modules (TF.js, LanceDB, datasets) load only when the command runs, so --help stays instant.
      const { getBenchmark } = await import("../../../evaluation/benchmarks/index.js");
      const { reportToMarkdown } = await import("../../../evaluation/report.js");
      const { runBenchmark } = await import("../../../evaluation/run-benchmark.js");
      const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      const { HALVES } = await import("../../../evaluation/benchmarks/halves.js");
      getBenchmark(benchmark); // unknown benchmark → one-line error before anything loads
      const half = opts.half;
      if (half !== undefined && half !== "both" && !(HALVES as readonly string[]).includes(half)) {
        throw new InputError(`--half must be one of ${HALVES.join(", ")}, both; got "${half}"`, { field: "half" });
      }
      const models = parseListFlag("--models", opts.models);
      if (opts.predictionsOut !== undefined && models.length !== 1) {
        throw new InputError(`--predictions-out writes one model's predictions: pass exactly one model in --models, got ${models.length}`, { field: "predictions-out" });
      }
      let predictions: readonly string[] | undefined;
      const splitFile = path.resolve(opts.split);
      await fs.access(splitFile).catch((cause) => {
        throw new DataError(`split file not found: ${splitFile}`, { path: splitFile, cause });
      });
      const progress = progressPrinter();
      const encoder = defaultTextEncoder(config, progress);
      try {
        const report = await runBenchmark(config, {
          benchmark,
          splitFile,
          models,
          features: opts.features,
          ...(half === "both" ? { bothHalves: true } : half !== undefined ? { half: half as (typeof HALVES)[number] } : {}),
          seed: parseIntFlag("--seed", opts.seed, 0, 2 ** 31 - 1),
          encoder,
          progress,
          log: (line) => process.stderr.write(`${line}\n`),
          ...(opts.predictionsOut !== undefined ? { onPredictions: async (_model: string, lines: readonly string[]) => void (predictions = lines) } : {}),
        });
        if (opts.out) await writeFileAtomic(path.resolve(opts.out), `${JSON.stringify(report, null, 2)}\n`);
        if (opts.predictionsOut !== undefined && predictions !== undefined) {
          await writeFileAtomic(path.resolve(opts.predictionsOut), predictions.map((l) => `${l}\n`).join(""));
        }
        process.stdout.write(`${reportToMarkdown(report)}\n`);
      } finally {
        encoder.dispose?.();
      }
    });
}

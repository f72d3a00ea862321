/**
 * @file `askmusic eval <benchmark> --split <file> [--models a,b] [--features own|shared] [--out report.json]
 * [--predictions-out predictions.jsonl]`, and `askmusic eval feedback [--split FILE] [--requests N] [--out report.json]`
 * (the White-boxing retraining table over the whitebox model; see src/evaluation/feedback.ts).
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

/** The absolute path of a file that exists, or a DataError naming the flag. */
async function existingFile(file: string, flag: string): Promise<string> {
  const full = path.resolve(file);
  await fs.access(full).catch((cause) => {
    throw new DataError(`${flag}: file not found: ${full}`, { path: full, cause });
  });
  return full;
}

/** Registers `eval` on the program. */
export function registerEvalCommand(program: Command, config: Config): void {
  program
    .command("eval")
    .description("Evaluate models on a benchmark split and write a JSON report (and print it as Markdown).")
    .argument("<benchmark>", "lfm2k-tagq | jamendo-captions | lfm2k-cf | cpcd | feedback")
    .option("--split <file>", "split file to evaluate (e.g. $ASKMUSIC_BENCHMARKS/lfm2k-tagq/val.jsonl; lfm2k-cf: a *_in.tsv fold-in file; cpcd: a dialog JSONL file; feedback: an lfm2k-tagq query file, default its val.jsonl)")
    .option("--requests <n>", "feedback: requests sampled from those with 2+ content words", "200")
    .option("--load <dir>", "feedback: a saved whitebox model of the same domain instead of fitting one")
    .option("--save <dir>", "feedback: save the fitted whitebox model here (for --load and askmusic feedback --model-dir)")
    .option("--models <list>", "comma-separated model names", DEFAULT_MODELS)
    .option("--features <set>", "feature set: own (default) or shared (lfm2k-tagq's precomputed features)")
    .option("--seed <n>", "random seed", "42")
    .option("--half <half>", "evaluate one half of the split by a hash of the qid: dev (to develop on) or holdout (nothing tuned on); both: the whole split and each half, from one fit")
    .option("--train-dialogs <file>", "cpcd: generated CPCD-format dialogues (askmusic synth-dialogs) that convretrieval trains on")
    .option("--out <file>", "write the JSON report here (atomically)")
    .option("--predictions-out <file>", "with exactly one model: write the benchmark's official prediction file (cpcd) here (atomically)")
    .action(async (benchmark: string, opts: { split?: string; models: string; features?: string; seed: string; half?: string; out?: string; predictionsOut?: string; requests: string; load?: string; save?: string; trainDialogs?: string }) => {
      if (benchmark === "feedback") return evalFeedback(config, opts);
      if (opts.split === undefined) throw new InputError(`eval ${benchmark} needs --split <file>`, { field: "split" });
      const splitOption = opts.split;
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
      const splitFile = path.resolve(splitOption);
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
          ...(opts.trainDialogs !== undefined ? { modelOptions: { convretrieval: { trainDialogs: await existingFile(opts.trainDialogs, "--train-dialogs") } } } : {}),
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

/** `eval feedback`: fits (or loads) whitebox on lfm2k-tagq and runs the feedback table; JSON to --out, Markdown to stdout. */
async function evalFeedback(config: Config, opts: { split?: string; features?: string; seed: string; out?: string; requests: string; load?: string; save?: string }): Promise<void> {
  const requests = parseIntFlag("--requests", opts.requests, 1, 100000);
  const seed = parseIntFlag("--seed", opts.seed, 0, 2 ** 31 - 1);
  if (opts.split !== undefined) {
    const file = path.resolve(opts.split);
    await fs.access(file).catch((cause) => {
      throw new DataError(`split file not found: ${file}`, { path: file, cause });
    });
  }
  const { runFeedbackBenchmark, feedbackToMarkdown } = await import("../../../evaluation/feedback.js");
  const { defaultTextEncoder } = await import("../../../representations/default-encoder.js");
  const progress = progressPrinter();
  const encoder = defaultTextEncoder(config, progress);
  try {
    const report = await runFeedbackBenchmark(config, {
      ...(opts.split !== undefined ? { splitFile: path.resolve(opts.split) } : {}),
      ...(opts.features !== undefined ? { features: opts.features } : {}),
      ...(opts.load !== undefined ? { loadDir: path.resolve(opts.load) } : {}),
      ...(opts.save !== undefined ? { saveDir: path.resolve(opts.save) } : {}),
      seed,
      requests,
      encoder,
      progress,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (opts.out) await writeFileAtomic(path.resolve(opts.out), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${feedbackToMarkdown(report)}\n`);
  } finally {
    encoder.dispose?.();
  }
}

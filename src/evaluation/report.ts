/**
 * @file The evaluation report: the JSON contract of DESIGN.md and its Markdown rendering.
 */
import type { ModelResult } from "./runner.js";

/** `{"benchmark", "split", "results": [...]}` plus the run's settings. */
export interface EvalReport {
  readonly benchmark: string;
  readonly split: string;
  readonly features: string;
  readonly seed: number;
  /** Where model selection happened: the domain's val split, or a selection set carved from train. */
  readonly selection: string;
  /** The benchmark's metric keys in column order (its protocol decides them). */
  readonly columns: readonly string[];
  readonly machine: string;
  readonly results: ModelResult[];
}

/** Renders the report as a Markdown table in the benchmark's columns (mean ± standard error, 4 decimals). */
export function reportToMarkdown(report: EvalReport): string {
  const columns = report.columns;
  const header = `| model | ${columns.join(" | ")} | train s | queries |`;
  const rule = `|${"---|".repeat(columns.length + 3)}`;
  const rows = report.results.map((r) => {
    const cells = columns.map((c) =>
      r.metrics[c] === undefined ? "n/a" : `${r.metrics[c].toFixed(4)} ± ${(r.stderr[c] ?? 0).toFixed(4)}`,
    );
    return `| ${r.model} | ${cells.join(" | ")} | ${r.train_seconds.toFixed(1)} | ${r.queries} |`;
  });
  return [
    `${report.benchmark} · split ${report.split} · features ${report.features} · seed ${report.seed} · selection: ${report.selection}`,
    "",
    header,
    rule,
    ...rows,
  ].join("\n");
}

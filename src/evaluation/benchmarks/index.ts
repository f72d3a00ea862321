/**
 * @file The benchmarks `askmusic eval` knows, by name: one table, so a new benchmark registers with one line.
 */
import { InputError, NotFoundError } from "../../errors.js";
import { cpcd } from "./cpcd/index.js";
import { jamendoCaptions } from "./jamendo-captions.js";
import { lfm2kCf } from "./lfm2k-cf.js";
import { lfm2kTagq } from "./lfm2k-tagq.js";
import type { BenchmarkSpec } from "./spec.js";

export type { BenchmarkSpec, DomainBuildOptions, EvalSet, QueryIdentity, SplitFile } from "./spec.js";

const BENCHMARKS: Readonly<Record<string, BenchmarkSpec>> = Object.freeze({
  [lfm2kTagq.name]: lfm2kTagq,
  [jamendoCaptions.name]: jamendoCaptions,
  [cpcd.name]: cpcd,
  [lfm2kCf.name]: lfm2kCf,
});

/** Names `askmusic eval` accepts. */
export function knownBenchmarks(): string[] {
  return Object.keys(BENCHMARKS);
}

/** Looks a benchmark up by name; unknown → NotFoundError listing the known ones. */
export function getBenchmark(name: string): BenchmarkSpec {
  const spec = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!spec) throw new NotFoundError("benchmark", name, knownBenchmarks());
  return spec;
}

/** Checks `--features` against the benchmark's feature sets. */
export function checkFeatures(spec: BenchmarkSpec, features: string | undefined): string {
  const chosen = features ?? spec.featureSets[0];
  if (!spec.featureSets.includes(chosen)) {
    throw new InputError(`--features "${chosen}" is not available for ${spec.name}; use one of: ${spec.featureSets.join(", ")}`, {
      field: "features",
    });
  }
  return chosen;
}

/**
 * @file The benchmarks `askmusic eval` knows: how to build each one's domain and read a split file of it.
 */
import path from "node:path";
import type { Config } from "../config.js";
import type { Progress } from "../datasets/types.js";
import type { Domain, LabeledQuery } from "../domains/types.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import { loadCaptionQueries, loadTagQueries } from "../datasets/benchmarks/index.js";
import { buildLfm2kDomain } from "../domains/lfm2k-tagq.js";
import { buildJamendoDomain } from "../domains/jamendo.js";
import { DataError, InputError, NotFoundError } from "../errors.js";

/** Options shared by every domain build. */
export interface DomainBuildOptions {
  readonly features: string;
  readonly encoder: TextEncoder;
  readonly seed: number;
  readonly progress?: Progress;
}

/** A benchmark: its feature sets, how to build its domain, how to read a split. */
export interface BenchmarkSpec {
  readonly name: string;
  /** Feature sets `--features` accepts; the first is the default. */
  readonly featureSets: readonly string[];
  buildDomain(config: Config, options: DomainBuildOptions): Promise<Domain>;
  /**
   * Reads and validates a split file (answer keys such as `tags` are never read), returning a function that maps
   * its queries onto a domain. Split in two so a malformed file fails before minutes of feature building.
   */
  readSplit(file: string): Promise<(domain: Domain) => LabeledQuery[]>;
  /** The file the domain's own `val` comes from, if any: evaluating on it needs another selection set. */
  selectionFile(config: Config): string | undefined;
}

function indexOf(ids: readonly string[]): Map<string, number> {
  return new Map(ids.map((id, i) => [id, i]));
}

/** Maps external relevant ids to dense indices; an id outside the candidate set is an error naming the query. */
function denseRelevant(file: string, qid: string, relevant: readonly (string | number)[], items: Map<string, number>): number[] {
  return relevant.map((id) => {
    const index = items.get(String(id));
    if (index === undefined) {
      throw new DataError(`${file}: query ${qid} lists relevant item ${id}, which is not in the candidate set`, { path: file });
    }
    return index;
  });
}

const lfm2kTagq: BenchmarkSpec = {
  name: "lfm2k-tagq",
  featureSets: ["own", "shared"],
  buildDomain: (config, o) =>
    buildLfm2kDomain(config, { features: o.features as "own" | "shared", encoder: o.encoder, progress: o.progress }),
  async readSplit(file) {
    const queries = await loadTagQueries(file);
    return (domain) => {
      const items = indexOf(domain.items.ids);
      const users = indexOf(domain.users.ids);
      return queries.map((q) => ({
      qid: q.qid,
      text: q.text,
      // A user unknown to the domain is scored without personalization rather than rejected.
      user: users.get(String(q.user)),
      relevant: denseRelevant(file, q.qid, q.relevant, items),
      }));
    };
  },
  selectionFile: (config) => path.join(config.benchmarksDir, "lfm2k-tagq", "val.jsonl"),
};

const jamendoCaptions: BenchmarkSpec = {
  name: "jamendo-captions",
  featureSets: ["own"],
  buildDomain: (config, o) => buildJamendoDomain(config, { encoder: o.encoder, progress: o.progress, seed: o.seed }),
  async readSplit(file) {
    const queries = await loadCaptionQueries(file);
    return (domain) => {
      const items = indexOf(domain.items.ids);
      return queries.map((q) => ({ qid: q.qid, text: q.text, relevant: denseRelevant(file, q.qid, q.relevant, items) }));
    };
  },
  // The Jamendo domain selects models on synthetic queries generated from the catalog, never on captions.
  selectionFile: () => undefined,
};

const BENCHMARKS: Readonly<Record<string, BenchmarkSpec>> = Object.freeze({
  "lfm2k-tagq": lfm2kTagq,
  "jamendo-captions": jamendoCaptions,
});

/** Names `askmusic eval` accepts. */
export function knownBenchmarks(): string[] {
  return Object.keys(BENCHMARKS);
}

/** Looks a benchmark up by name; unknown → NotFoundError listing the known ones. */
export function getBenchmark(name: string): BenchmarkSpec {
  const spec = BENCHMARKS[name];
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

/**
 * @file What a benchmark is: it owns its protocol. It reads and validates its split files, builds the domain models
 * learn from (selecting elsewhere when its selection set overlaps the evaluated split), says what its requests
 * carry, which items each request masks, which metrics it reports and in which columns, and how rankings become
 * those metrics (and, where the benchmark has one, its official prediction file).
 */
import type { Config } from "../../config.js";
import type { Progress } from "../../datasets/types.js";
import type { ContextPart } from "../../domains/requests.js";
import type { SelectionMode } from "../../domains/selection.js";
import type { Domain, LabeledQuery } from "../../domains/types.js";
import type { RankedList, Recommender } from "../../models/recommender.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import type { MetricSummary } from "../aggregate.js";

/** Options of every domain build. */
export interface DomainBuildOptions {
  readonly features: string;
  readonly encoder: TextEncoder;
  readonly seed: number;
  readonly progress?: Progress;
  /** Where the domain selects models (see SelectionMode): "carve" when its own selection set overlaps the split. */
  readonly selection: SelectionMode;
  /**
   * The split being evaluated, as this benchmark's `readSplit` returned it. Most domains ignore it; one whose
   * candidates are the split's own (cpcd: the union of its dialogues' tracks) is built from it.
   */
  readonly split?: SplitFile;
}

/**
 * Who a query is, to detect that an evaluated split overlaps a selection set whatever the files are called: its
 * qid, and its content (the request and its answers, e.g. user + text + sorted relevant ids).
 */
export interface QueryIdentity {
  readonly qid: string;
  readonly content: string;
}

/** A split bound to a domain: the requests to rank and how their rankings become the benchmark's metrics. */
export interface EvalSet {
  /** Requests in split order, each with its relevant items and its mask (`exclude`). */
  readonly requests: readonly LabeledQuery[];
  /** How many items to rank per request (at least the deepest metric cutoff, plus anything the protocol removes). */
  readonly depth: number;
  /** The protocol's metrics over the rankings (same order as `requests`), keyed as in `columns`. */
  summarize(rankings: readonly RankedList[]): MetricSummary;
  /**
   * The same protocol over the requests whose qid `keep` accepts (e.g. one hash half of the split), for benchmarks
   * whose requests are scored independently; absent where a request's score depends on others (cpcd's dialogues).
   */
  subset?(keep: (qid: string) => boolean): EvalSet;
  /**
   * Metrics that ask the fitted model more than its rankings (lfm2k-cf's controllability Delta@20), merged into the
   * model's row; a metric the model cannot be measured on is reported as 0 with the reason in `notes`.
   */
  measure?(model: Recommender): Promise<ModelMeasure>;
  /** The benchmark's official prediction file, one line per request, when it has one (e.g. cpcd). */
  predictions?(rankings: readonly RankedList[]): string[];
}

/** What {@link EvalSet.measure} adds to a model's row. */
export interface ModelMeasure {
  readonly metrics: Readonly<Record<string, number>>;
  readonly stderr: Readonly<Record<string, number>>;
  readonly notes?: Readonly<Record<string, number | string>>;
}

/** A read and validated split file, not yet bound to a domain (so a malformed file fails before features load). */
export interface SplitFile {
  readonly file: string;
  /** Identities of its queries (see {@link QueryIdentity}). */
  readonly identities: readonly QueryIdentity[];
  /** Maps the split onto a domain's items and users. */
  bind(domain: Domain): EvalSet;
}

/** A benchmark `askmusic eval` knows. */
export interface BenchmarkSpec {
  readonly name: string;
  /** Feature sets `--features` accepts; the first is the default. */
  readonly featureSets: readonly string[];
  /** Context parts every request of this benchmark carries: a model that needs anything else cannot rank it. */
  readonly carries: readonly ContextPart[];
  /** Metric keys of the report, in column order. */
  readonly columns: readonly string[];
  /** Reads and validates a split file (answer keys such as caption `tags` are never read). */
  readSplit(config: Config, file: string): Promise<SplitFile>;
  /** Identities of the queries the domain selects on by default (empty when they are generated, never read). */
  selectionIdentities(config: Config): Promise<readonly QueryIdentity[]>;
  buildDomain(config: Config, options: DomainBuildOptions): Promise<Domain>;
}

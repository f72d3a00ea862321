/**
 * @file Where each mirrored file comes from upstream: relPath prefix → raw URL, used to download missing files.
 */

/** One upstream source: files under `prefix` in the mirror map to `base + rest` (after `rename`). */
export interface UpstreamSource {
  /** Mirror path prefix, e.g. "mtg-jamendo/". */
  readonly prefix: string;
  /** Human name of the upstream repository or archive. */
  readonly repository: string;
  /** Maps the path after `prefix` to the upstream URL of that exact file. */
  readonly url: (rest: string) => string;
  /**
   * "file": the URL serves the exact bytes (downloadable and verifiable).
   * "archive": the URL serves an archive holding the file (named in the error; not unpacked here).
   * "excerpt": the mirrored file is an excerpt of the file at the URL (cannot be reproduced by download).
   */
  readonly kind: (rest: string) => "file" | "archive" | "excerpt";
}

const GH = "https://raw.githubusercontent.com";
const LASTFM_ZIP = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip";

/**
 * The table of upstream sources. Branch names are those of the repositories' default branches as documented
 * upstream (MTG: master); keep this table the only place that knows them.
 */
export const UPSTREAM_SOURCES: readonly UpstreamSource[] = Object.freeze([
  {
    prefix: "mtg-jamendo/",
    repository: "github.com/MTG/mtg-jamendo-dataset",
    // The mirror keeps data/splits/split-0 as splits/split-0; LICENSE and README sit at the repository root.
    url: (rest: string) =>
      `${GH}/MTG/mtg-jamendo-dataset/master/${rest.startsWith("splits/") ? `data/${rest}` : rest}`,
    kind: () => "file" as const,
  },
  {
    prefix: "song-describer/",
    repository: "github.com/ilaria-manco/song-describer",
    url: (rest: string) => `${GH}/ilaria-manco/song-describer/main/${rest.endsWith(".tsv") ? `data/${rest}` : rest}`,
    kind: () => "file" as const,
  },
  {
    prefix: "cpcd/",
    repository: "github.com/google-research-datasets/cpcd",
    url: (rest: string) =>
      rest === "README.upstream.md"
        ? `${GH}/google-research-datasets/cpcd/main/README.md`
        : rest === "cpcd_v1.dialogs.sample.jsonl"
          ? `${GH}/google-research-datasets/cpcd/main/data/cpcd_v1.dialogs.dev.val.jsonl`
          : `${GH}/google-research-datasets/cpcd/main/data/${rest}`,
    // The sample is the first 5 lines of the validation file: the URL names its source, it cannot be re-downloaded.
    kind: (rest: string) => (rest === "cpcd_v1.dialogs.sample.jsonl" ? ("excerpt" as const) : ("file" as const)),
  },
  {
    prefix: "cpcd-intent/",
    repository: "github.com/DaeyongKwon98/Intent_Classification",
    url: (rest: string) =>
      `${GH}/DaeyongKwon98/Intent_Classification/main/${rest === "cpcd_intent_README.md" ? "README.md" : rest}`,
    kind: () => "file" as const,
  },
  {
    prefix: "lastfm-2k/",
    repository: "GroupLens HetRec 2011 (hetrec2011-lastfm-2k.zip)",
    url: () => LASTFM_ZIP,
    kind: () => "archive" as const,
  },
  {
    prefix: "jamendolyrics/",
    repository: "github.com/f90/jamendolyrics",
    url: (rest: string) => `${GH}/f90/jamendolyrics/master/${rest.split("/").map(encodeURIComponent).join("/")}`,
    kind: () => "file" as const,
  },
]);

/** The upstream location of a mirror file. */
export interface UpstreamLocation {
  readonly url: string;
  readonly repository: string;
  readonly kind: "file" | "archive" | "excerpt";
}

/**
 * Looks up where a mirror-relative file comes from, or undefined if no source covers it.
 * @example
 * upstreamFor("mtg-jamendo/splits/split-0/autotagging-test.tsv")?.url
 * // "https://raw.githubusercontent.com/MTG/mtg-jamendo-dataset/master/data/splits/split-0/autotagging-test.tsv"
 */
export function upstreamFor(relPath: string): UpstreamLocation | undefined {
  const source = UPSTREAM_SOURCES.find((s) => relPath.startsWith(s.prefix));
  if (!source) return undefined;
  const rest = relPath.slice(source.prefix.length);
  return { url: source.url(rest), repository: source.repository, kind: source.kind(rest) };
}

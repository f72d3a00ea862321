/**
 * @file lfm2k-tagq: a (user, tag) request -> the Last.fm artists that user tagged so (JAM's protocol). Nothing is
 * masked; every artist is a candidate; models select on val.jsonl unless val.jsonl is what is evaluated.
 */
import path from "node:path";
import type { Config } from "../../config.js";
import { loadTagQueries } from "../../datasets/benchmarks/index.js";
import { buildLfm2kDomain, LFM2K_TAGQ } from "../../domains/lfm2k-tagq.js";
import { contentKey } from "./identity.js";
import { denseRelevant, indexOf } from "./mapping.js";
import { RETRIEVAL_COLUMNS, retrievalEvalSet } from "./retrieval.js";
import type { BenchmarkSpec, QueryIdentity } from "./spec.js";

/** The file the domain's default selection set comes from. */
export function lfm2kSelectionFile(config: Config): string {
  return path.join(config.benchmarksDir, LFM2K_TAGQ, "val.jsonl");
}

async function identities(file: string): Promise<QueryIdentity[]> {
  return (await loadTagQueries(file)).map((q) => ({ qid: q.qid, content: contentKey({ user: q.user, text: q.text, relevant: q.relevant }) }));
}

export const lfm2kTagq: BenchmarkSpec = {
  name: LFM2K_TAGQ,
  featureSets: ["own", "shared"],
  carries: ["text", "user"],
  columns: RETRIEVAL_COLUMNS,
  async readSplit(_config, file) {
    const queries = await loadTagQueries(file);
    return {
      file,
      identities: queries.map((q) => ({ qid: q.qid, content: contentKey({ user: q.user, text: q.text, relevant: q.relevant }) })),
      bind(domain) {
        const items = indexOf(domain.items.ids);
        const users = indexOf(domain.users.ids);
        return retrievalEvalSet(
          queries.map((q) => ({
            qid: q.qid,
            text: q.text,
            // A user unknown to the domain is ranked without personalization rather than rejected.
            user: users.get(String(q.user)),
            relevant: denseRelevant(file, q.qid, q.relevant, items),
          })),
        );
      },
    };
  },
  selectionIdentities: (config) => identities(lfm2kSelectionFile(config)),
  buildDomain: (config, o) =>
    buildLfm2kDomain(config, { features: o.features as "own" | "shared", encoder: o.encoder, progress: o.progress, selection: o.selection }),
};

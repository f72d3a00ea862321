/**
 * @file jamendo-captions: a musician's caption -> the Jamendo tracks carrying every tag it names (zero-shot). Models
 * learn and select on requests generated from the catalog's tags; the captions (and never their `tags` answer key)
 * are only read for evaluation.
 */
import { loadCaptionQueries } from "../../datasets/benchmarks/index.js";
import { buildJamendoDomain } from "../../domains/jamendo.js";
import { contentKey } from "./identity.js";
import { denseRelevant, indexOf } from "./mapping.js";
import { RETRIEVAL_COLUMNS, retrievalEvalSet } from "./retrieval.js";
import type { BenchmarkSpec } from "./spec.js";

export const jamendoCaptions: BenchmarkSpec = {
  name: "jamendo-captions",
  featureSets: ["own"],
  carries: ["text"],
  columns: RETRIEVAL_COLUMNS,
  async readSplit(_config, file) {
    const queries = await loadCaptionQueries(file);
    return {
      file,
      identities: queries.map((q) => ({ qid: q.qid, content: contentKey({ text: q.text, relevant: q.relevant }) })),
      bind(domain) {
        const items = indexOf(domain.items.ids);
        return retrievalEvalSet(queries.map((q) => ({ qid: q.qid, text: q.text, relevant: denseRelevant(file, q.qid, q.relevant, items) })));
      },
    };
  },
  // Selection is on requests generated from the catalog's tags: no caption is ever among them.
  selectionIdentities: async () => [],
  buildDomain: (config, o) => buildJamendoDomain(config, { encoder: o.encoder, progress: o.progress, seed: o.seed }),
};

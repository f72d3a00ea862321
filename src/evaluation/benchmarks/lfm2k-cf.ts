/**
 * @file lfm2k-cf: held-out users' fold-in artists -> their held-out artists (VAE-CF's strong generalisation).
 *
 * Protocol. `--split` names a fold-in file (`*_in.tsv`); its held-out sibling is `*_out.tsv`. Each held-out user is
 * one request with no words: `history` = their fold-in artists (weights = plays), `exclude` = the same artists (a
 * fold-in artist is never ranked), `relevant` = their held-out artists. Every candidate artist is ranked; metrics
 * are CF_METRICS (NDCG@100 with IDCG over min(100, |held-out|); Recall@20 and Recall@50 = hits / min(k, |held-out|)).
 *
 * Candidate set: the artists of `train.tsv`. The README's 2,823 artists are those with >= 5 listeners among all
 * 1,859 users; checked once against the distributed files (train.tsv, val_in.tsv, val_out.tsv), train.tsv alone
 * covers all 2,823, and so does re-applying the README's filter to the raw plays: no artist is played only by
 * held-out users, so none is out of reach of a model trained on train.tsv. A split whose fold-in or held-out artist
 * is not a candidate therefore does not belong to this benchmark and is rejected (DataError naming the file, user
 * and artist) rather than silently dropped (as VAE-CF's preprocessing does) or kept as an unreachable answer. The
 * split is never rebuilt from the raw data.
 *
 * Users. An evaluated user must not be a training user (their held-out artists would be in the fit data): rejected
 * when the split is read. A fold-in user without held-out rows has no answers: skipped and counted by the metrics.
 *
 * Selection. Models select on the domain's own selection set: 10% of the training users (seed 98765), each split
 * 80/20 into fold-in / held-out, removed from the fit data before any statistic is computed (src/domains/lfm2k-cf.ts).
 * Made of training users, it cannot overlap a split this spec accepts; its identities are still returned so the
 * runner's generic overlap check stays meaningful. Identities (split and selection alike): qid `u<user>`, content =
 * user + sorted held-out artist ids.
 */
import type { Config } from "../../config.js";
import { loadCfSplit, loadCfTrain } from "../../datasets/benchmarks/index.js";
import type { LastfmPlay } from "../../datasets/types.js";
import { buildLfm2kCfDomain, cfRequest, LFM2K_CF, lfm2kCfSelection, lfm2kCfTrainFile } from "../../domains/lfm2k-cf.js";
import { csrRow } from "../../core/sparse.js";
import type { Domain, LabeledQuery } from "../../domains/types.js";
import { DataError } from "../../errors.js";
import type { Recommender } from "../../models/recommender.js";
import { controllabilityDelta } from "../controllability.js";
import { CF_METRICS } from "../aggregate.js";
import { contentKey } from "./identity.js";
import { indexOf } from "./mapping.js";
import { retrievalEvalSet } from "./retrieval.js";
import type { BenchmarkSpec, ModelMeasure, QueryIdentity } from "./spec.js";

/** The report columns: the VAE-CF metrics, then controllability (see src/evaluation/controllability.ts). */
export const CF_COLUMNS = [...Object.keys(CF_METRICS), "delta@20", "delta@20_rel"];

/**
 * Controllability Delta@20 of a fitted model over the bound requests: APRON's measurement (zero each of a user's 5
 * strongest prototypes, the drop of NDCG@20 over their held-out items carrying its tag), with "carries" read from the
 * domain's training tag counts. A model without an editable profile gets 0 and the reason.
 */
export async function measureControllability(model: Recommender, requests: readonly LabeledQuery[], domain: Domain): Promise<ModelMeasure> {
  const tagCounts = domain.items.tagCounts;
  const column = new Map((tagCounts?.vocabulary ?? []).map((t, j) => [t, j]));
  const carries = (item: number, tag: string): boolean => {
    const j = column.get(tag);
    if (tagCounts === undefined || j === undefined) return false;
    const { indices } = csrRow(tagCounts.counts, item);
    return indices.includes(j);
  };
  const r = await controllabilityDelta(model, requests, carries, { k: 20, top: 5 });
  if (r === undefined) {
    return { metrics: { "delta@20": 0, "delta@20_rel": 0 }, stderr: { "delta@20": 0, "delta@20_rel": 0 }, notes: { delta: `0 by definition: ${model.name} has no prototype profile whose weights could be edited` } };
  }
  return {
    metrics: { "delta@20": r.delta, "delta@20_rel": r.deltaRel },
    stderr: { "delta@20": r.deltaStderr, "delta@20_rel": 0 },
    notes: { delta_pairs: r.pairs, delta_pairs_skipped: r.skipped, delta_before_ndcg20: r.before },
  };
}

/** A held-out user's identity: who, and what they are asked to find. */
function identity(user: number, heldOutArtists: readonly number[]): QueryIdentity {
  return { qid: `u${user}`, content: contentKey({ user, text: "", relevant: heldOutArtists }) };
}

/** Rows grouped by user, users in order of first appearance. */
function byUser(rows: readonly LastfmPlay[]): Map<number, LastfmPlay[]> {
  const out = new Map<number, LastfmPlay[]>();
  for (const r of rows) {
    const list = out.get(r.user) ?? [];
    list.push(r);
    out.set(r.user, list);
  }
  return out;
}

export const lfm2kCf: BenchmarkSpec = {
  name: LFM2K_CF,
  // Nothing frozen: the domain's names and train-user tags are computed here.
  featureSets: ["own"],
  carries: ["history"],
  columns: CF_COLUMNS,
  async readSplit(config, file) {
    const outFile = `${file.slice(0, -"_in.tsv".length)}_out.tsv`;
    const [{ foldIn, heldOut }, train] = await Promise.all([loadCfSplit(file), loadCfTrain(lfm2kCfTrainFile(config))]);
    const trainUsers = new Set(train.map((p) => p.user));
    const users = byUser(foldIn);
    for (const user of users.keys()) {
      if (trainUsers.has(user)) {
        throw new DataError(`${file}: user ${user} is a training user of train.tsv, so their held-out artists are in the fit data; evaluate held-out users only`, { path: file });
      }
    }
    const answers = byUser(heldOut);
    const answersOf = (user: number) => (answers.get(user) ?? []).map((p) => p.artist);
    return {
      file,
      identities: [...users.keys()].map((user) => identity(user, answersOf(user))),
      bind(domain) {
        const items = indexOf(domain.items.ids);
        const dense = (where: string, user: number, artist: number): number => {
          const i = items.get(String(artist));
          if (i === undefined) {
            throw new DataError(`${where}: user ${user}'s artist ${artist} is not one of the ${domain.items.ids.length} candidate artists (the artists of train.tsv)`, { path: where });
          }
          return i;
        };
        const requests = [...users].map(([user, rows]) =>
          cfRequest(
            user,
            rows.map((r) => ({ item: dense(file, user, r.artist), value: r.plays })),
            answersOf(user).map((a) => dense(outFile, user, a)),
          ),
        );
        return { ...retrievalEvalSet(requests, CF_METRICS, 100), measure: (model) => measureControllability(model, requests, domain) };
      },
    };
  },
  async selectionIdentities(config) {
    const { selection } = lfm2kCfSelection(await loadCfTrain(lfm2kCfTrainFile(config)));
    return selection.map((s) => identity(s.user, s.heldOut.map((r) => r.item)));
  },
  buildDomain: (config: Config, o) => buildLfm2kCfDomain(config, { progress: o.progress, selection: o.selection }),
};

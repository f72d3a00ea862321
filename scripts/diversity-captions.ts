/**
 * @file How diversity changes the understood tag ranking on jamendo-captions val: for each caption, every track
 * ranked by its tag score (the `understood` part of the served path: request understanding + TagScorer, popularity
 * breaking ties; no trained model, no encoder), the top 10 with and without the default diversity rules. Prints mean
 * distinct albums and artists (Jamendo ids) in the top 10 and NDCG@10 / hit@10, on the whole split and each hash half.
 * Usage: `npx tsx scripts/diversity-captions.ts [split=$ASKMUSIC_BENCHMARKS/jamendo-captions/val.jsonl]`
 */
import os from "node:os";
import path from "node:path";
import { resolveConfig } from "../src/config.js";
import { hitRateAtK, ndcgAtK } from "../src/core/metrics.js";
import { topK } from "../src/core/topk.js";
import { loadCaptionQueries } from "../src/datasets/benchmarks/index.js";
import { loadJamendo } from "../src/datasets/jamendo/index.js";
import { halfOf } from "../src/evaluation/benchmarks/halves.js";
import { normalizeTerm } from "../src/ranking/constraints.js";
import { DEFAULT_DIVERSITY, diversify } from "../src/ranking/diversity.js";
import { TagScorer } from "../src/ranking/understanding/tag-scores.js";
import { RequestUnderstanding } from "../src/ranking/understanding/understand.js";

const config = resolveConfig(process.env);
const split = process.argv[2] ?? path.join(config.benchmarksDir, "jamendo-captions", "val.jsonl");
const tracks = await loadJamendo(config);
const queries = await loadCaptionQueries(split);
const row = new Map(tracks.map((t, i) => [t.id, i]));
const itemTags = tracks.map((t) => [...t.tags.genre, ...t.tags.instrument, ...t.tags.mood]);
const keys = itemTags.map((tags) => new Set(tags.map(normalizeTerm)));
const understanding = new RequestUnderstanding(itemTags);
const scorer = new TagScorer(itemTags);
const maxLog = Math.max(...tracks.map((t) => Math.log1p(t.stats?.listens ?? 0)));
const prior = tracks.map((t) => (maxLog > 0 ? (1e-4 * Math.log1p(t.stats?.listens ?? 0)) / maxLog : 0));

type Row = { half: string; albums: [number, number]; artists: [number, number]; ndcg: [number, number]; hit: [number, number] };
const rows: Row[] = queries.map((q) => {
  const u = understanding.understand(q.text);
  const s = scorer.scores(u);
  const rejected = u.rejectedTags.map(normalizeTerm);
  for (let i = 0; i < s.length; i++) s[i] = rejected.some((t) => keys[i].has(t)) ? -Infinity : s[i] + prior[i];
  const pool = topK(s, 100);
  const diverse = diversify(pool.map((i) => ({ album: tracks[i].albumId, artist: tracks[i].artistId, ...(tracks[i].title ? { title: tracks[i].title } : {}) })), pool.map((i) => s[i]), 10, DEFAULT_DIVERSITY).map((j) => pool[j]);
  const relevant = new Set(q.relevant.map((id) => row.get(id)!));
  const stats = (list: number[]) => {
    const top = list.slice(0, 10);
    return [new Set(top.map((i) => tracks[i].albumId)).size, new Set(top.map((i) => tracks[i].artistId)).size, ndcgAtK(top, relevant, 10), hitRateAtK(top, relevant, 10)];
  };
  const [a, b] = [stats(pool), stats(diverse)];
  return { half: halfOf(q.qid), albums: [a[0], b[0]], artists: [a[1], b[1]], ndcg: [a[2], b[2]], hit: [a[3], b[3]] };
});

const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(xs.length, 1);
console.log(`jamendo-captions ${path.basename(split)}: understood tag ranking, top 10 without / with default diversity (${JSON.stringify(DEFAULT_DIVERSITY)})`);
console.log("| queries | distinct albums | distinct artists | ndcg@10 | hit@10 |\n|---|---|---|---|---|");
for (const [label, part] of [["all", rows], ["dev", rows.filter((r) => r.half === "dev")], ["holdout", rows.filter((r) => r.half === "holdout")]] as const) {
  const col = (f: (r: Row) => [number, number]) => `${mean(part.map((r) => f(r)[0])).toFixed(2)} → ${mean(part.map((r) => f(r)[1])).toFixed(2)}`;
  const col4 = (f: (r: Row) => [number, number]) => `${mean(part.map((r) => f(r)[0])).toFixed(4)} → ${mean(part.map((r) => f(r)[1])).toFixed(4)}`;
  console.log(`| ${label} (${part.length}) | ${col((r) => r.albums)} | ${col((r) => r.artists)} | ${col4((r) => r.ndcg)} | ${col4((r) => r.hit)} |`);
}
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(1)}`);

/**
 * @file What request understanding and diversity add to each `ask` on the Jamendo catalog, measured alone (CPU only,
 * in process): understand() + the tag candidates (TagScorer.top of a 100 pool) + the understood component of 200
 * candidates + diversify() of them, per request, over the five requests of issue 10 and the jamendo-captions val texts.
 * End-to-end `ask` medians (scripts/bench-ask.ts) move by far more than this under a shared machine's load.
 * Usage: `npx tsx scripts/bench-understanding.ts [repeats=5]`
 */
import os from "node:os";
import path from "node:path";
import { resolveConfig } from "../src/config.js";
import { loadCaptionQueries } from "../src/datasets/benchmarks/index.js";
import { loadJamendo } from "../src/datasets/jamendo/index.js";
import { DEFAULT_DIVERSITY, diversify } from "../src/ranking/diversity.js";
import { understoodComponents } from "../src/ranking/understanding/ranking.js";
import { TagScorer } from "../src/ranking/understanding/tag-scores.js";
import { RequestUnderstanding } from "../src/ranking/understanding/understand.js";

const config = resolveConfig(process.env);
const repeats = Number(process.argv[2] ?? 5);
const tracks = await loadJamendo(config);
const tags = tracks.map((t) => [...t.tags.genre, ...t.tags.instrument, ...t.tags.mood]);
const understanding = new RequestUnderstanding(tags);
const scorer = new TagScorer(tags);
const five = ["upbeat songs for a morning run, but no rap", "lofi hip hop beats to relax", "songs like Daft Punk", "acoustic guitar love songs", "heavy metal with female vocals"];
const captions = (await loadCaptionQueries(path.join(config.benchmarksDir, "jamendo-captions", "val.jsonl"))).map((q) => q.text);

function once(text: string): number {
  const t0 = performance.now();
  const u = understanding.understand(text);
  const top = scorer.top(u, 100);
  const rows = [...top, ...Array.from({ length: 200 - top.length }, (_, i) => i)];
  const model = rows.map((r) => Math.sin(r));
  const parts = understoodComponents(rows.map((r) => scorer.score(u, r)), model);
  const scores = model.map((m, j) => m + parts[j]);
  diversify(rows.map((r) => ({ album: tracks[r].albumId, artist: tracks[r].artistId })), scores, 10, DEFAULT_DIVERSITY);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [label, texts] of [["five requests", five], ["captions", captions]] as const) {
  for (const t of texts) once(t); // warm up
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) for (const t of texts) times.push(once(t));
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label} (${texts.length} x ${repeats}): median ${median(times).toFixed(3)} ms, p99 ${sorted[Math.floor(0.99 * (sorted.length - 1))].toFixed(3)} ms`);
}
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(1)}`);

/**
 * @file Warm `ask` latency over a built catalog: the whole request path (constraint parsing, USE-lite encoding,
 * vector + full-text candidate search, exact rescoring), repeated over varied requests in one process.
 * Prints median and p99 per run, over several runs, and the machine. With a trained model (ranker "auto", the
 * default, as `ask` uses), also checks the model's candidates through the serving port, as ask asks for them (a
 * pool of 100 when taste or an entity re-ranks, the top 10 when the model's order is final), against scoring every
 * item; for JAM also its shortlist sizes and how often the widening search certifies its top 100.
 * Usage: `npx tsx scripts/bench-ask.ts [catalog=jamendo] [requests=100] [runs=3] [ranker=auto|none|jam-cross|talkrec|...]`
 */
import os from "node:os";
import { resolveConfig } from "../src/config.js";
import { openCatalogModel } from "../src/ranking/catalog-models.js";
import { CatalogRanker } from "../src/ranking/catalog-ranker.js";
import { JamServingModel, jamShortlist } from "../src/ranking/serving/jam.js";
import { defaultQueryEncoder } from "../src/representations/default-encoder.js";
import { LanceCatalog } from "../src/store/lancedb/index.js";
import { benchRequest } from "./lib/bench-requests.js";

const name = process.argv[2] ?? "jamendo";
const n = Number(process.argv[3] ?? 100);
const runs = Number(process.argv[4] ?? 3);
const choice = process.argv[5] ?? "auto";
const config = resolveConfig(process.env);

/** Distinct requests (each encoded for the first time, so the encoder's cache does not hide its cost). */
function requests(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => benchRequest(i + offset, true));
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const catalog = await LanceCatalog.open(config.homeDir, name);
const encoder = defaultQueryEncoder();
const model = await openCatalogModel(config, name, choice);
const ranker = await CatalogRanker.open(catalog, encoder, { model });
await ranker.ask("warm up the encoder and the indices", { k: 10 });
console.log(`catalog ${name} (${await catalog.count()} items), ranked by ${model?.name ?? "text-match"}, ${n} requests x ${runs} runs, k=10`);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
const medians: number[] = [];
const p99s: number[] = [];
for (let r = 0; r < runs; r++) {
  const ms: number[] = [];
  for (const request of requests(n, 1000 * (r + 1))) {
    const t0 = performance.now();
    await ranker.ask(request, { k: 10 });
    ms.push(performance.now() - t0);
  }
  medians.push(quantile(ms, 0.5));
  p99s.push(quantile(ms, 0.99));
  console.log(`run ${r + 1}: median ${quantile(ms, 0.5).toFixed(1)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms`);
}
console.log(`median of runs: median ${quantile(medians, 0.5).toFixed(1)} ms, p99 ${quantile(p99s, 0.5).toFixed(1)} ms`);
if (model !== undefined) {
  // The candidates against brute force: every item scored, same arithmetic.
  const all = [...model.itemIds.keys()];
  const jam = model instanceof JamServingModel ? model.form : undefined;
  let certified = 0;
  let agree = 0;
  let shortlisted = 0;
  // What ask asks for: a wide pool when taste or an entity re-ranks, the top k when the model's order is final.
  const settings = (["reranked", "final"] as const).map((use) => ({ use, k: use === "reranked" ? 100 : 10, agree: 0, scored: 0, ms: [] as number[] }));
  const topMs: number[] = [];
  const fullMs: number[] = [];
  const texts = requests(n, 0);
  const raw = await encoder.encode(texts);
  texts.forEach((text, i) => {
    const vector = raw.data.slice(i * raw.cols, (i + 1) * raw.cols);
    const prepared = model.prepare({ text, vector });
    let t0 = performance.now();
    const scores = prepared.score(all);
    const best = [...all].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 10);
    fullMs.push(performance.now() - t0);
    for (const st of settings) {
      t0 = performance.now();
      const got = prepared.candidates({ k: st.k, use: st.use });
      st.ms.push(performance.now() - t0);
      st.agree += best.filter((r) => got.rows.slice(0, 10).includes(r)).length / 10;
      if (jam) st.scored += jam.shortlist(jam.query(vector), st.k, jamShortlist(st.k, st.use)).shortlisted;
    }
    if (jam) {
      t0 = performance.now();
      const top = jam.top(jam.query(vector), 100);
      topMs.push(performance.now() - t0);
      if (top.certified) certified++;
      shortlisted += top.shortlisted;
      agree += best.filter((r) => top.rows.slice(0, 10).includes(r)).length / 10;
    }
  });
  console.log(
    `${model.name} over ${n} requests, against scoring all ${all.length} items (median ${quantile(fullMs, 0.5).toFixed(1)} ms):\n` +
      settings
        .map((st) => `  candidates(k ${st.k}, ${st.use})${jam ? `: shortlist of ${jamShortlist(st.k, st.use)} per list, int8 order,` : ":"} top-10 overlap ${(st.agree / n).toFixed(4)}${jam ? `, ${(st.scored / n).toFixed(0)} items scored` : ""}, median ${quantile(st.ms, 0.5).toFixed(2)} ms\n`)
        .join("") +
      (jam ? `  widened until certified: certified ${certified}/${n}, top-10 overlap ${(agree / n).toFixed(4)}, ${(shortlisted / n).toFixed(0)} items scored, median ${quantile(topMs, 0.5).toFixed(2)} ms` : ""),
  );
}
catalog.close();
encoder.dispose?.();

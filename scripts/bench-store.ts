/**
 * @file Latency of the LanceDB catalog: vector search (unfiltered, filtered, IVF vs exact, with recall) and FTS,
 * median of N queries. Usage: `ASKMUSIC_HOME=/tmp/askmusic-store-x npx tsx scripts/bench-store.ts [catalog] [N]`.
 */
import { resolveConfig } from "../src/config.js";
import { matrix, normalizeRows, row } from "../src/core/matrix.js";
import { topK } from "../src/core/topk.js";
import type { CatalogFilter } from "../src/store/catalog.js";
import { LanceCatalog } from "../src/store/lancedb/index.js";
import { MemoryCatalog } from "../src/store/memory/index.js";

const name = process.argv[2] ?? "jamendo";
const n = Number(process.argv[3] ?? 100);
const config = resolveConfig(process.env);

/** Deterministic LCG so runs are comparable. */
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time<T>(label: string, queries: readonly T[], run: (q: T) => Promise<unknown>): Promise<number> {
  await run(queries[0]); // warm-up: first query opens files and caches index pages
  const ms: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    await run(q);
    ms.push(performance.now() - t0);
  }
  const med = median(ms);
  console.log(`${label.padEnd(48)} median ${med.toFixed(2)} ms  p90 ${[...ms].sort((a, b) => a - b)[Math.floor(ms.length * 0.9)].toFixed(2)} ms`);
  return med;
}

const nprobes = process.argv[4] ? Number(process.argv[4]) : undefined;
const catalog = await LanceCatalog.open(config.homeDir, name, { nprobes });
const info = catalog.info();
const column = info.defaultVectorColumn;
console.log(`catalog ${name}: ${info.count} items, columns ${JSON.stringify(info.vectorColumns)}, index ${JSON.stringify(catalog.vectorIndex())}`);

const { ids, matrix: vecs } = await catalog.vectors(column);
const unit = normalizeRows(vecs);
const nonzero = [...Array(vecs.rows).keys()].filter((i) => row(unit, i).some((x) => x !== 0));
const nonzeroSet = new Set(nonzero);
// Queries: the mean of two random items' vectors, so no query coincides with a stored row (fair to IVF).
const queries = Array.from({ length: n }, () => {
  const a = row(unit, nonzero[Math.floor(rand() * nonzero.length)]);
  const b = row(unit, nonzero[Math.floor(rand() * nonzero.length)]);
  return Float32Array.from(a, (x, j) => (x + b[j]) / 2);
});

const items = await catalog.allItems();
const tagCount = new Map<string, number>();
for (const it of items) for (const t of it.tags) tagCount.set(t, (tagCount.get(t) ?? 0) + 1);
const byFreq = [...tagCount].sort((x, y) => y[1] - x[1]);
const common = byFreq[0][0];
const rare = byFreq[Math.floor(byFreq.length * 0.8)][0];
const artists = [...new Set(items.flatMap((it) => (it.artist ? [it.artist] : [])))].slice(0, 20);
const filters: [string, CatalogFilter][] = [
  [`exclude tag "${common}" + 20 artists`, { excludeTags: [common], excludeArtists: artists }],
  [`include common tag "${common}" (${tagCount.get(common)} items)`, { includeTags: [common] }],
  [`include rare tag "${rare}" (${tagCount.get(rare)} items)`, { includeTags: [rare] }],
  [`minPopularity 1000`, { minPopularity: 1000 }],
];

await time(`vector ${column} k=10 unfiltered (${catalog.vectorIndex().type})`, queries, (q) => catalog.vectorSearch(q, { column, k: 10 }));
await time(`vector ${column} k=10 unfiltered (exact)`, queries, (q) => catalog.vectorSearch(q, { column, k: 10, exact: true }));
await time(`vector ${column} k=100 unfiltered (${catalog.vectorIndex().type})`, queries, (q) => catalog.vectorSearch(q, { column, k: 100 }));
for (const [label, filter] of filters) {
  await time(`vector k=10 ${label}`, queries, (q) => catalog.vectorSearch(q, { column, k: 10, filter }));
}

// Recall@10 of the configured search against exact cosine computed here in JS. Many tracks share a tag phrase
// (identical vectors), so a hit counts when its distance is within the exact 10th distance (ties are equivalent).
let recall = 0;
let recallById = 0;
for (const q of queries.slice(0, 50)) {
  const scores = new Float32Array(unit.rows);
  const qn = Math.hypot(...q);
  for (let i = 0; i < unit.rows; i++) {
    let s = 0;
    const r = row(unit, i);
    for (let j = 0; j < r.length; j++) s += r[j] * q[j];
    scores[i] = s / qn;
  }
  const best = topK(scores, 10, { exclude: (i) => !nonzeroSet.has(i) });
  const truth = new Set(best.map((i) => ids[i]));
  const tenth = 1 - scores[best[9]];
  const got = await catalog.vectorSearch(q, { column, k: 10 });
  recall += got.filter((h) => h.distance <= tenth + 1e-5).length / 10;
  recallById += got.filter((h) => truth.has(h.item.id)).length / 10;
}
console.log(`recall@10 of ${catalog.vectorIndex().type} (nprobes ${catalog.vectorIndex().nprobes}) vs exact, 50 queries: ${(recall / 50).toFixed(3)} by distance (ties equal), ${(recallById / 50).toFixed(3)} by id`);

// In-process brute force over the same vectors, for comparison.
const mem = new MemoryCatalog(name, items, { [column]: matrix(vecs.rows, vecs.cols, vecs.data) }, info.encoderId);
await time(`memory brute force k=10 unfiltered (JS)`, queries.slice(0, 30), (q) => mem.vectorSearch(q, { column, k: 10 }));

const ftsQueries = Array.from({ length: n }, (_, i) => {
  const it = items[Math.floor(rand() * items.length)];
  return i % 2 === 0 ? (it.title ?? it.name) : it.tags.slice(0, 2).join(" ") || it.name;
});
await time(`fts k=10`, ftsQueries, (q) => catalog.textSearch(q, { k: 10 }));
await time(`fts k=10 + exclude tag "${common}"`, ftsQueries, (q) => catalog.textSearch(q, { k: 10, filter: { excludeTags: [common] } }));
let titleHits = 0;
const titled = items.filter((it) => it.title).slice(0, 50);
for (const it of titled) if ((await catalog.textSearch(`${it.title} ${it.artist ?? ""}`, { k: 10 })).some((h) => h.item.id === it.id)) titleHits++;
console.log(`fts finds the exact item for "title artist" in top 10: ${titleHits}/${titled.length}`);
catalog.close();

import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
const N = 55000, D = 512;
const dir = "/tmp/askmusic-store-proto/db2";
const db = await lancedb.connect(dir);
let seed = 1; const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 - 0.5; };
// clustered data
const C = 200; const cent = new Float32Array(C * D).map(() => rnd());
const vec = new Float32Array(N * D);
for (let i = 0; i < N; i++) { const c = i % C; let n = 0; for (let j = 0; j < D; j++) { const v = cent[c * D + j] + 0.5 * rnd(); vec[i * D + j] = v; n += v * v; } n = Math.sqrt(n); for (let j = 0; j < D; j++) vec[i * D + j] /= n; }
const vecType = new arrow.FixedSizeList(D, new arrow.Field("item", new arrow.Float32(), true));
const schema = new arrow.Schema([ new arrow.Field("id", new arrow.Utf8(), false), new arrow.Field("tag", new arrow.Utf8(), false), new arrow.Field("v", vecType, false) ]);
const batches = [];
for (let lo = 0; lo < N; lo += 5000) { const hi = Math.min(N, lo + 5000), n = hi - lo;
  const child = arrow.makeData({ type: new arrow.Float32(), length: n * D, data: vec.subarray(lo * D, hi * D) });
  batches.push(new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, children: [
    arrow.vectorFromArray(Array.from({length:n},(_, j)=>`t${lo+j}`), new arrow.Utf8()).data[0],
    arrow.vectorFromArray(Array.from({length:n},(_, j)=>`g${(lo+j)%50}`), new arrow.Utf8()).data[0],
    arrow.makeData({ type: vecType, length: n, child, nullCount: 0 }) ] }))); }
const tbl = await db.createTable("items", new arrow.Table(schema, batches) as any, { mode: "overwrite" });
await tbl.createIndex("tag", { config: lancedb.Index.bitmap() });
const queries = Array.from({ length: 50 }, (_, k) => vec.slice((k * 997) * D, (k * 997 + 1) * D).map((x) => x + 0.02 * rnd()));
async function bench(label: string, mk: (q: Float32Array) => any) {
  const times: number[] = []; const results: string[][] = [];
  for (const q of queries) { const s = performance.now(); const r = await mk(q).toArray(); times.push(performance.now() - s); results.push(r.map((x: any) => x.id)); }
  times.sort((a, b) => a - b); console.log(label, "median", times[25].toFixed(2), "p90", times[45].toFixed(2)); return results;
}
const base = (q: Float32Array) => tbl.vectorSearch(q).column("v").select(["id", "_distance"]).limit(10);
const exact = await bench("flat cosine", (q) => base(q).distanceType("cosine"));
await bench("flat cosine again", (q) => base(q).distanceType("cosine"));
await bench("flat dot", (q) => base(q).distanceType("dot"));
await bench("flat l2", (q) => base(q).distanceType("l2"));
await bench("flat cosine filtered", (q) => base(q).distanceType("cosine").where("tag = 'g3'"));
// JS brute force
{ const times: number[] = []; for (const q of queries) { const s = performance.now(); const out = new Float32Array(N); for (let i = 0; i < N; i++) { let d = 0; const b = i * D; for (let j = 0; j < D; j++) d += vec[b + j] * q[j]; out[i] = d; } times.push(performance.now() - s); } times.sort((a, b) => a - b); console.log("js brute", times[25].toFixed(2)); }
const recall = (r: string[][]) => r.reduce((s, x, i) => s + x.filter((id) => exact[i].includes(id)).length / 10, 0) / r.length;
for (const [name, cfg] of [["ivfflat", lancedb.Index.ivfFlat({ distanceType: "cosine", numPartitions: 64 })], ["hnswsq", lancedb.Index.hnswSq({ distanceType: "cosine", numPartitions: 1 })], ["ivfpq", lancedb.Index.ivfPq({ distanceType: "cosine", numPartitions: 64, numSubVectors: 64 })]] as const) {
  const s = Date.now(); await tbl.createIndex("v", { config: cfg as any, replace: true }); console.log(name, "build ms", Date.now() - s);
  const r = await bench(name, (q) => base(q).distanceType("cosine").nprobes(8).refineFactor(name === "ivfpq" ? 5 : 1));
  console.log(name, "recall@10", recall(r).toFixed(3));
  await bench(name + " filtered", (q) => base(q).distanceType("cosine").nprobes(8).where("tag = 'g3'"));
}

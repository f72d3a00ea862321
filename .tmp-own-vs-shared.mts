import { resolveConfig } from "./src/config.js";
import { buildLfm2kDomain } from "./src/domains/lfm2k-tagq.js";
import { progressPrinter } from "./src/core/progress.js";
const config = resolveConfig({ ASKMUSIC_DATA: "/work/shared/data", ASKMUSIC_BENCHMARKS: "/work/shared/benchmarks", ASKMUSIC_HOME: "/tmp/rep/home-lfm", ASKMUSIC_DOWNLOAD: "never" });
const t0 = performance.now();
const own = await buildLfm2kDomain(config, { features: "own", progress: progressPrinter(process.stderr, 20000) });
console.log("own build s", ((performance.now() - t0) / 1000).toFixed(1));
const shared = await buildLfm2kDomain(config, { features: "shared" });
for (const k of ["name", "tagtext"]) {
  const a = own.items.features[k].data, b = shared.items.features[k].data;
  let maxd = 0; for (let i = 0; i < a.length; i++) maxd = Math.max(maxd, Math.abs(a[i] - b[i]));
  console.log(k, "max abs diff own vs shared", maxd);
}
const q = await own.encodeQueries(["chillout"]); const s = await shared.encodeQueries(["chillout"]);
let maxd = 0; for (let i = 0; i < 512; i++) maxd = Math.max(maxd, Math.abs(q.data[i] - s.data[i])); console.log("query chillout diff", maxd);
const t1 = performance.now();
await buildLfm2kDomain(config, { features: "own" });
console.log("warm own build s", ((performance.now() - t1) / 1000).toFixed(1), "rss MB", process.memoryUsage().rss / 1e6);

import { resolveConfig } from "./src/config.js";
import { loadJamendo } from "./src/datasets/jamendo/index.js";
import { generateSyntheticQueries } from "./src/domains/synthetic-queries.js";
const tracks = await loadJamendo(resolveConfig({ ASKMUSIC_DATA: "/work/shared/data", ASKMUSIC_HOME: "/tmp/rep/h2", ASKMUSIC_DOWNLOAD: "never" }));
const tags = tracks.map(t => t.tags);
for (const [tr, va] of [[20000, 0], [0, 1000], [20000, 1000]]) {
const t0 = performance.now();
const { train, val } = generateSyntheticQueries(tags, { seed: 0, train: tr, val: va });
console.log(tr, va, "gen ms", performance.now() - t0, train.length, val.length);
}

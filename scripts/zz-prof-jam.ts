import { resolveConfig } from "/work/main/src/config.js";
import { buildLfm2kDomain } from "/work/main/src/domains/lfm2k-tagq.js";
import { withCarvedSelection } from "/work/main/src/evaluation/selection.js";
import { JamRecommender } from "/work/main/src/models/jam/index.js";
import { defaultTextEncoder } from "/work/main/src/representations/default-encoder.js";
import { tfReady } from "/work/main/src/models/tf/backend.js";
const tf = await tfReady();
console.log("simd", tf.env().getBool("WASM_HAS_SIMD_SUPPORT"), "mt", tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT"));
const config = resolveConfig(process.env);
const built = await buildLfm2kDomain(config, { features: "shared", encoder: defaultTextEncoder(config) });
const d = withCarvedSelection(built);
const sub = { ...d, train: d.train.slice(0, 3000), val: [] as typeof d.val, encodeQueries: d.encodeQueries };
const configs = JSON.parse(process.argv[2] ?? '[{}]');
for (const c of configs) {
  const { mixing, ...rest } = c; const m = new JamRecommender(mixing ?? "cross", { epochs: 1, ...rest });
  const r = await m.fit(sub, { seed: 1 });
  console.log(JSON.stringify(c), "ex/s", Number(r.notes?.examplesPerSecond).toFixed(0), "train s", r.trainSeconds.toFixed(1));
  m.dispose();
}

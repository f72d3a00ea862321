import { resolveConfig } from "../src/config.ts";
import { buildLfm2kDomain } from "../src/domains/lfm2k-tagq.ts";
import { createRecommender } from "../src/models/registry.ts";
import { meanNdcgAt10 } from "../src/models/validation.ts";
const names = process.argv.slice(2);
const t0 = performance.now();
const domain = await buildLfm2kDomain(resolveConfig(process.env), { features: "shared" });
console.log(`domain ${domain.name}: items ${domain.items.ids.length}, users ${domain.users.ids.length}, train ${domain.train.length}, val ${domain.val.length}, features ${Object.keys(domain.items.features)}, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log("positives", domain.train.reduce((s, q) => s + q.relevant.length, 0));
for (const name of names) {
  const [model, epochs] = name.split(":");
  const m = createRecommender(model, epochs ? { epochs: Number(epochs) } : undefined);
  const r = await m.fit(domain, { seed: 42, log: (l) => console.log(l) });
  const t1 = performance.now();
  const ndcg = await meanNdcgAt10(m, domain.val, domain);
  const dt = performance.now() - t1;
  console.log(`${model}: fit ${r.trainSeconds.toFixed(1)} s, notes ${JSON.stringify(r.notes)}, val ndcg@10 ${ndcg.toFixed(4)} (${(dt / domain.val.length).toFixed(2)} ms/query incl. first encode)`);
  m.dispose();
}

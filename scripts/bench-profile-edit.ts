/**
 * @file Times a profile edit to a new top 20 on a catalog's saved profile model ($ASKMUSIC_HOME/models/<catalog>/apron),
 * through `profileView`, the path `profile set`, PUT /v1/users/me/profile and the web panel take: for each of `n`
 * listeners with `likes` random liked items (seeded), zero their strongest prototype, then set their 3rd strongest to
 * 0.5. Jamendo's model is built from its tags (`npx askmusic profile train --catalog jamendo`, seconds).
 * Usage: `npx tsx scripts/bench-profile-edit.ts [catalog=jamendo] [n=200] [likes=10] [seed=7]`
 */
import { resolveConfig } from "../src/config.js";
import { mulberry32 } from "../src/core/random.js";
import { openProfileModel, profileView } from "../src/ranking/profiles.js";

const [catalog = "jamendo", nArg = "200", likesArg = "10", seedArg = "7"] = process.argv.slice(2);
const config = resolveConfig(process.env);
const pm = await openProfileModel(config, catalog);
const rng = mulberry32(Number(seedArg));
const times: number[] = [];
for (let u = 0; u < Number(nArg); u++) {
  const history = Array.from({ length: Number(likesArg) }, () => pm.ids[Math.floor(rng() * pm.ids.length)]);
  const view = await profileView(pm, history, undefined, 20);
  for (const edit of [{ [view.prototypes[0].tag]: 0 }, { [view.prototypes[2].tag]: 0.5 }]) {
    const t0 = performance.now();
    const edited = await profileView(pm, history, { prototypeWeights: edit }, 20);
    times.push(performance.now() - t0);
    if (edited.recommendations.length !== 20) throw new Error(`expected 20 recommendations, got ${edited.recommendations.length}`);
  }
}
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`${catalog} profile edit -> new top 20 over ${pm.ids.length} items, ${pm.model.prototypes.length} prototypes: ${times.length} edits`);
console.log(`  median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`);

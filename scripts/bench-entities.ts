/**
 * @file Entity requests through `ask`'s ranker over a built catalog: the documented request set of
 * `entityRequestsFor` (for the `count` most-listened artists: "songs like {name}", "more {name}", "{name lower-cased}
 * please", "something similar to {name with its middle character deleted}"), answered with and without entity
 * awareness; prints HitRate@10 of the named artist (any of its items in the top 10) per request form.
 * Usage: `npx tsx scripts/bench-entities.ts [catalog=lastfm-2k] [count=100] [ranker=auto|none|jam-cross|...]`
 */
import { resolveConfig } from "../src/config.js";
import { entityRequestsFor } from "../src/ranking/entities.js";
import { openCatalogModel } from "../src/ranking/catalog-models.js";
import { CatalogRanker } from "../src/ranking/catalog-ranker.js";
import { defaultQueryEncoder } from "../src/representations/default-encoder.js";
import { LanceCatalog } from "../src/store/lancedb/index.js";

const name = process.argv[2] ?? "lastfm-2k";
const count = Number(process.argv[3] ?? 100);
const choice = process.argv[4] ?? "auto";
const config = resolveConfig(process.env);
const catalog = await LanceCatalog.open(config.homeDir, name);
const encoder = defaultQueryEncoder();
const model = await openCatalogModel(config, name, choice);
const items = await catalog.allItems();
// Artists with their summed popularity (a catalog of tracks has many items per artist).
const listens = new Map<string, number>();
for (const it of items) if (it.artist) listens.set(it.artist, (listens.get(it.artist) ?? 0) + it.popularity);
const artists = [...listens.keys()];
const requests = entityRequestsFor(artists, artists.map((a) => listens.get(a)!), count);
const rankers = {
  without: await CatalogRanker.open(catalog, encoder, { model, weights: { entity: 0 } }),
  with: await CatalogRanker.open(catalog, encoder, { model }),
};
console.log(`catalog ${name}, ranked by ${model?.name ?? "text-match"}: ${requests.length} requests over the ${count} most-listened artists`);
for (const kind of [undefined, "exact", "lowercase", "typo"] as const) {
  const rs = requests.filter((r) => kind === undefined || r.kind === kind);
  const hit: Record<string, number> = {};
  for (const [label, ranker] of Object.entries(rankers)) {
    let hits = 0;
    for (const r of rs) {
      const answer = await ranker.ask(r.text, { k: 10 });
      if (answer.results.some((x) => x.item.artist === artists[r.item])) hits++;
    }
    hit[label] = hits / rs.length;
  }
  console.log(`${kind ?? "all"} (${rs.length}): HitRate@10 of the named artist without ${hit.without.toFixed(3)}, with entity awareness ${hit.with.toFixed(3)}`);
}
catalog.close();
encoder.dispose?.();

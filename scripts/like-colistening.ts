/**
 * @file "Like X" on lastfm-2k, measured as the issue asks: for the 100 artists with the most listeners, ask
 * "music like <X>" and count the share of the other top-10 artists that are among X's 50 most co-listened artists
 * (users in common in user_artists.dat, ties to the lower artist id). With the text-match ranker and with the
 * trained jam-cross, each with and without the listening histories given to the ranker (without: X's neighbours
 * are the artists nearest its text vector, as before co-listening). Nothing here is tuned: the ranker's weights
 * are its defaults. The weights of the neighbourhood were chosen on the artists ranked 101-200 by listeners
 * (`offset=100`); the report is the first 100, which nothing was chosen on.
 * Usage: `npx tsx scripts/like-colistening.ts [artists=100] [k=10] [offset=0]`
 */
import os from "node:os";
import { resolveConfig } from "../src/config.js";
import { loadLastfm } from "../src/datasets/lastfm/index.js";
import { catalogCoListening } from "../src/ranking/albums.js";
import { openCatalogModel } from "../src/ranking/catalog-models.js";
import { CatalogRanker } from "../src/ranking/catalog-ranker.js";
import { defaultQueryEncoder } from "../src/representations/default-encoder.js";
import { LanceCatalog } from "../src/store/lancedb/index.js";

const count = Number(process.argv[2] ?? 100);
const k = Number(process.argv[3] ?? 10);
const offset = Number(process.argv[4] ?? 0);
const config = resolveConfig(process.env);
const data = await loadLastfm(config);
const coListening = (await catalogCoListening(config, "lastfm-2k"))!;
const names = new Map(data.artists.map((a) => [String(a.id), a.name]));
const top = [...names.keys()]
  .map((id) => ({ id, listeners: coListening.listeners(id) }))
  .sort((a, b) => b.listeners - a.listeners || Number(a.id) - Number(b.id))
  .slice(offset, offset + count);
/** X's 50 most co-listened artists by users in common. */
const neighbours = (id: string) =>
  new Set(
    [...coListening.common(id)]
      .sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]))
      .slice(0, 50)
      .map(([other]) => other),
  );

const catalog = await LanceCatalog.open(config.homeDir, "lastfm-2k");
const encoder = defaultQueryEncoder();
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
console.log(`${top.length} artists ranked ${offset + 1}-${offset + top.length} by listeners (${top[0].listeners} .. ${top.at(-1)!.listeners}); request "music like <name>", k = ${k}`);
for (const choice of ["none", "jam-cross"]) {
  const model = await openCatalogModel(config, "lastfm-2k", choice);
  for (const withHistories of [false, true]) {
    const ranker = await CatalogRanker.open(catalog, encoder, { model, ...(withHistories ? { coListening } : {}) });
    let share = 0;
    let first = 0;
    for (const x of top) {
      const answer = await ranker.ask(`music like ${names.get(x.id)}`, { k });
      const others = answer.results.map((r) => r.item.id).filter((id) => id !== x.id);
      const near = neighbours(x.id);
      share += others.length > 0 ? others.filter((id) => near.has(id)).length / others.length : 0;
      if (answer.results[0]?.item.id === x.id) first++;
    }
    console.log(
      `${model?.name ?? "text match"}, ${withHistories ? "co-listening" : "text neighbours"}: share of the other top-${k} artists among X's 50 most co-listened ${(share / top.length).toFixed(4)}; X itself first in ${first}/${top.length}`,
    );
  }
}
catalog.close();

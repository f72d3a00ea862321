/**
 * @file Issue 13's constraint check: over 1,000 generated dialogues, the `state` model's answers never violate the
 * hard constraints of the state it ranked from (an excluded artist or tag, a disliked track). The generator's
 * exclusions ("no more Artist 3", "without rock") are what put hard constraints into those states.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCpcdDialogs } from "../../datasets/cpcd/index.js";
import { buildCpcdDomain } from "../../domains/cpcd.js";
import { CpcdSplit } from "../../evaluation/benchmarks/cpcd/index.js";
import { ArtistDescriptions } from "../../ranking/understanding/references.js";
import { fakeEncoder } from "../../representations/fake-encoder.js";
import { StateRecommender, type UtteranceLabeler } from "../retrieval/state-model.js";
import type { UserIntent } from "../types.js";
import { genItems } from "./attributes.js";
import { estimateIntentModel, estimatePhrasing, synthesizeDialogues } from "./index.js";
import { syntheticCatalog, syntheticIntentRows } from "./testing.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "askmusic-violations-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Keyword intents (a stand-in for the trained classifier; the constraint guarantee must not depend on it). */
const labeler: UtteranceLabeler = {
  async label(us) {
    return us.map((u) => ({
      intents: (/\b(no|without|less|skip|leave out)\b/i.test(u.text) ? ["remove_filter"] : u.position === 0 ? ["initial_query"] : ["add_filter"]) as UserIntent[],
      attributes: [],
    }));
  },
};

describe("state answers over 1,000 generated dialogues", () => {
  it("violate no hard constraint", async () => {
    const catalog = syntheticCatalog();
    const rows = syntheticIntentRows();
    const r = synthesizeDialogues(genItems(catalog), estimateIntentModel(rows), estimatePhrasing(rows, 1), { n: 1000, seed: 13, catalog: "fixture" });
    const file = path.join(scratch, "dialogs.jsonl");
    writeFileSync(file, r.lines.map((l) => `${l}\n`).join(""));
    const dialogs = await loadCpcdDialogs(file);
    const domain = await buildCpcdDomain(dialogs, { encoder: fakeEncoder(8) });
    // Every artist's catalog tags, as Last.fm-2k descriptions would give them.
    const tagsOf = new Map<string, Map<string, number>>();
    for (const it of catalog) {
      const m = tagsOf.get(it.artist!) ?? new Map<string, number>();
      for (const t of it.tags) m.set(t, (m.get(t) ?? 0) + 1);
      tagsOf.set(it.artist!, m);
    }
    const describe = new ArtistDescriptions([...tagsOf].map(([name, tagCounts]) => ({ name, tagCounts })), 50);
    const model = new StateRecommender({ labeler: async () => labeler, describe: async () => describe });
    await model.fit(domain, { seed: 42 });
    const requests = new CpcdSplit(file, dialogs).bind(domain).requests.map((q) => ({ text: q.text, turns: q.turns }));
    expect(requests.length).toBeGreaterThan(3000);
    const answers = await model.rank(requests, { k: 10 });
    const artistOf = domain.items.texts.artists!;
    const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
    let constrained = 0;
    const violations: string[] = [];
    for (let i = 0; i < requests.length; i++) {
      const state = await model.stateOf(requests[i]);
      const artists = lower(state.constraints.excludeArtists);
      const tags = lower(state.constraints.excludeTags);
      const disliked = new Set(state.disliked);
      if (artists.size + tags.size > 0) constrained++;
      for (const j of answers[i].items) {
        const artist = artistOf[j];
        const itemTags = [...(tagsOf.get(artist)?.keys() ?? [])].map((t) => t.toLowerCase());
        if (artists.has(artist.toLowerCase()) || itemTags.some((t) => tags.has(t)) || disliked.has(domain.items.ids[j])) violations.push(`request ${i}: ${domain.items.ids[j]} by ${artist} [${itemTags.join(",")}] vs artists ${[...artists].join("/")} tags ${[...tags].join("/")} disliked ${disliked.has(domain.items.ids[j])}`);
      }
    }
    // Not vacuous: the generated exclusions reach the states of many requests.
    expect(constrained).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  }, 300_000);
});

/**
 * @file Fixtures for generator tests: a made-up catalog with known tags and a handful of labelled turns in
 * cpcd-intent's shape (no real data).
 */
import { mulberry32, randInt } from "../../core/random.js";
import type { CpcdIntentRow } from "../../datasets/types.js";
import type { CatalogItem } from "../../store/catalog.js";

/**
 * `artists` × `tracksPerArtist` tracks; each artist has one genre, one culture and one decade, each track one mood,
 * one instrument and sometimes a tempo; popularity varies.
 * @example syntheticCatalog().length // 400
 */
export function syntheticCatalog(artists = 40, tracksPerArtist = 10, seed = 5): CatalogItem[] {
  const rng = mulberry32(seed);
  const genres = ["rock", "jazz", "pop", "electronic", "folk"];
  const moods = ["happy", "sad", "calm", "energetic"];
  const instruments = ["piano", "guitar", "synthesizer"];
  const decades = ["70s", "80s", "90s"];
  const cultures = ["british", "american"];
  const out: CatalogItem[] = [];
  for (let a = 0; a < artists; a++) {
    const artist = `Artist ${a}`;
    const genre = genres[a % genres.length];
    const era = decades[a % decades.length];
    const culture = cultures[a % cultures.length];
    for (let t = 0; t < tracksPerArtist; t++) {
      const tags = [genre, era, culture, moods[randInt(rng, moods.length)], instruments[randInt(rng, instruments.length)], ...(rng() < 0.3 ? ["fast"] : [])];
      const title = `Song ${a}-${t}`;
      out.push({ id: `t${String(a * tracksPerArtist + t).padStart(4, "0")}`, name: `${title} by ${artist}`, title, artist, tags, popularity: randInt(rng, 1000), text: `${title} ${artist} ${tags.join(" ")}` });
    }
  }
  return out;
}

/** Labelled user and system turns of three made-up dialogues, in cpcd-intent's row shape. */
export function syntheticIntentRows(): CpcdIntentRow[] {
  const spec: [string, [string, string[], string[]][]][] = [
    ["d1", [["Hi, some jazz please", ["greeting", "initial_query", "add_filter"], ["genre"]], ["Great! more by Miles", ["accept_response", "add_filter"], ["artist"]], ["Lovely, some more please", ["accept_response", "continue"], ["none"]]]],
    ["d2", [["I want a rock playlist from the 80s", ["initial_query", "add_filter"], ["genre", "year"]], ["no piano please", ["reject_response", "remove_filter"], ["instrument"]], ["Great! something happier", ["accept_response", "add_filter"], ["mood"]], ["thanks", ["accept_response"], ["none"]]]],
    ["d3", [["Hello! calm music for studying", ["greeting", "initial_query", "add_filter"], ["mood", "theme"]], ["Great! with guitar", ["accept_response", "add_filter"], ["instrument"]], ["yes, please", ["others"], ["none"]], ["Great! more", ["accept_response", "continue"], ["none"]]]],
  ];
  const rows: CpcdIntentRow[] = [];
  let index = 0;
  for (const [dialogId, turns] of spec) {
    turns.forEach(([content, intents, attrs], t) => {
      rows.push({ index: index++, dialogId, uniqueId: `${dialogId}:${t}:user`, role: "user", content, intents, musicAttributes: attrs });
      rows.push({ index: index++, dialogId, uniqueId: `${dialogId}:${t}:system`, role: "system", content: "Here you go", intents: t === 0 ? ["passive_recommend", "sympathetic_response"] : ["passive_recommend"], musicAttributes: ["none"] });
    });
  }
  return rows;
}

/**
 * @file The generator's view of a catalog: each item with its musical attributes by LP-MusicDialog category (genre,
 * mood, theme, year, tempo, vocal, instrument, culture), sorted out of the catalog's flat tag list by small lexicons.
 */
import type { CatalogItem } from "../../store/catalog.js";
import { tagDisplay } from "../../representations/jamendo-text.js";
import type { GeneratedAttribute } from "./intent-model.js";

/** The tag categories (every generated attribute but the two that name artists). */
export type TagAttribute = Exclude<GeneratedAttribute, "artist" | "similar_artist">;
export const TAG_ATTRIBUTES: readonly TagAttribute[] = ["genre", "mood", "theme", "year", "tempo", "vocal", "instrument", "culture"];

/** One item as the generator sees it. `tags` values are the catalog's own tag strings (filters compare those). */
export interface GenItem {
  readonly id: string;
  /** What the CPCD `track_titles` field carries (the artist's name for artist catalogs). */
  readonly title: string;
  readonly artist: string;
  readonly popularity: number;
  readonly tags: Readonly<Partial<Record<TagAttribute, readonly string[]>>>;
}

// Lexicons are vocabulary, not data: the words listeners and taggers use for each category. Anything a lexicon does
// not claim is a genre (when frequent enough to be one).
const INSTRUMENTS = new Set(
  "accordion acousticbassguitar acousticguitar acoustic guitar bass bell bells bongo brass cello clarinet classicalguitar computer doublebass drummachine drums drum electricguitar electricpiano flute guitar harmonica harp horn keyboard oboe orchestra organ pad percussion piano pipeorgan rhodes sampler saxophone sax strings synthesizer synth trombone trumpet ukulele viola violin banjo mandolin sitar"
    .split(" "),
);
const THEMES = new Set(
  "action adventure advertising background children christmas commercial corporate documentary drama film game holiday movie nature party space sport summer trailer travel driving road trip workout gym running sleep study studying rainy day night winter wedding love songs halloween soundtrack video game"
    .split(" "),
);
const MOODS = new Set(
  "ambiental ballad calm cool dark deep dramatic dream emotional energetic epic fun funny groovy happy heavy hopeful horror inspiring love meditative melancholic melancholy mellow melodic motivational positive powerful relaxing relax retro romantic sad sexy soft soundscape uplifting chill chilled beautiful atmospheric dreamy angry aggressive peaceful depressing sensual smooth catchy"
    .split(" "),
);
const TEMPOS = new Set(["fast", "slow", "upbeat", "downtempo", "uptempo"]);
const VOCALS = new Set(["voice", "female vocalists", "male vocalists", "female vocalist", "male vocalist", "female vocals", "male vocals", "instrumental", "vocal", "female", "male", "female voice", "male voice"]);
const CULTURES = new Set(
  "american british english uk us german french japanese swedish norwegian finnish danish icelandic canadian australian irish scottish brazilian spanish italian korean k-pop j-pop jpop kpop polish russian dutch latin african mexican greek turkish indian chinese portuguese belgian argentinian cuban jamaican nigerian"
    .split(" "),
);
/** Tags that describe the tagger, not the music. */
const NOT_MUSIC = new Set(["seen live", "favorites", "favourite", "favorite", "favourites", "love", "awesome", "beautiful", "cool", "amazing", "good", "best", "my favorite", "albums i own", "under 2000 listeners", "spotify"]);

/**
 * The category of one tag, or undefined for a tag that says nothing about the music.
 * @example tagAttribute("80s") // "year"; tagAttribute("piano") // "instrument"; tagAttribute("seen live") // undefined
 */
export function tagAttribute(tag: string): TagAttribute | undefined {
  const t = tag.trim().toLowerCase();
  if (t === "" || NOT_MUSIC.has(t)) return undefined;
  if (/^(?:19|20)?\d0s$/.test(t) || /^(?:19|20)\d\d$/.test(t)) return "year";
  if (TEMPOS.has(t)) return "tempo";
  if (VOCALS.has(t)) return "vocal";
  if (INSTRUMENTS.has(t)) return "instrument";
  if (CULTURES.has(t)) return "culture";
  if (THEMES.has(t)) return "theme";
  if (MOODS.has(t)) return "mood";
  return "genre";
}

/**
 * How a tag reads in a sentence: Jamendo's joined words are split ("easylistening" → "easy listening"); Last.fm
 * tags are already words.
 * @example tagWords("acousticguitar") // "acoustic guitar"
 */
export function tagWords(tag: string): string {
  return tagDisplay(tag);
}

/** Options of {@link genItems}. */
export interface GenItemsOptions {
  /** [minTagItems=5] A tag carried by fewer items is ignored (too rare to filter a conversation on). */
  readonly minTagItems?: number;
  /** [titles="track"] "track": items need a title (tracks); "artist": the artist's name is the title (artist catalogs). */
  readonly titles?: "track" | "artist";
}

/**
 * The catalog items a dialogue can be about: those with an artist (and a title, for track catalogs), with their tags
 * sorted into categories. Items without any usable tag are kept (they can still be found by artist).
 * @example genItems(items, { titles: "artist" })[0] // { id: "1", title: "MALICE MIZER", artist: "MALICE MIZER", tags: { genre: ["j-rock", ...], ... } }
 */
export function genItems(items: readonly CatalogItem[], options: GenItemsOptions = {}): GenItem[] {
  const minTagItems = options.minTagItems ?? 5;
  const titles = options.titles ?? "track";
  const usable = items.filter((it) => it.artist !== undefined && it.artist.trim() !== "" && (titles === "artist" || (it.title !== undefined && it.title.trim() !== "")));
  const counts = new Map<string, number>();
  for (const it of usable) for (const t of new Set(it.tags)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return usable.map((it) => {
    const tags: Partial<Record<TagAttribute, string[]>> = {};
    for (const t of new Set(it.tags)) {
      if ((counts.get(t) ?? 0) < minTagItems) continue;
      const a = tagAttribute(t);
      if (a !== undefined) (tags[a] ??= []).push(t);
    }
    return { id: it.id, title: titles === "artist" ? it.artist! : it.title!, artist: it.artist!, popularity: it.popularity, tags };
  });
}

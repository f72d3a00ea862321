/**
 * @file Offline utterance realisation: a user turn's intents and attribute changes become a sentence, drawn from
 * varied templates and the phrasing statistics of real utterances; the system's actions become its reply.
 */
import type { Rng } from "../../core/random.js";
import { randInt } from "../../core/random.js";
import { tagWords } from "./attributes.js";
import type { GeneratedAttribute } from "./intent-model.js";
import type { OpenerKind, PhrasingStats } from "./phrasing.js";

/** One constraint of the listener's state: an attribute value, wanted or excluded. */
export interface Constraint {
  readonly attribute: GeneratedAttribute;
  /** A catalog tag, or an artist name for artist / similar_artist. */
  readonly value: string;
  readonly negative: boolean;
}

/** What changed in one user turn, for the realiser. */
export interface TurnChange {
  /** The turn's user intents. */
  readonly intents: readonly string[];
  readonly added: readonly Constraint[];
  readonly removed: readonly Constraint[];
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[randInt(rng, xs.length)];
}

/** Draws an opener by its count in real utterances. */
function opener(rng: Rng, stats: PhrasingStats, kind: OpenerKind): string {
  const list = stats.openers[kind];
  let total = 0;
  for (const [, c] of list) total += c;
  let u = rng() * total;
  for (const [o, c] of list) {
    u -= c;
    if (u < 0) return o;
  }
  return list[list.length - 1][0];
}

/**
 * A noun-ish phrase for one positive constraint, varied.
 * @example phrase({ attribute: "year", value: "80s", negative: false }, rng) // "from the 80s"
 */
export function phrase(c: Constraint, rng: Rng): string {
  const v = c.attribute === "artist" || c.attribute === "similar_artist" ? c.value : tagWords(c.value);
  switch (c.attribute) {
    case "genre":
      return pick(rng, [`some ${v}`, `${v} songs`, `${v} music`, `more ${v}`, `${v} tracks`]);
    case "mood":
      return pick(rng, [`something ${v}`, `${v} songs`, `more ${v} vibes`, `a ${v} feel`, `music that feels ${v}`]);
    case "theme":
      return pick(rng, [`music for ${v}`, `songs for ${v}`, `something that fits ${v}`, `${v} vibes`]);
    case "year":
      return pick(rng, [`from the ${v}`, `${v} stuff`, `songs from the ${v}`, `something ${v}`]);
    case "tempo":
      return pick(rng, [`${v} tracks`, `something ${v}`, `${v} songs`, `keep it ${v}`]);
    case "vocal":
      return v === "instrumental" ? pick(rng, ["instrumental only", "no vocals", "instrumental tracks"]) : v === "voice" || v === "vocal" ? pick(rng, ["with vocals", "songs with singing", "with lyrics"]) : pick(rng, [`with ${v}`, `${v} please`]);
    case "instrument":
      return pick(rng, [`with ${v}`, `with some ${v}`, `${v}-heavy tracks`, `featuring ${v}`]);
    case "culture":
      return pick(rng, [`${v} artists`, `${v} music`, `something ${v}`]);
    case "artist":
      return pick(rng, [`some ${v}`, `songs by ${v}`, `more ${v}`, `a few tracks from ${v}`, `${v}`]);
    case "similar_artist":
      return pick(rng, [`something like ${v}`, `artists similar to ${v}`, `more like ${v}`, `stuff in the vein of ${v}`]);
  }
}

/** A phrase for dropping or excluding a constraint's value. */
function negativePhrase(c: Constraint, rng: Rng): string {
  const v = c.attribute === "artist" || c.attribute === "similar_artist" ? c.value : tagWords(c.value);
  return pick(rng, [`no more ${v}`, `no ${v} please`, `less ${v}`, `please leave out ${v}`, `skip the ${v}`, `without ${v}`]);
}

function dropPhrase(c: Constraint, rng: Rng): string {
  const v = c.attribute === "artist" || c.attribute === "similar_artist" ? c.value : tagWords(c.value);
  return pick(rng, [`it doesn't have to be ${v}`, `forget the ${v} part`, `let's drop the ${v}`, `not only ${v}`, `open it up beyond ${v}`]);
}

function joinPhrases(ps: readonly string[]): string {
  if (ps.length <= 1) return ps.join("");
  return `${ps.slice(0, -1).join(", ")} and ${ps[ps.length - 1]}`;
}

/**
 * The user's utterance for one turn.
 * @example realiseUser({ intents: ["greeting", "initial_query", "add_filter"], added: [{ attribute: "genre", value: "jazz", negative: false }], removed: [] }, stats, rng)
 * // "Hi, could you make me a playlist of some jazz?"
 */
export function realiseUser(change: TurnChange, stats: PhrasingStats, rng: Rng): string {
  const has = (i: string) => change.intents.includes(i);
  const parts: string[] = [];
  if (has("greeting")) parts.push(opener(rng, stats, "greeting"));
  if (has("accept_response")) parts.push(opener(rng, stats, "accept_response"));
  if (has("reject_response")) parts.push(opener(rng, stats, "reject_response"));
  const positives = change.added.filter((c) => !c.negative).map((c) => phrase(c, rng));
  const negatives = change.added.filter((c) => c.negative).map((c) => negativePhrase(c, rng));
  const drops = change.removed.map((c) => dropPhrase(c, rng));
  if (has("initial_query") && positives.length > 0) {
    const what = joinPhrases(positives);
    parts.push(pick(rng, [`could you make me a playlist of ${what}?`, `I want to create a playlist with ${what}.`, `I'm looking for ${what}.`, `can you put together ${what}?`, `I'd love a playlist: ${what}.`, `${what} please.`]));
  } else if (positives.length > 0) {
    const what = joinPhrases(positives);
    parts.push(pick(rng, [`can you add ${what}?`, `how about ${what}?`, `now ${what}.`, `could we get ${what}?`, `maybe ${what}?`, `let's add ${what}.`, `I'd also like ${what}.`]));
  }
  if (negatives.length > 0) parts.push(`${joinPhrases(negatives)}.`);
  if (drops.length > 0) parts.push(`${joinPhrases(drops)}.`);
  // "continue" openers in cpcd-intent are mostly praise ("Great,"), which the accept opener already said: ask for more.
  if (has("continue") && positives.length === 0) parts.push(pick(rng, ["some more please.", "more like these!", "keep them coming.", "can I get a few more?", "any more like this?", "more of that, please."]));
  if (parts.length === 0) parts.push(opener(rng, stats, "others"));
  let text = parts
    .map((p, i) => (i === 0 ? p.charAt(0).toUpperCase() + p.slice(1) : p))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  // Real listeners type: some start in lower case, some drop the final punctuation (rates from cpcd-intent).
  if (rng() < stats.lowercaseStart) text = text.charAt(0).toLowerCase() + text.slice(1);
  if (rng() < stats.noFinalPunctuation) text = text.replace(/[.!?]+$/, "");
  // An opener cut at its comma must not end the utterance on it ("Lovely,").
  text = text.replace(/,$/, "");
  return text;
}

/**
 * The system's reply for its action set (cpcd-intent labels), mentioning what it searched for.
 * @example realiseSystem(["passive_recommend"], "some jazz", "Miles Davis", rng) // "Here are some jazz tracks for you."
 */
export function realiseSystem(actions: readonly string[], about: string, artist: string | undefined, rng: Rng): string {
  const parts: string[] = [];
  if (actions.includes("sympathetic_response")) parts.push(pick(rng, ["Great choice!", "Sounds good!", "Love that idea.", "Sure thing!", "Of course!"]));
  if (actions.includes("parroting_response") && about !== "") parts.push(pick(rng, [`${about}, coming up.`, `Got it: ${about}.`]));
  if (actions.includes("passive_recommend") && about !== "") parts.push(pick(rng, [`Here are a few picks for ${about}.`, `I added some tracks: ${about}.`, `How do these look?`, `Here you go.`]));
  if (actions.includes("active_recommend") && artist !== undefined) parts.push(pick(rng, [`How about some ${artist}?`, `You might like ${artist} too.`, `I also added ${artist}.`]));
  if (actions.includes("detail_attribute_request")) parts.push(pick(rng, ["Any particular genre in mind?", "What mood are you going for?", "Any era or artists you like?", "Is this for an occasion?"]));
  if (actions.includes("feedback_request")) parts.push(pick(rng, ["What do you think?", "Let me know how these sound.", "Should I keep going?"]));
  if (parts.length === 0) parts.push(pick(rng, ["Okay!", "Here you go.", "Sure."]));
  return parts.join(" ");
}

/**
 * @file The dialogue state tracker: applies one user turn (its intents, its request understanding, explicit
 * feedback) to the state, as a pure function. Hard constraints only grow unless the listener lifts one by asking for
 * it again; soft preferences follow add / remove / replace; accept, reject and continue act on the last answer.
 */
import type { Understood } from "../ranking/understanding/understand.js";
import type { DialogueState, SoftTag, UtteranceLabels } from "./types.js";

/** What was read from one user turn. */
export interface TurnAnalysis {
  /** Intents and attributes (dialogue understanding). */
  readonly labels: UtteranceLabels;
  /** Tags wanted and rejected, references (request understanding over the catalog). */
  readonly understood: Pick<Understood, "wanted" | "rejectedTags" | "rejectedArtists" | "references">;
  /** Catalog artists the turn names as wanted (entity matching); rejected ones come in `understood`. */
  readonly artists?: readonly string[];
}

/** Explicit feedback given with the turn (like / dislike buttons, CPCD's liked_results). */
export interface TurnFeedback {
  readonly liked?: readonly string[];
  readonly disliked?: readonly string[];
}

/** How a turn changed the soft preferences (derived from its intents). */
export type PreferenceOp = "add" | "remove" | "replace" | "keep";

/**
 * add_filter / initial_query add; remove_filter alone removes; remove_filter together with add_filter replaces
 * ("not rock anymore, jazz instead"); anything else keeps the preferences, adding only tags it names.
 * @example preferenceOp({ intents: ["remove_filter", "add_filter"], attributes: [] }) // "replace"
 */
export function preferenceOp(labels: UtteranceLabels): PreferenceOp {
  const has = (i: string) => (labels.intents as readonly string[]).includes(i);
  if (has("remove_filter")) return has("add_filter") ? "replace" : "remove";
  if (has("add_filter") || has("initial_query")) return "add";
  return "keep";
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
const without = (a: readonly string[], drop: readonly string[]) => {
  const d = new Set(drop.map((x) => x.toLowerCase()));
  return a.filter((x) => !d.has(x.toLowerCase()));
};

/**
 * The state after one user turn.
 * - Rejected tags and artists become hard constraints (and leave the preferences); a tag the listener asks for
 *   again in a later turn, by name, lifts its exclusion (the newest word wins).
 * - Wanted tags: "add" raises them, "remove" drops the tags the turn names from the preferences, "replace" drops
 *   every earlier preference before adding the new ones, "keep" adds what the turn names without dropping.
 * - reject_response without explicit feedback dislikes the last answer (`lastAnswer`), except items liked.
 * - Feedback: liked and disliked are exclusive; the newest verdict on an item wins.
 * @param lastAnswer the items shown in answer to the previous turn (for reject_response).
 * @example
 * applyTurn(EMPTY_STATE, "jazz but no vocals", { labels: { intents: ["initial_query"], attributes: ["genre"] },
 *   understood: { wanted: [{ tag: "jazz", weight: 1, from: "jazz", source: "literal" }], rejectedTags: ["vocal"], rejectedArtists: [], references: [] } });
 * // { turn: 0, requests: ["jazz but no vocals"], constraints: { excludeTags: ["vocal"], ... }, preferences: [{ tag: "jazz", weight: 1, turn: 0 }], ... }
 */
export function applyTurn(state: DialogueState, text: string, analysis: TurnAnalysis, feedback: TurnFeedback = {}, lastAnswer: readonly string[] = []): DialogueState {
  const turn = state.turn + 1;
  const { labels, understood } = analysis;
  const op = preferenceOp(labels);
  const literal = understood.wanted.filter((w) => w.source === "literal" || w.source === "decade").map((w) => w.tag);

  // Hard constraints: add this turn's rejections; lift an exclusion the listener now names as wanted.
  const excludeTags = union(without(state.constraints.excludeTags, op === "remove" ? [] : literal), understood.rejectedTags);
  const excludeArtists = union(without(state.constraints.excludeArtists, analysis.artists ?? []), understood.rejectedArtists);

  // Soft preferences.
  let preferences: SoftTag[] = op === "replace" ? [] : [...state.preferences];
  if (op === "remove") {
    const drop = new Set([...literal, ...understood.rejectedTags].map((t) => t.toLowerCase()));
    preferences = preferences.filter((p) => !drop.has(p.tag.toLowerCase()));
  } else {
    for (const w of understood.wanted) {
      const i = preferences.findIndex((p) => p.tag.toLowerCase() === w.tag.toLowerCase());
      if (i >= 0) preferences[i] = { tag: preferences[i].tag, weight: Math.max(preferences[i].weight, w.weight), turn };
      else preferences.push({ tag: w.tag, weight: w.weight, turn });
    }
  }
  const excluded = new Set(excludeTags.map((t) => t.toLowerCase()));
  preferences = preferences.filter((p) => !excluded.has(p.tag.toLowerCase())).sort((a, b) => b.weight - a.weight || b.turn - a.turn || a.tag.localeCompare(b.tag));

  const artists =
    op === "remove"
      ? without(state.artists, understood.rejectedArtists)
      : without(union(op === "replace" ? [] : state.artists, analysis.artists ?? []), excludeArtists);
  const references = op === "replace" ? [...understood.references] : union(state.references, understood.references);

  // Liked / disliked: explicit feedback first, then a rejection of the last answer.
  let liked = [...state.liked];
  let disliked = [...state.disliked];
  const like = feedback.liked ?? [];
  let dislike = feedback.disliked ?? [];
  if ((labels.intents as readonly string[]).includes("reject_response") && like.length === 0 && dislike.length === 0) {
    dislike = lastAnswer.filter((id) => !liked.includes(id));
  }
  liked = union(without(liked, dislike), like);
  disliked = union(without(disliked, like), dislike);

  return {
    turn,
    requests: [...state.requests, text],
    constraints: { excludeTags, excludeArtists },
    preferences,
    artists,
    references,
    liked,
    disliked,
    shown: state.shown,
  };
}

/** The state after an answer was shown: its items join `shown` (first-seen order, each once). */
export function recordShown(state: DialogueState, items: readonly string[]): DialogueState {
  return { ...state, shown: union(state.shown, items) };
}

/**
 * Feedback given outside a turn (a like / dislike button): the newest verdict on an item wins.
 * @example withFeedback(s, { liked: ["t1"] }).liked.includes("t1") // true
 */
export function withFeedback(state: DialogueState, feedback: TurnFeedback): DialogueState {
  const like = feedback.liked ?? [];
  const dislike = feedback.disliked ?? [];
  return {
    ...state,
    liked: union(without(without(state.liked, dislike), like), like),
    disliked: union(without(state.disliked, like), dislike),
  };
}

/**
 * Lifts hard constraints (a removed constraint chip): the tags and artists named are no longer excluded.
 * @example liftConstraints(s, { tags: ["rap"] }).constraints.excludeTags.includes("rap") // false
 */
export function liftConstraints(state: DialogueState, lift: { readonly tags?: readonly string[]; readonly artists?: readonly string[] }): DialogueState {
  return {
    ...state,
    constraints: {
      excludeTags: without(state.constraints.excludeTags, lift.tags ?? []),
      excludeArtists: without(state.constraints.excludeArtists, lift.artists ?? []),
    },
  };
}

/**
 * @file The shared vocabulary of conversations: cpcd-intent's label sets (user intents, system actions, musical
 * attributes), a labelled turn, and the dialogue state that understanding updates turn by turn and retrieval reads.
 * Plain data only (no behaviour), so the dialogue generator, the state tracker, the models and the interfaces can
 * all build on it without importing one another.
 */

/**
 * User intents, in cpcd-intent's own spelling (LP-MusicDialog's taxonomy). A user turn carries one or more.
 * `others` is cpcd-intent's catch-all ("yes, please" after a question).
 */
export const USER_INTENTS = [
  "initial_query",
  "add_filter",
  "remove_filter",
  "accept_response",
  "reject_response",
  "continue",
  "greeting",
  "item_attribute_question",
  "others",
] as const;
export type UserIntent = (typeof USER_INTENTS)[number];

/** System actions, in cpcd-intent's own spelling. A system turn carries one or more. */
export const SYSTEM_ACTIONS = [
  "passive_recommend",
  "active_recommend",
  "detail_attribute_request",
  "feedback_request",
  "sympathetic_response",
  "parroting_response",
  "item_attribute_answer",
  "item_attribute_question",
  "others",
] as const;
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];

/**
 * Musical attributes a turn touches, in cpcd-intent's spelling. cpcd-intent writes `['none']` for a turn that
 * touches none; here that is the empty list.
 */
export const ATTRIBUTES = [
  "artist",
  "track",
  "similar_artist",
  "similar_track",
  "genre",
  "mood",
  "theme",
  "year",
  "tempo",
  "vocal",
  "instrument",
  "culture",
  "popularity",
  "user",
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** Who spoke a turn. */
export type Role = "user" | "system";

/**
 * One utterance with its labels: what cpcd-intent annotates, what the generator emits and what the classifier
 * predicts. `intents` are {@link UserIntent}s for the user and {@link SystemAction}s for the system.
 * @example
 * const t: Turn = { role: "user", text: "hi, some Mike Oldfield please", intents: ["initial_query", "greeting", "add_filter"], attributes: ["artist"] };
 */
export interface Turn {
  readonly role: Role;
  readonly text: string;
  readonly intents: readonly (UserIntent | SystemAction)[];
  readonly attributes: readonly Attribute[];
}

/** What dialogue understanding reads from one user utterance (on top of request understanding). */
export interface UtteranceLabels {
  /** Intents predicted for the turn, several possible; never empty (`others` when nothing else fits). */
  readonly intents: readonly UserIntent[];
  /** Attributes the turn touches; empty when it touches none. */
  readonly attributes: readonly Attribute[];
}

/** A catalog tag the listener prefers (soft: it raises scores, never filters), with its weight in (0, 1]. */
export interface SoftTag {
  /** The tag as the catalog spells it. */
  readonly tag: string;
  readonly weight: number;
  /** The turn (0-based) that last set it: later turns override earlier ones. */
  readonly turn: number;
}

/**
 * Hard constraints: no answer ever violates them (an excluded tag or artist never appears, an excluded item is
 * never returned). Tags and artists are spelled as the catalog spells them.
 */
export interface HardConstraints {
  readonly excludeTags: readonly string[];
  readonly excludeArtists: readonly string[];
}

/**
 * The state of a conversation after some turns: what retrieval ranks from. Item ids are the catalog's string ids
 * (the state is persisted and must survive a rebuilt catalog's new dense indices); dense indices are mapped at the
 * edge. Every list keeps first-seen order.
 * @example
 * const s: DialogueState = { turn: 1, requests: ["some jazz", "more upbeat"], constraints: { excludeTags: ["vocal"],
 *   excludeArtists: [] }, preferences: [{ tag: "jazz", weight: 1, turn: 0 }], artists: [], references: [],
 *   liked: ["track_1"], disliked: [], shown: ["track_1", "track_2"] };
 */
export interface DialogueState {
  /** Index of the last turn applied (0-based); -1 before the first. */
  readonly turn: number;
  /** The listener's utterances so far, oldest first (what a text model reads as "the request so far"). */
  readonly requests: readonly string[];
  readonly constraints: HardConstraints;
  /** Soft tag preferences, strongest first. */
  readonly preferences: readonly SoftTag[];
  /** Artists the listener asked for (soft: raised, not required). */
  readonly artists: readonly string[];
  /** "Like X" references (artists or songs to sound like). */
  readonly references: readonly string[];
  /** Items the listener liked / disliked (disliked items are never shown again). */
  readonly liked: readonly string[];
  readonly disliked: readonly string[];
  /** Items already shown to the listener (the product does not repeat them unless asked). */
  readonly shown: readonly string[];
}

/** The state before any turn. */
export const EMPTY_STATE: DialogueState = Object.freeze({
  turn: -1,
  requests: Object.freeze([]) as readonly string[],
  constraints: Object.freeze({ excludeTags: Object.freeze([]) as readonly string[], excludeArtists: Object.freeze([]) as readonly string[] }),
  preferences: Object.freeze([]) as readonly SoftTag[],
  artists: Object.freeze([]) as readonly string[],
  references: Object.freeze([]) as readonly string[],
  liked: Object.freeze([]) as readonly string[],
  disliked: Object.freeze([]) as readonly string[],
  shown: Object.freeze([]) as readonly string[],
});

/** Whether a string is one of cpcd-intent's user intents. */
export function isUserIntent(s: string): s is UserIntent {
  return (USER_INTENTS as readonly string[]).includes(s);
}

/** Whether a string is one of cpcd-intent's system actions. */
export function isSystemAction(s: string): s is SystemAction {
  return (SYSTEM_ACTIONS as readonly string[]).includes(s);
}

/** Whether a string is one of cpcd-intent's attributes (`none` is not: it is the empty list). */
export function isAttribute(s: string): s is Attribute {
  return (ATTRIBUTES as readonly string[]).includes(s);
}

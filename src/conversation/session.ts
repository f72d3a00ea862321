/**
 * @file A conversation over a served catalog: each user turn is labelled (intents), ranked by the catalog's ranker
 * under the state's hard constraints (tags, artists, disliked and already shown tracks never come back), with the
 * state's soft preferences and liked tracks as context, and then folded into the state. Plain data in and out, so
 * the CLI, the HTTP API and the store share it.
 */
import type { Answer, CatalogRanker } from "../ranking/catalog-ranker.js";
import { keywordBaseline } from "./understanding/baselines.js";
import type { UtteranceLabeler } from "./retrieval/state-model.js";
import { applyTurn, liftConstraints, recordShown, withFeedback, type TurnFeedback } from "./state.js";
import { EMPTY_STATE, type DialogueState, type UtteranceLabels } from "./types.js";

/** One track of an answer, as a conversation keeps it. */
export interface ConversationTrack {
  readonly id: string;
  readonly name: string;
  readonly artist?: string;
  readonly tags: readonly string[];
  readonly score: number;
}

/** One exchange: what the listener said, how it was read, and the tracks it got. */
export interface ConversationExchange {
  readonly user: string;
  readonly labels: UtteranceLabels;
  /** The text the ranker was asked with (the utterance, plus earlier preferences when it names none). */
  readonly asked: string;
  readonly tracks: readonly ConversationTrack[];
  /** Tags and artists this turn's words rejected (hard from now on). */
  readonly rejected: { readonly tags: readonly string[]; readonly artists: readonly string[] };
  /** ISO-8601 time. */
  readonly at: string;
}

/** A conversation's document: what the store keeps (as JSON) and the API returns. */
export interface ConversationData {
  readonly state: DialogueState;
  readonly exchanges: readonly ConversationExchange[];
}

/** A fresh conversation. */
export const EMPTY_CONVERSATION: ConversationData = Object.freeze({ state: EMPTY_STATE, exchanges: Object.freeze([]) as readonly ConversationExchange[] });

/** The keyword labeler: what a conversation reads intents with when no trained dialogue understanding is loaded. */
export const KEYWORD_LABELER: UtteranceLabeler = {
  async label(us) {
    return us.map((u) => keywordBaseline({ dialogId: "", text: u.text, previousSystem: u.previousSystem ?? "", position: u.position }));
  },
};

/** Options of {@link takeTurn}. */
export interface TurnOptions {
  /** [k=10] Tracks per answer. */
  readonly k?: number;
  /** The listener's own likes outside this conversation (long-term taste), catalog item ids. */
  readonly taste?: readonly string[];
  /** The listener's own dislikes outside this conversation (never returned). */
  readonly dislikes?: readonly string[];
  readonly feedback?: TurnFeedback;
}

/** Words that ask to hear tracks again ("play those again"): then already shown tracks may come back. */
const AGAIN = /\b(?:again|repeat|replay|once more)\b/i;

/**
 * The text a turn is ranked with: its own words when they ask for something (wanted tags, artists, references),
 * else its words plus the state's preferred tags and artists ("more" after "calm jazz" is still calm jazz).
 * @example askedText("more please", { ...EMPTY_STATE, preferences: [{ tag: "jazz", weight: 1, turn: 0 }] }, false) // "more please jazz"
 */
export function askedText(text: string, state: DialogueState, asksSomething: boolean): string {
  if (asksSomething) return text;
  const carried = [...state.preferences.slice(0, 5).map((p) => p.tag), ...state.artists.slice(0, 3)];
  return carried.length === 0 ? text : `${text} ${carried.join(" ")}`;
}

/**
 * One user turn: label it, rank under the state, fold it into the state.
 * @example
 * const { data, answer } = await takeTurn(ranker, KEYWORD_LABELER, EMPTY_CONVERSATION, "calm jazz, no vocals");
 * data.state.constraints.excludeTags // ["vocal"] (as the catalog spells it)
 */
export async function takeTurn(
  ranker: CatalogRanker,
  labeler: UtteranceLabeler,
  data: ConversationData,
  text: string,
  options: TurnOptions = {},
): Promise<{ data: ConversationData; answer: Answer }> {
  const before = options.feedback !== undefined ? withFeedback(data.state, options.feedback) : data.state;
  const last = data.exchanges.at(-1);
  const [labels] = await labeler.label([{ text, previousSystem: last === undefined ? "" : `Here are ${last.tracks.length} tracks`, position: data.exchanges.length }]);
  // A first pass reads the words alone: whether they ask for something decides what to carry over.
  const probe = ranker.understand(text);
  const asksSomething = probe.wanted.length > 0 || probe.namesArtist || probe.references.length > 0;
  const asked = askedText(text, before, asksSomething);
  const again = AGAIN.test(text);
  // A tag the listener now names as wanted lifts its exclusion in this very turn (applyTurn records the same).
  const named = new Set(probe.wanted.filter((w) => w.source === "literal" || w.source === "decade").map((w) => w.tag.toLowerCase()));
  const excludeTags = before.constraints.excludeTags.filter((t) => !named.has(t.toLowerCase()));
  const answer = await ranker.ask(asked, {
    k: options.k ?? 10,
    ...(before.liked.length + (options.taste?.length ?? 0) > 0 ? { history: { items: [...new Set([...before.liked, ...(options.taste ?? [])])] } } : {}),
    filter: {
      excludeTags,
      excludeArtists: before.constraints.excludeArtists,
      excludeIds: [...new Set([...before.disliked, ...(options.dislikes ?? []), ...(again ? [] : before.shown)])],
    },
  });
  const understood = answer.request.understood;
  const rejected = { tags: answer.request.excludeTags, artists: answer.request.excludeArtists };
  let state = applyTurn(
    before,
    text,
    {
      labels,
      understood: { wanted: asksSomething ? understood.wanted : [], rejectedTags: rejected.tags, rejectedArtists: rejected.artists, references: understood.references },
      artists: answer.entities.map((e) => e.artist),
    },
    {},
    last?.tracks.map((t) => t.id) ?? [],
  );
  const tracks = answer.results.map((r) => ({
    id: r.item.id,
    name: r.item.name,
    ...(r.item.artist !== undefined ? { artist: r.item.artist } : {}),
    tags: r.item.tags,
    score: r.score,
  }));
  state = recordShown(state, tracks.map((t) => t.id));
  const exchange: ConversationExchange = { user: text, labels, asked, tracks, rejected, at: new Date().toISOString() };
  return { data: { state, exchanges: [...data.exchanges, exchange] }, answer };
}

/**
 * Feedback or constraint edits between turns (like / dislike buttons, a removed constraint chip).
 * @example applyEdits(data, { liked: ["t1"], lift: { tags: ["rap"] } }).state.liked // ["t1"]
 */
export function applyEdits(data: ConversationData, edits: TurnFeedback & { readonly lift?: { readonly tags?: readonly string[]; readonly artists?: readonly string[] } }): ConversationData {
  let state = withFeedback(data.state, edits);
  if (edits.lift !== undefined) state = liftConstraints(state, edits.lift);
  return { ...data, state };
}

/**
 * @file The shape of a request in context: its words and, where known, the listener, their listening history,
 * earlier dialogue turns, profile edits and a per-user adapter. Benchmarks build these; models read them.
 */

/**
 * The parts of a request's context a model may read. `text` is present when the request has words; the others when
 * their field is set. A benchmark says which parts its requests carry, a model which it uses and which it needs.
 */
export const CONTEXT_PARTS = ["text", "user", "history", "turns", "profile", "adapter"] as const;
export type ContextPart = (typeof CONTEXT_PARTS)[number];

/** Items a listener has heard or chosen: a fold-in user's plays, an askmusic user's likes. */
export interface ListeningHistory {
  /** Dense item indices of the domain (ids are mapped once, at the edge). */
  readonly items: readonly number[];
  /** Same length as `items` when given (e.g. play counts); absent = every item weighs 1. */
  readonly weights?: readonly number[];
}

/** An earlier turn of a conversation, as the listener saw it. */
export interface DialogueTurn {
  /** What the listener said. */
  readonly user: string;
  /** What the system answered, when known. */
  readonly system?: string;
  /** Dense item indices the listener liked or disliked among that turn's results. */
  readonly liked?: readonly number[];
  readonly disliked?: readonly number[];
}

/** A listener's edits of their profile: prototype (tag) name → weight override, e.g. { jazz: 0, rock: 0.4 }. */
export interface ProfileEdits {
  readonly prototypeWeights: Readonly<Record<string, number>>;
}

/**
 * A per-user adapter (White-boxing word feedback): which model it adapts, a version that changes whenever it is
 * retrained, and its arrays by name. Loaded from the state store at the edge; the model that owns it applies it.
 */
export interface AdapterHandle {
  /** The owner (askmusic user id): an adapter is applied to that user's requests only. */
  readonly user: string;
  /** The registry name of the model the adapter was trained for (e.g. "whitebox"). */
  readonly model: string;
  readonly version: number;
  readonly arrays: Readonly<Record<string, Float32Array>>;
}

/** One request with everything known about its context. Models read what they use and ignore the rest. */
export interface RequestContext {
  /** The request's words; "" when it has none (e.g. a fold-in user of a collaborative-filtering benchmark). */
  readonly text: string;
  /** Precomputed `domain.encodeQueries([text])` row; models encode the text themselves when absent. */
  readonly vector?: Float32Array;
  /** Dense user index in the domain, when the listener is a user the domain knows. */
  readonly user?: number;
  readonly history?: ListeningHistory;
  /** Earlier turns of the conversation, oldest first (the current turn is `text`). */
  readonly turns?: readonly DialogueTurn[];
  readonly profile?: ProfileEdits;
  readonly adapter?: AdapterHandle;
}


/**
 * The request alone, without anything else the object carries: a labeled query's `relevant`, `exclude` and `qid`
 * are answer keys and bookkeeping that a model must never see, so evaluation and selection hand models this copy.
 * @example requestOnly({ qid: "u2-t32", text: "80s", user: 3, relevant: [5] }) // { text: "80s", user: 3 }
 */
export function requestOnly(q: RequestContext, vector?: Float32Array): RequestContext {
  const out: { -readonly [K in keyof RequestContext]: RequestContext[K] } = { text: q.text };
  if (vector !== undefined) out.vector = vector;
  else if (q.vector !== undefined) out.vector = q.vector;
  if (q.user !== undefined) out.user = q.user;
  if (q.history !== undefined) out.history = q.history;
  if (q.turns !== undefined) out.turns = q.turns;
  if (q.profile !== undefined) out.profile = q.profile;
  if (q.adapter !== undefined) out.adapter = q.adapter;
  return out;
}

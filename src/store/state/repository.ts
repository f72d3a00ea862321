/**
 * @file The application-state port: users (with hashed API tokens), their feedback on items and their profile edits. SQLite by default,
 * PostgreSQL when several server replicas share state; both implement this interface and pass one shared suite.
 */

/** A listener known to the application. Tokens are never stored, only their SHA-256 hex digest. */
export interface UserRecord {
  /** Stable id chosen at creation: 1–64 chars of [A-Za-z0-9._-]. */
  readonly id: string;
  /** Display name (optional). */
  readonly name?: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
}

/** Like (+1) or dislike (-1) of one item of one catalog by one user. */
export interface FeedbackRecord {
  readonly userId: string;
  readonly catalog: string;
  readonly itemId: string;
  readonly value: 1 | -1;
  /** ISO-8601 time of the latest change. */
  readonly updatedAt: string;
}

/** One word feedback that trained an adapter (White-boxing): the request and the words to strengthen and weaken. */
export interface WordFeedbackEntry {
  readonly text: string;
  readonly strengthen: readonly string[];
  readonly weaken: readonly string[];
  /** ISO-8601 time it was given. */
  readonly at: string;
}

/** A user's adapter of one model in one catalog: named arrays, a version bumped by every write, and its feedback. */
export interface AdapterRecord {
  readonly userId: string;
  readonly catalog: string;
  readonly model: string;
  readonly version: number;
  readonly arrays: Readonly<Record<string, Float32Array>>;
  /** Every feedback that trained it, oldest first. */
  readonly feedback: readonly WordFeedbackEntry[];
  readonly updatedAt: string;
}

/**
 * A conversation: who it belongs to (absent: anonymous), the catalog it ranks, and its state and turns as JSON (the
 * conversation layer owns their shape; the store keeps them opaque). `version` is bumped by every save.
 */
export interface ConversationRecord {
  /** 1–64 chars of [A-Za-z0-9._-], chosen at creation (a random id in the API). */
  readonly id: string;
  readonly userId?: string;
  readonly catalog: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly version: number;
  /** ISO-8601 times of creation and of the latest save. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Everything stored for one user: the user and, per table of USER_DATA_TABLES, its rows (never the token hash). */
export interface UserExport {
  readonly user: UserRecord;
  /** Table name → rows as column → value (times as ISO-8601 strings). */
  readonly data: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

/**
 * Application state. Every write is durable when its promise resolves (SQLite: WAL + synchronous=FULL;
 * PostgreSQL: committed transaction), so a kill -9 right after loses no acknowledged write.
 */
export interface StateRepository {
  /** "sqlite" | "postgres": for logs and health checks. */
  readonly kind: string;
  /** Applies pending migrations (idempotent; safe to call at every start). */
  migrate(): Promise<void>;
  /** Creates a user; an existing id → InputError naming it. */
  createUser(user: { id: string; name?: string; tokenHash: string }): Promise<UserRecord>;
  /** The user whose token hashes to `tokenHash`, if any. */
  findUserByTokenHash(tokenHash: string): Promise<UserRecord | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** Sets (value ±1) or clears (value 0) a user's feedback on an item; unknown user → NotFoundError. */
  setFeedback(userId: string, catalog: string, itemId: string, value: 1 | -1 | 0): Promise<void>;
  /** A user's feedback in one catalog, most recent first. */
  listFeedback(userId: string, catalog: string): Promise<FeedbackRecord[]>;
  /** Everything stored for a user, read in one transaction; undefined for an unknown user. */
  exportUser(id: string): Promise<UserExport | undefined>;
  /**
   * Deletes a user and everything stored for them in one transaction (their token stops working at once).
   * @returns rows deleted per table (plus `users: 1`), or undefined for an unknown user.
   */
  deleteUser(id: string): Promise<Record<string, number> | undefined>;
  /**
   * Replaces a user's profile edits in one catalog (prototype tag -> weight in [0, 1]; an empty object clears them);
   * unknown user → NotFoundError, a bad tag or weight → InputError naming it.
   */
  setProfile(userId: string, catalog: string, weights: Readonly<Record<string, number>>): Promise<void>;
  /** A user's profile edits in one catalog; an empty object when there are none. */
  getProfile(userId: string, catalog: string): Promise<Record<string, number>>;
  /**
   * Stores a user's adapter of `model` in `catalog` (replacing the previous one) with the feedback that trained it;
   * returns its new version (previous + 1, or 1). `expectedVersion` (the version the adapter was retrained from, 0 for
   * none) guards against two retrainings racing: a mismatch is an InputError and nothing is written. Unknown user →
   * NotFoundError.
   */
  setAdapter(userId: string, catalog: string, model: string, arrays: Readonly<Record<string, Float32Array>>, feedback: readonly WordFeedbackEntry[], expectedVersion?: number): Promise<number>;
  /** A user's adapter of `model` in `catalog`, or undefined when they have none. */
  getAdapter(userId: string, catalog: string, model: string): Promise<AdapterRecord | undefined>;
  /** Deletes a user's adapter of `model` in `catalog` (their requests go back to the shared model); true if one existed. */
  deleteAdapter(userId: string, catalog: string, model: string): Promise<boolean>;
  /**
   * Creates a conversation at version 1. An existing id → InputError naming it; an unknown user → NotFoundError; data
   * that is not a JSON object of at most 1 MB → InputError.
   */
  createConversation(conversation: { id: string; userId?: string; catalog: string; data: Readonly<Record<string, unknown>> }): Promise<ConversationRecord>;
  /** A conversation by id, or undefined. */
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Replaces a conversation's data and returns its new version. `expectedVersion` (the version the new data was
   * computed from) guards against two turns racing: a mismatch is an InputError and nothing is written. Unknown id →
   * NotFoundError.
   */
  saveConversation(id: string, data: Readonly<Record<string, unknown>>, expectedVersion: number): Promise<number>;
  /** Liveness of the underlying database (a trivial query). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

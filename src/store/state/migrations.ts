/**
 * @file The application-state schema as ordered migrations, each written once per SQL dialect.
 */

/** One schema step. Versions are 1, 2, 3, ... in order; a version once released is never edited, only followed. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements for SQLite (run in one transaction with the bookkeeping row). */
  readonly sqlite: readonly string[];
  /** The same step for PostgreSQL. */
  readonly postgres: readonly string[];
}

/**
 * Every migration, oldest first. Times are ISO-8601 TEXT in SQLite and TIMESTAMPTZ in PostgreSQL.
 * `change_seq` orders feedback "most recent first" without trusting two writes to get distinct clock readings.
 */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: "users",
    sqlite: [
      `CREATE TABLE IF NOT EXISTS users (
         id TEXT PRIMARY KEY,
         name TEXT,
         token_hash TEXT NOT NULL UNIQUE,
         created_at TEXT NOT NULL
       ) STRICT`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS users (
         id TEXT PRIMARY KEY,
         name TEXT,
         token_hash TEXT NOT NULL UNIQUE,
         created_at TIMESTAMPTZ NOT NULL
       )`,
    ],
  },
  {
    version: 2,
    name: "feedback",
    sqlite: [
      `CREATE TABLE IF NOT EXISTS feedback (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         item_id TEXT NOT NULL,
         value INTEGER NOT NULL CHECK (value IN (-1, 1)),
         updated_at TEXT NOT NULL,
         change_seq INTEGER NOT NULL,
         PRIMARY KEY (user_id, catalog, item_id)
       ) STRICT`,
      `CREATE INDEX IF NOT EXISTS feedback_recent ON feedback (user_id, catalog, change_seq DESC)`,
    ],
    postgres: [
      `CREATE SEQUENCE IF NOT EXISTS feedback_change_seq`,
      `CREATE TABLE IF NOT EXISTS feedback (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         item_id TEXT NOT NULL,
         value SMALLINT NOT NULL CHECK (value IN (-1, 1)),
         updated_at TIMESTAMPTZ NOT NULL,
         change_seq BIGINT NOT NULL,
         PRIMARY KEY (user_id, catalog, item_id)
       )`,
      `CREATE INDEX IF NOT EXISTS feedback_recent ON feedback (user_id, catalog, change_seq DESC)`,
    ],
  },
  {
    version: 3,
    name: "profiles",
    // A listener's APRON profile edits per catalog: prototype tag -> weight in [0, 1], as a JSON object.
    sqlite: [
      `CREATE TABLE IF NOT EXISTS profiles (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         weights TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         PRIMARY KEY (user_id, catalog)
       ) STRICT`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS profiles (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         weights JSONB NOT NULL,
         updated_at TIMESTAMPTZ NOT NULL,
         PRIMARY KEY (user_id, catalog)
       )`,
    ],
  },
  {
    version: 4,
    name: "adapters",
    // A listener's per-user model adapter (White-boxing word feedback) per catalog and model: named float32 arrays
    // as JSON { name: base64 of little-endian bytes }, a version bumped by every retraining, and the feedback that
    // produced it (JSON list of { text, strengthen, weaken, at }).
    sqlite: [
      `CREATE TABLE IF NOT EXISTS adapters (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         model TEXT NOT NULL,
         version INTEGER NOT NULL,
         arrays TEXT NOT NULL,
         feedback TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         PRIMARY KEY (user_id, catalog, model)
       ) STRICT`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS adapters (
         user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         model TEXT NOT NULL,
         version INTEGER NOT NULL,
         arrays TEXT NOT NULL,
         feedback JSONB NOT NULL,
         updated_at TIMESTAMPTZ NOT NULL,
         PRIMARY KEY (user_id, catalog, model)
       )`,
    ],
  },
  {
    version: 5,
    name: "conversations",
    // Conversations (issue 13): state and turns as one JSON document, a version bumped by every save (two turns
    // racing on one conversation cannot both land), an owner when tied to a user (NULL: anonymous).
    sqlite: [
      `CREATE TABLE IF NOT EXISTS conversations (
         id TEXT PRIMARY KEY,
         user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         data TEXT NOT NULL,
         version INTEGER NOT NULL,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
       ) STRICT`,
      `CREATE INDEX IF NOT EXISTS conversations_user ON conversations (user_id)`,
    ],
    postgres: [
      `CREATE TABLE IF NOT EXISTS conversations (
         id TEXT PRIMARY KEY,
         user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
         catalog TEXT NOT NULL,
         data JSONB NOT NULL,
         version INTEGER NOT NULL,
         created_at TIMESTAMPTZ NOT NULL,
         updated_at TIMESTAMPTZ NOT NULL
       )`,
      `CREATE INDEX IF NOT EXISTS conversations_user ON conversations (user_id)`,
    ],
  },
]);

/** The schema version this build of askmusic writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Every table holding a user's data, with the column naming the user: `users export` and `users delete` (and
 * `DELETE /v1/users/me`) read and delete exactly these. A migration adding a per-user table (profiles,
 * conversations, adapters) adds it here; the shared state suite fails while a table with a `user_id` column is
 * missing from this list.
 */
export const USER_DATA_TABLES: readonly { readonly table: string; readonly userColumn: string }[] = Object.freeze([
  { table: "feedback", userColumn: "user_id" },
  { table: "profiles", userColumn: "user_id" },
  { table: "adapters", userColumn: "user_id" },
  { table: "conversations", userColumn: "user_id" },
]);

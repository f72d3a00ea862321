/**
 * @file StateRepository on an embedded SQLite file (better-sqlite3): WAL, synchronous=FULL, one transaction per write.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DataError, InputError, NotFoundError } from "../../../errors.js";
import { LATEST_VERSION, MIGRATIONS, USER_DATA_TABLES } from "../migrations.js";
import type { AdapterRecord, ConversationRecord, FeedbackRecord, StateRepository, UserExport, UserRecord, WordFeedbackEntry } from "../repository.js";
import { checkCatalog, encodeConversationData, decodeAdapterArrays, encodeAdapterArrays, encodeAdapterFeedback, checkFeedbackValue, checkItemId, checkName, checkProfileWeights, checkTokenHash, checkUserId, isUserId } from "../validate.js";

/** Options of {@link SqliteStateRepository.open}. */
export interface SqliteStateOptions {
  /**
   * How long a write waits for another process's write lock (e.g. `askmusic users add` while the server runs)
   * before failing, in ms. Default 5000: long enough for any single write here, short enough to surface a stuck peer.
   */
  readonly busyTimeoutMs?: number;
}

interface UserRow {
  id: string;
  name: string | null;
  created_at: string;
}
interface FeedbackRow {
  user_id: string;
  catalog: string;
  item_id: string;
  value: number;
  updated_at: string;
}

/**
 * SQLite-backed application state. Every write runs in a `BEGIN IMMEDIATE` transaction and, with WAL and
 * synchronous=FULL, is fsynced before the promise resolves.
 * @example
 * const repo = SqliteStateRepository.open("/home/me/.askmusic/state.db");
 * await repo.migrate();
 * await repo.createUser({ id: "alice", tokenHash: hashToken(createToken()) });
 * await repo.getUser("alice"); // { id: "alice", createdAt: "2026-11-23T03:20:00.000Z" }
 */
export class SqliteStateRepository implements StateRepository {
  readonly kind = "sqlite";
  /** Absolute path of the database file. */
  readonly file: string;
  private readonly db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed) the database file and sets its pragmas. Does not migrate: call {@link migrate}. */
  static open(file: string, options: SqliteStateOptions = {}): SqliteStateRepository {
    const abs = path.resolve(file);
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(abs), { recursive: true });
      // Tokens' hashes and listeners' feedback: readable by the owner only. SQLite gives its -wal and -shm files
      // the database file's mode, so creating it 0600 first covers all three. An existing file keeps its mode.
      closeSync(openSync(abs, "a", 0o600));
      db = new Database(abs, { timeout: options.busyTimeoutMs ?? 5000 });
      // journal_mode answers with the mode in force: anything but "wal" (e.g. a read-only medium) breaks our guarantees.
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") throw new Error(`journal_mode is "${String(mode)}", expected "wal"`);
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss too, not only kill -9.
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      return new SqliteStateRepository(abs, db);
    } catch (err) {
      db?.close();
      throw new DataError(`cannot open the state database ${abs}: ${(err as Error).message}; move the file aside to start afresh`, {
        path: abs,
        cause: err,
      });
    }
  }

  async migrate(): Promise<void> {
    try {
      this.db.transaction(() => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
        const applied = new Set(
          (this.db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
        );
        const newest = Math.max(0, ...applied);
        if (newest > LATEST_VERSION) {
          throw new DataError(
            `the state database ${this.file} has schema version ${newest}, newer than this askmusic knows (${LATEST_VERSION}); upgrade askmusic`,
            { path: this.file, expected: String(LATEST_VERSION), actual: String(newest) },
          );
        }
        const record = this.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
        for (const m of MIGRATIONS) {
          if (applied.has(m.version)) continue;
          for (const sql of m.sqlite) this.db.exec(sql);
          record.run(m.version, m.name, new Date().toISOString());
        }
      }).immediate();
    } catch (err) {
      if (err instanceof DataError) throw err;
      throw new DataError(`cannot migrate the state database ${this.file}: ${(err as Error).message}`, { path: this.file, cause: err });
    }
  }

  /** Versions recorded in `schema_migrations`, ascending (for tests and health output). */
  async appliedMigrations(): Promise<number[]> {
    return (this.db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[]).map((r) => r.version);
  }

  async createUser(user: { id: string; name?: string; tokenHash: string }): Promise<UserRecord> {
    const id = checkUserId(user.id);
    const name = checkName(user.name);
    const tokenHash = checkTokenHash(user.tokenHash);
    const createdAt = new Date().toISOString();
    try {
      this.db.transaction(() => {
        this.db.prepare("INSERT INTO users (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)").run(id, name ?? null, tokenHash, createdAt);
      }).immediate();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw new InputError(`user "${id}" already exists; choose another id`, { field: "id", cause: err });
      if (code === "SQLITE_CONSTRAINT_UNIQUE") throw new InputError("this token is already in use; create a new token", { field: "tokenHash", cause: err });
      throw err;
    }
    return toUser({ id, name: name ?? null, created_at: createdAt });
  }

  async findUserByTokenHash(tokenHash: string): Promise<UserRecord | undefined> {
    if (typeof tokenHash !== "string") return undefined;
    const row = this.db.prepare("SELECT id, name, created_at FROM users WHERE token_hash = ?").get(tokenHash) as UserRow | undefined;
    return row && toUser(row);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    if (!isUserId(id)) return undefined;
    const row = this.db.prepare("SELECT id, name, created_at FROM users WHERE id = ?").get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare("SELECT id, name, created_at FROM users ORDER BY id").all() as UserRow[]).map(toUser);
  }

  async setFeedback(userId: string, catalog: string, itemId: string, value: 1 | -1 | 0): Promise<void> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    checkItemId(itemId);
    checkFeedbackValue(value);
    this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM users WHERE id = ?").get(userId) === undefined) throw new NotFoundError("user", userId);
      if (value === 0) {
        this.db.prepare("DELETE FROM feedback WHERE user_id = ? AND catalog = ? AND item_id = ?").run(userId, catalog, itemId);
        return;
      }
      // The newest change of this (user, catalog) gets the next sequence number: ordering needs nothing global.
      this.db
        .prepare(
          `INSERT INTO feedback (user_id, catalog, item_id, value, updated_at, change_seq)
           VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM feedback WHERE user_id = ? AND catalog = ?))
           ON CONFLICT (user_id, catalog, item_id) DO UPDATE SET
             value = excluded.value, updated_at = excluded.updated_at, change_seq = excluded.change_seq`,
        )
        .run(userId, catalog, itemId, value, new Date().toISOString(), userId, catalog);
    }).immediate();
  }

  async listFeedback(userId: string, catalog: string): Promise<FeedbackRecord[]> {
    if (!isUserId(userId) || typeof catalog !== "string") return [];
    const rows = this.db
      .prepare(
        `SELECT user_id, catalog, item_id, value, updated_at FROM feedback
         WHERE user_id = ? AND catalog = ? ORDER BY change_seq DESC`,
      )
      .all(userId, catalog) as FeedbackRow[];
    return rows.map((r) => ({ userId: r.user_id, catalog: r.catalog, itemId: r.item_id, value: r.value === 1 ? 1 : -1, updatedAt: r.updated_at }));
  }

  async exportUser(id: string): Promise<UserExport | undefined> {
    if (!isUserId(id)) return undefined;
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT id, name, created_at FROM users WHERE id = ?").get(id) as UserRow | undefined;
      if (!row) return undefined;
      const data: Record<string, Record<string, unknown>[]> = {};
      // Table and column names come from the constant list, never from input.
      for (const { table, userColumn } of USER_DATA_TABLES) data[table] = this.db.prepare(`SELECT * FROM ${table} WHERE ${userColumn} = ?`).all(id) as Record<string, unknown>[];
      return { user: toUser(row), data };
    })();
  }

  async deleteUser(id: string): Promise<Record<string, number> | undefined> {
    if (!isUserId(id)) return undefined;
    return this.db.transaction(() => {
      const counts: Record<string, number> = {};
      for (const { table, userColumn } of USER_DATA_TABLES) counts[table] = this.db.prepare(`DELETE FROM ${table} WHERE ${userColumn} = ?`).run(id).changes;
      const users = this.db.prepare("DELETE FROM users WHERE id = ?").run(id).changes;
      return users === 0 ? undefined : { ...counts, users };
    }).immediate();
  }

  /** Tables with a `user_id` column (for the suite's check that USER_DATA_TABLES lists them all). */
  async userTables(): Promise<string[]> {
    const rows = this.db
      .prepare("SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'user_id' ORDER BY m.name")
      .all() as { name: string }[];
    return rows.map((r) => r.name);
  }

  async setProfile(userId: string, catalog: string, weights: Readonly<Record<string, number>>): Promise<void> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    const checked = checkProfileWeights(weights);
    this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM users WHERE id = ?").get(userId) === undefined) throw new NotFoundError("user", userId);
      if (Object.keys(checked).length === 0) {
        this.db.prepare("DELETE FROM profiles WHERE user_id = ? AND catalog = ?").run(userId, catalog);
        return;
      }
      this.db
        .prepare(
          `INSERT INTO profiles (user_id, catalog, weights, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (user_id, catalog) DO UPDATE SET weights = excluded.weights, updated_at = excluded.updated_at`,
        )
        .run(userId, catalog, JSON.stringify(checked), new Date().toISOString());
    }).immediate();
  }

  async getProfile(userId: string, catalog: string): Promise<Record<string, number>> {
    if (!isUserId(userId) || typeof catalog !== "string") return {};
    const row = this.db.prepare("SELECT weights FROM profiles WHERE user_id = ? AND catalog = ?").get(userId, catalog) as { weights: string } | undefined;
    return row === undefined ? {} : (JSON.parse(row.weights) as Record<string, number>);
  }

  async setAdapter(userId: string, catalog: string, model: string, arrays: Readonly<Record<string, Float32Array>>, feedback: readonly WordFeedbackEntry[], expectedVersion?: number): Promise<number> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    const encoded = encodeAdapterArrays(model, arrays);
    const fb = encodeAdapterFeedback(feedback);
    return this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM users WHERE id = ?").get(userId) === undefined) throw new NotFoundError("user", userId);
      const row = this.db.prepare("SELECT version FROM adapters WHERE user_id = ? AND catalog = ? AND model = ?").get(userId, catalog, model) as { version: number } | undefined;
      const current = row?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== current) throw new InputError(`the ${model} adapter of ${userId} is at version ${current}, not ${expectedVersion}: another retraining finished first; retry`, { field: "version" });
      this.db
        .prepare(
          `INSERT INTO adapters (user_id, catalog, model, version, arrays, feedback, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, catalog, model) DO UPDATE SET version = excluded.version, arrays = excluded.arrays, feedback = excluded.feedback, updated_at = excluded.updated_at`,
        )
        .run(userId, catalog, model, current + 1, encoded, fb, new Date().toISOString());
      return current + 1;
    }).immediate();
  }

  async getAdapter(userId: string, catalog: string, model: string): Promise<AdapterRecord | undefined> {
    if (!isUserId(userId) || typeof catalog !== "string" || typeof model !== "string") return undefined;
    const row = this.db.prepare("SELECT version, arrays, feedback, updated_at FROM adapters WHERE user_id = ? AND catalog = ? AND model = ?").get(userId, catalog, model) as
      | { version: number; arrays: string; feedback: string; updated_at: string }
      | undefined;
    if (row === undefined) return undefined;
    return { userId, catalog, model, version: row.version, arrays: decodeAdapterArrays(row.arrays), feedback: JSON.parse(row.feedback) as WordFeedbackEntry[], updatedAt: row.updated_at };
  }

  async deleteAdapter(userId: string, catalog: string, model: string): Promise<boolean> {
    if (!isUserId(userId) || typeof catalog !== "string" || typeof model !== "string") return false;
    return this.db.prepare("DELETE FROM adapters WHERE user_id = ? AND catalog = ? AND model = ?").run(userId, catalog, model).changes > 0;
  }

  async createConversation(c: { id: string; userId?: string; catalog: string; data: Readonly<Record<string, unknown>> }): Promise<ConversationRecord> {
    const id = checkUserId(c.id, "id");
    if (c.userId !== undefined) checkUserId(c.userId, "userId");
    const catalog = checkCatalog(c.catalog);
    const data = encodeConversationData(c.data);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (c.userId !== undefined && this.db.prepare("SELECT 1 FROM users WHERE id = ?").get(c.userId) === undefined) throw new NotFoundError("user", c.userId);
      if (this.db.prepare("SELECT 1 FROM conversations WHERE id = ?").get(id) !== undefined) throw new InputError(`conversation ${id} already exists`, { field: "id" });
      this.db.prepare("INSERT INTO conversations (id, user_id, catalog, data, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)").run(id, c.userId ?? null, catalog, data, now, now);
    }).immediate();
    return { id, ...(c.userId === undefined ? {} : { userId: c.userId }), catalog, data: JSON.parse(data) as Record<string, unknown>, version: 1, createdAt: now, updatedAt: now };
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    if (!isUserId(id)) return undefined;
    const row = this.db.prepare("SELECT id, user_id, catalog, data, version, created_at, updated_at FROM conversations WHERE id = ?").get(id) as
      | { id: string; user_id: string | null; catalog: string; data: string; version: number; created_at: string; updated_at: string }
      | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      ...(row.user_id === null ? {} : { userId: row.user_id }),
      catalog: row.catalog,
      data: JSON.parse(row.data) as Record<string, unknown>,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async saveConversation(id: string, data: Readonly<Record<string, unknown>>, expectedVersion: number): Promise<number> {
    checkUserId(id, "id");
    const text = encodeConversationData(data);
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT version FROM conversations WHERE id = ?").get(id) as { version: number } | undefined;
      if (row === undefined) throw new NotFoundError("conversation", id);
      if (row.version !== expectedVersion) throw new InputError(`conversation ${id} is at version ${row.version}, not ${expectedVersion}: another turn landed first; retry`, { field: "version" });
      this.db.prepare("UPDATE conversations SET data = ?, version = ?, updated_at = ? WHERE id = ?").run(text, row.version + 1, new Date().toISOString(), id);
      return row.version + 1;
    }).immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Row → record; a NULL name becomes an absent field, as the port declares it optional. */
function toUser(row: UserRow): UserRecord {
  return row.name === null ? { id: row.id, createdAt: row.created_at } : { id: row.id, name: row.name, createdAt: row.created_at };
}

/**
 * @file StateRepository on PostgreSQL (node-postgres pool): shared by server replicas, same schema as SQLite.
 */
import pg from "pg";
import { DataError, InputError, NotFoundError } from "../../../errors.js";
import { LATEST_VERSION, MIGRATIONS, USER_DATA_TABLES } from "../migrations.js";
import type { AdapterRecord, ConversationRecord, FeedbackRecord, StateRepository, UserExport, UserRecord, WordFeedbackEntry } from "../repository.js";
import { checkCatalog, encodeConversationData, decodeAdapterArrays, encodeAdapterArrays, encodeAdapterFeedback, checkFeedbackValue, checkItemId, checkName, checkProfileWeights, checkTokenHash, checkUserId, isUserId } from "../validate.js";

/** Options of {@link PostgresStateRepository.open}. */
export interface PostgresStateOptions {
  /** Most connections held open at once. Default 10: well under PostgreSQL's default max_connections of 100 for a few replicas. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing, in ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Called when an idle pooled connection breaks (server restart); default writes one line to stderr. The pool reconnects by itself. */
  readonly onIdleError?: (err: Error) => void;
}

// Any constant works: it only has to be the same for every askmusic process migrating this database.
const MIGRATION_LOCK_KEY = 7_326_114_001;

interface UserRow {
  id: string;
  name: string | null;
  created_at: Date;
}
interface FeedbackRow {
  user_id: string;
  catalog: string;
  item_id: string;
  value: number;
  updated_at: Date;
}

/**
 * PostgreSQL-backed application state. A write resolves after its transaction committed with
 * synchronous_commit=on (forced per connection), i.e. after the WAL reached disk on the server.
 * @example
 * const repo = PostgresStateRepository.open("postgresql://askmusic@127.0.0.1:5432/askmusic");
 * await repo.migrate();
 * await repo.listUsers(); // []
 */
export class PostgresStateRepository implements StateRepository {
  readonly kind = "postgres";
  /** The connection URL with any password replaced by "***", safe for logs and error messages. */
  readonly where: string;
  private readonly pool: pg.Pool;
  private closed = false;

  private constructor(where: string, pool: pg.Pool) {
    this.where = where;
    this.pool = pool;
  }

  /** Creates the pool (connections are made lazily, at the first query). Does not migrate: call {@link migrate}. */
  static open(url: string, options: PostgresStateOptions = {}): PostgresStateRepository {
    const where = redactUrl(url);
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new InputError(`the database URL must start with postgres:// or postgresql://, got "${where}"`, { field: "ASKMUSIC_DATABASE_URL" });
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: "askmusic",
      // Durability must not depend on the server's configuration: a commit is acknowledged only once flushed.
      options: "-c synchronous_commit=on",
    });
    const onIdleError = options.onIdleError ?? ((err: Error) => process.stderr.write(`askmusic: state database ${where}: ${err.message}\n`));
    // Without a listener an idle connection's error (e.g. server restart) would crash the process.
    pool.on("error", onIdleError);
    return new PostgresStateRepository(where, pool);
  }

  async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      // Replicas starting together take turns; the lock is released at commit or rollback.
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
      const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
      const applied = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...applied);
      if (newest > LATEST_VERSION) {
        throw new DataError(
          `the state database ${this.where} has schema version ${newest}, newer than this askmusic knows (${LATEST_VERSION}); upgrade askmusic`,
          { path: this.where, expected: String(LATEST_VERSION), actual: String(newest) },
        );
      }
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        for (const sql of m.postgres) await client.query(sql);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", [m.version, m.name]);
      }
    });
  }

  /** Versions recorded in `schema_migrations`, ascending (for tests and health output). */
  async appliedMigrations(): Promise<number[]> {
    const { rows } = await this.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    return rows.map((r) => r.version);
  }

  async createUser(user: { id: string; name?: string; tokenHash: string }): Promise<UserRecord> {
    const id = checkUserId(user.id);
    const name = checkName(user.name);
    const tokenHash = checkTokenHash(user.tokenHash);
    try {
      // One statement in autocommit is one transaction.
      const { rows } = await this.query<UserRow>(
        "INSERT INTO users (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id, name, created_at",
        [id, name ?? null, tokenHash, new Date()],
      );
      return toUser(rows[0]);
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === "23505" && e.constraint === "users_pkey") throw new InputError(`user "${id}" already exists; choose another id`, { field: "id", cause: err });
      if (e.code === "23505") throw new InputError("this token is already in use; create a new token", { field: "tokenHash", cause: err });
      throw err;
    }
  }

  async findUserByTokenHash(tokenHash: string): Promise<UserRecord | undefined> {
    if (typeof tokenHash !== "string") return undefined;
    const { rows } = await this.query<UserRow>("SELECT id, name, created_at FROM users WHERE token_hash = $1", [tokenHash]);
    return rows[0] && toUser(rows[0]);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    if (!isUserId(id)) return undefined;
    const { rows } = await this.query<UserRow>("SELECT id, name, created_at FROM users WHERE id = $1", [id]);
    return rows[0] && toUser(rows[0]);
  }

  async listUsers(): Promise<UserRecord[]> {
    // COLLATE "C": byte order, identical to SQLite's, whatever the database's locale.
    const { rows } = await this.query<UserRow>(`SELECT id, name, created_at FROM users ORDER BY id COLLATE "C"`);
    return rows.map(toUser);
  }

  async setFeedback(userId: string, catalog: string, itemId: string, value: 1 | -1 | 0): Promise<void> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    checkItemId(itemId);
    checkFeedbackValue(value);
    await this.transaction(async (client) => {
      const user = await client.query("SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", [userId]);
      if (user.rowCount === 0) throw new NotFoundError("user", userId);
      if (value === 0) {
        await client.query("DELETE FROM feedback WHERE user_id = $1 AND catalog = $2 AND item_id = $3", [userId, catalog, itemId]);
        return;
      }
      await client.query(
        `INSERT INTO feedback (user_id, catalog, item_id, value, updated_at, change_seq)
         VALUES ($1, $2, $3, $4, $5, nextval('feedback_change_seq'))
         ON CONFLICT (user_id, catalog, item_id) DO UPDATE SET
           value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, change_seq = EXCLUDED.change_seq`,
        [userId, catalog, itemId, value, new Date()],
      );
    });
  }

  async listFeedback(userId: string, catalog: string): Promise<FeedbackRecord[]> {
    if (!isUserId(userId) || typeof catalog !== "string") return [];
    const { rows } = await this.query<FeedbackRow>(
      `SELECT user_id, catalog, item_id, value, updated_at FROM feedback
       WHERE user_id = $1 AND catalog = $2 ORDER BY change_seq DESC`,
      [userId, catalog],
    );
    return rows.map((r) => ({ userId: r.user_id, catalog: r.catalog, itemId: r.item_id, value: r.value === 1 ? 1 : -1, updatedAt: r.updated_at.toISOString() }));
  }

  async exportUser(id: string): Promise<UserExport | undefined> {
    if (!isUserId(id)) return undefined;
    // REPEATABLE READ: the user and every table are read from one snapshot.
    return this.transaction(async (client) => {
      await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const { rows } = await client.query<UserRow>("SELECT id, name, created_at FROM users WHERE id = $1", [id]);
      if (!rows[0]) return undefined;
      const data: Record<string, Record<string, unknown>[]> = {};
      // Table and column names come from the constant list, never from input.
      for (const { table, userColumn } of USER_DATA_TABLES) {
        data[table] = (await client.query(`SELECT * FROM ${table} WHERE ${userColumn} = $1`, [id])).rows.map(isoTimes);
      }
      return { user: toUser(rows[0]), data };
    });
  }

  async deleteUser(id: string): Promise<Record<string, number> | undefined> {
    if (!isUserId(id)) return undefined;
    return this.transaction(async (client) => {
      const counts: Record<string, number> = {};
      for (const { table, userColumn } of USER_DATA_TABLES) counts[table] = (await client.query(`DELETE FROM ${table} WHERE ${userColumn} = $1`, [id])).rowCount ?? 0;
      const users = (await client.query("DELETE FROM users WHERE id = $1", [id])).rowCount ?? 0;
      return users === 0 ? undefined : { ...counts, users };
    });
  }

  /** Tables with a `user_id` column (for the suite's check that USER_DATA_TABLES lists them all). */
  async userTables(): Promise<string[]> {
    const { rows } = await this.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY table_name COLLATE "C"`,
    );
    return rows.map((r) => r.name);
  }

  async setProfile(userId: string, catalog: string, weights: Readonly<Record<string, number>>): Promise<void> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    const checked = checkProfileWeights(weights);
    await this.transaction(async (client) => {
      const user = await client.query("SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", [userId]);
      if (user.rowCount === 0) throw new NotFoundError("user", userId);
      if (Object.keys(checked).length === 0) {
        await client.query("DELETE FROM profiles WHERE user_id = $1 AND catalog = $2", [userId, catalog]);
        return;
      }
      await client.query(
        `INSERT INTO profiles (user_id, catalog, weights, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, catalog) DO UPDATE SET weights = EXCLUDED.weights, updated_at = EXCLUDED.updated_at`,
        [userId, catalog, JSON.stringify(checked), new Date()],
      );
    });
  }

  async getProfile(userId: string, catalog: string): Promise<Record<string, number>> {
    if (!isUserId(userId) || typeof catalog !== "string") return {};
    const { rows } = await this.query<{ weights: Record<string, number> }>("SELECT weights FROM profiles WHERE user_id = $1 AND catalog = $2", [userId, catalog]);
    return rows[0]?.weights ?? {};
  }

  async setAdapter(userId: string, catalog: string, model: string, arrays: Readonly<Record<string, Float32Array>>, feedback: readonly WordFeedbackEntry[], expectedVersion?: number): Promise<number> {
    checkUserId(userId, "userId");
    checkCatalog(catalog);
    const encoded = encodeAdapterArrays(model, arrays);
    const fb = encodeAdapterFeedback(feedback);
    return this.transaction(async (client) => {
      const user = await client.query("SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", [userId]);
      if (user.rowCount === 0) throw new NotFoundError("user", userId);
      // The user's row lock (FOR UPDATE below on the adapter, or the insert's conflict) serialises racing retrainings.
      const { rows } = await client.query<{ version: number }>("SELECT version FROM adapters WHERE user_id = $1 AND catalog = $2 AND model = $3 FOR UPDATE", [userId, catalog, model]);
      const current = rows[0]?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== current) throw new InputError(`the ${model} adapter of ${userId} is at version ${current}, not ${expectedVersion}: another retraining finished first; retry`, { field: "version" });
      await client.query(
        `INSERT INTO adapters (user_id, catalog, model, version, arrays, feedback, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, catalog, model) DO UPDATE SET version = EXCLUDED.version, arrays = EXCLUDED.arrays, feedback = EXCLUDED.feedback, updated_at = EXCLUDED.updated_at`,
        [userId, catalog, model, current + 1, encoded, fb, new Date()],
      );
      return current + 1;
    });
  }

  async getAdapter(userId: string, catalog: string, model: string): Promise<AdapterRecord | undefined> {
    if (!isUserId(userId) || typeof catalog !== "string" || typeof model !== "string") return undefined;
    const { rows } = await this.query<{ version: number; arrays: string; feedback: WordFeedbackEntry[]; updated_at: Date }>(
      "SELECT version, arrays, feedback, updated_at FROM adapters WHERE user_id = $1 AND catalog = $2 AND model = $3",
      [userId, catalog, model],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { userId, catalog, model, version: row.version, arrays: decodeAdapterArrays(row.arrays), feedback: row.feedback, updatedAt: row.updated_at.toISOString() };
  }

  async deleteAdapter(userId: string, catalog: string, model: string): Promise<boolean> {
    if (!isUserId(userId) || typeof catalog !== "string" || typeof model !== "string") return false;
    return ((await this.query("DELETE FROM adapters WHERE user_id = $1 AND catalog = $2 AND model = $3", [userId, catalog, model])).rowCount ?? 0) > 0;
  }

  async createConversation(c: { id: string; userId?: string; catalog: string; data: Readonly<Record<string, unknown>> }): Promise<ConversationRecord> {
    const id = checkUserId(c.id, "id");
    if (c.userId !== undefined) checkUserId(c.userId, "userId");
    const catalog = checkCatalog(c.catalog);
    const data = encodeConversationData(c.data);
    const now = new Date();
    await this.transaction(async (client) => {
      if (c.userId !== undefined && (await client.query("SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", [c.userId])).rowCount === 0) throw new NotFoundError("user", c.userId);
      // ON CONFLICT DO NOTHING: of two racing creations of one id, exactly one inserts; the other sees 0 rows.
      const inserted = await client.query(
        "INSERT INTO conversations (id, user_id, catalog, data, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT (id) DO NOTHING",
        [id, c.userId ?? null, catalog, data, now],
      );
      if (inserted.rowCount === 0) throw new InputError(`conversation ${id} already exists`, { field: "id" });
    });
    return { id, ...(c.userId === undefined ? {} : { userId: c.userId }), catalog, data: JSON.parse(data) as Record<string, unknown>, version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() };
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    if (!isUserId(id)) return undefined;
    const { rows } = await this.query<{ id: string; user_id: string | null; catalog: string; data: Record<string, unknown>; version: number; created_at: Date; updated_at: Date }>(
      "SELECT id, user_id, catalog, data, version, created_at, updated_at FROM conversations WHERE id = $1",
      [id],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      id: row.id,
      ...(row.user_id === null ? {} : { userId: row.user_id }),
      catalog: row.catalog,
      data: row.data,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async saveConversation(id: string, data: Readonly<Record<string, unknown>>, expectedVersion: number): Promise<number> {
    checkUserId(id, "id");
    const text = encodeConversationData(data);
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ version: number }>("SELECT version FROM conversations WHERE id = $1 FOR UPDATE", [id]);
      const row = rows[0];
      if (row === undefined) throw new NotFoundError("conversation", id);
      if (row.version !== expectedVersion) throw new InputError(`conversation ${id} is at version ${row.version}, not ${expectedVersion}: another turn landed first; retry`, { field: "version" });
      await client.query("UPDATE conversations SET data = $1, version = $2, updated_at = $3 WHERE id = $4", [text, row.version + 1, new Date(), id]);
      return row.version + 1;
    });
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** One statement on a pooled connection; connection failures become a DataError naming the (redacted) URL. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw this.connectionError(err);
    }
  }

  /** Runs `work` between BEGIN and COMMIT on one connection; any error rolls back and is rethrown. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.connectionError(err);
    }
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackErr) {
        broken = rollbackErr as Error; // the connection is unusable: the pool must discard it
      }
      throw this.connectionError(err);
    } finally {
      client.release(broken);
    }
  }

  /** Maps "cannot reach or log in to the server" errors to a DataError; passes every other error through. */
  private connectionError(err: unknown): unknown {
    const code = (err as { code?: unknown }).code;
    const unreachable =
      typeof code === "string" && (/^E[A-Z]+$/.test(code) || /^(08|28|3D|57P)/.test(code)) ||
      (err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/.test(err.message));
    if (!unreachable) return err;
    return new DataError(`cannot use the state database ${this.where}: ${(err as Error).message}; check ASKMUSIC_DATABASE_URL and that the server runs`, {
      path: this.where,
      cause: err,
    });
  }
}

/** The URL with its password masked, e.g. "postgresql://u:***@host:5432/db"; unparsable input is masked whole. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<unparsable URL>";
  }
}

function toUser(row: UserRow): UserRecord {
  const createdAt = row.created_at.toISOString();
  return row.name === null ? { id: row.id, createdAt } : { id: row.id, name: row.name, createdAt };
}

/** Dates as ISO-8601 strings, as SQLite stores them, so both exports read alike. */
function isoTimes(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

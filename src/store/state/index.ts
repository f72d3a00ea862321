/**
 * @file Picks the application-state backend from the Config: PostgreSQL when a database URL is set, else SQLite.
 */
import path from "node:path";
import type { Config } from "../../config.js";
import type { StateRepository } from "./repository.js";

export type { FeedbackRecord, StateRepository, UserRecord } from "./repository.js";
export { createToken, hashToken } from "./tokens.js";

/** File name of the SQLite database inside `homeDir`. */
export const STATE_DB_FILE = "state.db";

/**
 * Opens the application state and applies pending migrations: PostgreSQL when `config.databaseUrl` is set
 * (`ASKMUSIC_DATABASE_URL`), else SQLite at `<homeDir>/state.db`. The drivers are imported lazily so that
 * a process using one never loads the other. Close the repository when done.
 * @example
 * const repo = await openStateRepository(resolveConfig(process.env));
 * repo.kind; // "sqlite"
 * await repo.close();
 */
export async function openStateRepository(config: Pick<Config, "homeDir" | "databaseUrl">): Promise<StateRepository> {
  let repo: StateRepository;
  if (config.databaseUrl) {
    const { PostgresStateRepository } = await import("./postgres/index.js");
    repo = PostgresStateRepository.open(config.databaseUrl);
  } else {
    const { SqliteStateRepository } = await import("./sqlite/index.js");
    repo = SqliteStateRepository.open(path.join(config.homeDir, STATE_DB_FILE));
  }
  try {
    await repo.migrate();
  } catch (err) {
    await repo.close();
    throw err;
  }
  return repo;
}

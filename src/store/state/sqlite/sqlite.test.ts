/**
 * @file SQLite state: the shared conformance suite, SQLite specifics (pragmas, schema version) and kill -9 durability.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { DataError } from "../../../errors.js";
import { runStateRepositorySuite } from "../conformance.js";
import { checkAcknowledged, startWriter } from "../durability.js";
import { openStateRepository } from "../index.js";
import { SqliteStateRepository } from "./index.js";

const root = mkdtempSync(path.join(os.tmpdir(), "askmusic-state-sqlite-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runStateRepositorySuite({
  name: "sqlite",
  freshDatabase: async () => {
    const file = path.join(root, `db-${n++}`, "state.db");
    return { open: () => SqliteStateRepository.open(file) };
  },
});

describe("SqliteStateRepository specifics", () => {
  it("creates state.db and its WAL files readable by the owner only (issue 15: it was 0644)", async () => {
    const home = path.join(root, "home-mode");
    const old = process.umask(0o022);
    try {
      const repo = await openStateRepository({ homeDir: home });
      await repo.createUser({ id: "u", tokenHash: "a".repeat(64) });
      for (const f of ["state.db", "state.db-wal", "state.db-shm"]) expect((statSync(path.join(home, f)).mode & 0o777).toString(8)).toBe("600");
      await repo.close();
    } finally {
      process.umask(old);
    }
  });

  it("opens <homeDir>/state.db in WAL mode with synchronous=FULL and foreign keys on", async () => {
    const home = path.join(root, "home-a");
    const repo = await openStateRepository({ homeDir: home });
    expect(repo.kind).toBe("sqlite");
    await repo.close();
    const raw = new Database(path.join(home, "state.db"));
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      // synchronous is per connection: check ours by opening through the class and peeking at the same pragma
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      expect(tables).toEqual([{ name: "adapters" }, { name: "conversations" }, { name: "feedback" }, { name: "profiles" }, { name: "schema_migrations" }, { name: "users" }]);
    } finally {
      raw.close();
    }
    const again = SqliteStateRepository.open(path.join(home, "state.db"));
    const db = (again as unknown as { db: Database.Database }).db;
    expect(db.pragma("synchronous", { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    await again.close();
  });

  it("refuses a database written by a newer askmusic, naming the file", async () => {
    const file = path.join(root, "newer", "state.db");
    const repo = SqliteStateRepository.open(file);
    await repo.migrate();
    await repo.close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    raw.close();
    const again = SqliteStateRepository.open(file);
    const err = await again.migrate().catch((e: unknown) => e);
    await again.close();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/schema version 999, newer than this askmusic knows \(5\); upgrade askmusic/);
    expect((err as Error).message).toContain(file);
  });

  it("turns a file that is not a database into a DataError naming it", async () => {
    const file = path.join(root, "garbage.db");
    writeFileSync(file, "this is not sqlite ".repeat(100));
    let bad: unknown;
    try {
      await SqliteStateRepository.open(file).close();
    } catch (e) {
      bad = e;
    }
    expect(bad).toBeInstanceOf(DataError);
    expect((bad as Error).message).toMatch(/cannot open the state database .*garbage\.db/);
  });
});

describe("SQLite durability under kill -9", () => {
  it("keeps every acknowledged write when the writing process is SIGKILLed mid-stream", async () => {
    const file = path.join(root, "durable", "state.db");
    const rounds: string[] = [];
    // Three kills on the same file: later rounds also recover from the WAL the earlier kills left behind.
    for (let round = 0; round < 3; round++) {
      const writer = startWriter("sqlite", file, `r${round}`);
      const started = Date.now();
      await writer.waitForAcks(150 + 50 * round);
      await writer.kill();
      const seconds = (Date.now() - started) / 1000;
      const repo = SqliteStateRepository.open(file);
      await repo.migrate();
      const result = await checkAcknowledged(repo, `r${round}`, writer.acked);
      await repo.close();
      rounds.push(`round ${round}: ${result.acknowledged} acked in ${seconds.toFixed(1)} s, ${result.missing.length} missing, ${result.unacknowledgedButPresent} unacked present`);
      expect(result.acknowledged).toBeGreaterThanOrEqual(150 + 50 * round);
      expect(result.missing).toEqual([]);
      // at most the writes in flight at the kill (4 lanes) may have landed without an acknowledgement
      expect(result.unacknowledgedButPresent).toBeLessThanOrEqual(4);
    }
    process.stderr.write(`sqlite durability: ${rounds.join("; ")}\n`);
  });
});

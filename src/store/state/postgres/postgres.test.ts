/**
 * @file PostgreSQL state, for real: the shared conformance suite, PostgreSQL specifics and kill -9 durability
 * (of the writing client, and of the server itself when this file started it).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataError, InputError } from "../../../errors.js";
import { runStateRepositorySuite } from "../conformance.js";
import { MIGRATIONS } from "../migrations.js";
import { checkAcknowledged, startWriter } from "../durability.js";
import { openStateRepository } from "../index.js";
import { PostgresStateRepository, redactUrl } from "./index.js";
import { startTestDatabase, type TestDatabase } from "./test-database.js";

let started: TestDatabase | undefined;
let setupError: unknown;
beforeAll(async () => {
  try {
    started = await startTestDatabase();
  } catch (err) {
    // No server and no ASKMUSIC_TEST_DATABASE_URL: every test fails with how to get one (a throwing beforeAll
    // would only mark them skipped).
    setupError = err;
  }
});
afterAll(async () => {
  await started?.stop();
});
/** The file's database, or the reason there is none. */
function server(): TestDatabase {
  if (!started) throw setupError;
  return started;
}

runStateRepositorySuite({
  name: "postgres",
  // Tests run one after another within a file, and the suite closes its repositories after each: reset is safe.
  freshDatabase: async () => {
    const db = server();
    await db.reset();
    return { open: () => PostgresStateRepository.open(db.url) };
  },
});

/** Runs raw SQL on `url` (to set up states the port cannot produce). */
async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe("PostgresStateRepository specifics", () => {
  it("is chosen by openStateRepository when the config has a database URL, and migrates", async () => {
    const db = server();
    await db.reset();
    const url = db.url;
    const repo = await openStateRepository({ homeDir: "/nonexistent-never-used", databaseUrl: url });
    try {
      expect(repo.kind).toBe("postgres");
      expect(await (repo as PostgresStateRepository).appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await repo.close();
    }
  });

  it("refuses a database written by a newer askmusic", async () => {
    const db = server();
    await db.reset();
    const url = db.url;
    const repo = PostgresStateRepository.open(url);
    await repo.migrate();
    await sql(url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', now())");
    const err = await repo.migrate().catch((e: unknown) => e);
    await repo.close();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/schema version 999, newer than this askmusic knows \(5\)/);
  });

  it("reports an unreachable server as a DataError without leaking the password", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const repo = PostgresStateRepository.open("postgresql://me:s3cret@127.0.0.1:1/askmusic", { connectTimeoutMs: 2000 });
    const err = await repo.ping().catch((e: unknown) => e);
    await repo.close();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/cannot use the state database postgresql:\/\/me:\*\*\*@127\.0\.0\.1:1\/askmusic/);
    expect((err as Error).message).not.toContain("s3cret");
    expect(redactUrl("postgres://u:p@h/d")).toBe("postgres://u:***@h/d");
  });

  it("rejects a URL of another scheme with an InputError naming the variable", () => {
    expect(() => PostgresStateRepository.open("mysql://u@h/d")).toThrow(InputError);
    expect(() => PostgresStateRepository.open("mysql://u@h/d")).toThrow(/ASKMUSIC_DATABASE_URL|postgres:\/\//);
  });
});

describe("PostgreSQL durability under kill -9", () => {
  it("keeps every acknowledged write when the writing client is SIGKILLed mid-stream", async () => {
    const db = server();
    await db.reset();
    const url = db.url;
    const writer = startWriter("postgres", url, "client");
    const started = Date.now();
    await writer.waitForAcks(300);
    await writer.kill();
    const seconds = (Date.now() - started) / 1000;
    const repo = PostgresStateRepository.open(url);
    const result = await checkAcknowledged(repo, "client", writer.acked);
    await repo.close();
    process.stderr.write(
      `postgres client kill: ${result.acknowledged} acked in ${seconds.toFixed(1)} s, ${result.missing.length} missing, ${result.unacknowledgedButPresent} unacked present\n`,
    );
    expect(result.acknowledged).toBeGreaterThanOrEqual(300);
    expect(result.missing).toEqual([]);
    expect(result.unacknowledgedButPresent).toBeLessThanOrEqual(4);
  });

  it("keeps every acknowledged write when the PostgreSQL server itself is SIGKILLed mid-stream", async () => {
    // A server given by ASKMUSIC_TEST_DATABASE_URL is not ours to kill: this test always starts its own cluster.
    const own = await startTestDatabase(process.env, { privateServer: true });
    try {
      await crashServerTrial(own);
    } finally {
      await own.stop();
    }
  });
});

/** Writer on `own`'s database; SIGKILL of the postmaster and its backends after 300 acks; restart; check. */
async function crashServerTrial(own: TestDatabase): Promise<void> {
  const writer = startWriter("postgres", own.url, "server");
  await writer.waitForAcks(300);
  await own.server!.crash();
  await writer.kill(); // its connections are gone; it has nothing more to acknowledge
  const restart = Date.now();
  await own.server!.start(); // WAL recovery
  const recovery = (Date.now() - restart) / 1000;
  const repo = PostgresStateRepository.open(own.url);
  const result = await checkAcknowledged(repo, "server", writer.acked);
  await repo.close();
  process.stderr.write(
    `postgres server kill: ${result.acknowledged} acked, ${result.missing.length} missing, ${result.unacknowledgedButPresent} unacked present, restart ${recovery.toFixed(1)} s\n`,
  );
  expect(result.acknowledged).toBeGreaterThanOrEqual(300);
  expect(result.missing).toEqual([]);
  expect(result.unacknowledgedButPresent).toBeLessThanOrEqual(4);
}

/**
 * @file For tests: a throwaway PostgreSQL database, from ASKMUSIC_TEST_DATABASE_URL or a private loopback cluster.
 */
import { execFile, spawn } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts its server binaries. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A database only this test file uses; `stop` drops it (and the cluster, when the helper started one). */
export interface TestDatabase {
  /** Connection URL of the fresh, empty database. */
  readonly url: string;
  /** Present only when the helper owns the server: a real crash (SIGKILL) and a restart with recovery. */
  readonly server?: TestServer;
  /**
   * Empties the database (drops and recreates schema `public`) so the next test starts from nothing. Much cheaper
   * than a database per test: each DROP DATABASE costs a checkpoint, over a second here.
   */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Control of a cluster the helper started. */
export interface TestServer {
  /** SIGKILLs the postmaster and all its children: the server dies as in a power cut of the process tree. */
  crash(): Promise<void>;
  /** Starts the cluster again on the same port (running WAL recovery after a crash). */
  start(): Promise<void>;
}

/**
 * A fresh database: on the server named by `ASKMUSIC_TEST_DATABASE_URL` when set (needs CREATEDB), else on a
 * PostgreSQL 15 cluster initialised in a temp dir and listening on 127.0.0.1 at a free port. Neither available →
 * an Error that says how to get one (the Postgres tests fail rather than skip).
 * @param options.privateServer always start an own cluster (for tests that crash the server), ignoring the URL
 */
export async function startTestDatabase(
  env: Record<string, string | undefined> = process.env,
  options: { privateServer?: boolean } = {},
): Promise<TestDatabase> {
  const given = env.ASKMUSIC_TEST_DATABASE_URL;
  if (given && !options.privateServer) return onServer(given);
  if (!existsSync(path.join(PG_BIN, "initdb"))) {
    const why = options.privateServer ? "this test kills its own PostgreSQL server, so it needs the server binaries" : "PostgreSQL tests need a server";
    throw new Error(
      `${why}: install Debian's postgresql-15 (apt-get install -y postgresql-15, binaries in ${PG_BIN})` +
        (options.privateServer ? "" : " or set ASKMUSIC_TEST_DATABASE_URL (e.g. `eval \"$(bash scripts/ci-postgres.sh)\"`)"),
    );
  }
  const cluster = await startCluster();
  const db = await onServer(cluster.url);
  return {
    url: db.url,
    server: cluster,
    reset: db.reset,
    // No DROP DATABASE first (a checkpoint, ~1 s): the whole cluster is deleted.
    stop: cluster.stop,
  };
}

/** Creates one uniquely named database on an existing server; `stop` drops it. */
async function onServer(serverUrl: string): Promise<TestDatabase> {
  const admin = async (url: string, sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `askmusic_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    reset: () => admin(url, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"),
    stop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * initdb in a temp dir, then the postmaster as our own (grand)child, as the `postgres` user when we are root
 * (initdb refuses root). Not via `pg_ctl start`: its postmaster is adopted by PID 1, which here reaps late, and
 * a killed-but-unreaped postmaster keeps its lock file "alive" so a restart would wait seconds.
 */
async function startCluster(): Promise<TestServer & { url: string; stop(): Promise<void> }> {
  const root = mkdtempSync(path.join(os.tmpdir(), "askmusic-pg-"));
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout: uid } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(root, Number(uid.trim()), Number(gid.trim()));
  }
  const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", path.join(PG_BIN, cmd), ...args]] : [path.join(PG_BIN, cmd), args];
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  // --no-sync only skips fsyncing initdb's own files; the running server keeps fsync=on.
  await run(...asPostgres("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]));

  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const log = openSync(logFile, "a");
    const [cmd, args] = asPostgres("postgres", ["-D", dataDir, "-k", root, "-h", "127.0.0.1", "-p", String(port)]);
    const child = spawn(cmd, args, { stdio: ["ignore", log, log] });
    closeSync(log);
    child.unref(); // a forgotten cluster must not keep the test process alive
    let gone = false;
    exited = new Promise<void>((resolve) => child.once("exit", () => ((gone = true), resolve())));
    // Ready when a connection succeeds; while WAL recovery runs the server answers 57P03 "starting up".
    const deadline = Date.now() + 60_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (err) {
        await client.end().catch(() => undefined);
        if (gone || Date.now() > deadline) {
          const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ");
          throw new Error(`test PostgreSQL on port ${port} did not start (${(err as Error).message}); log: ${tail}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await start();
  return {
    url,
    start,
    crash: async () => {
      const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      const children = await run("pgrep", ["-P", String(pid)]).then(
        (r) => r.stdout.split("\n").filter(Boolean).map(Number),
        () => [] as number[],
      );
      for (const p of [pid, ...children]) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited;
    },
    stop: async () => {
      try {
        await run(...asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]));
        await exited;
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

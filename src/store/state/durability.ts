/**
 * @file For tests: runs the durability writer as a child process, kills it (or its server) mid-stream, and checks
 * that every write it acknowledged is in the database afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StateRepository } from "./repository.js";

const WRITER = fileURLToPath(new URL("./durability-writer.ts", import.meta.url));
// The repository root, where `--import tsx` resolves from node_modules.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A running writer child. */
export interface Writer {
  /** Numbers of the writes acknowledged so far (complete lines only). */
  readonly acked: ReadonlySet<number>;
  /** Resolves once `n` writes are acknowledged; rejects if the child dies first or after `timeoutMs`. */
  waitForAcks(n: number, timeoutMs?: number): Promise<void>;
  /** SIGKILLs the child and resolves when it is gone (every acknowledgement it printed has then been read). */
  kill(): Promise<void>;
}

/** Starts `durability-writer.ts` against a SQLite file or a PostgreSQL URL; `run` ([a-z0-9]+) names this run's rows. */
export function startWriter(kind: "sqlite" | "postgres", target: string, run: string): Writer {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", WRITER, kind, target, run], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const acked = new Set<number>();
  let pending = "";
  let stderr = "";
  let exited = false;
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? ""; // an unterminated last line is not an acknowledgement yet
    for (const line of lines) if (/^\d+$/.test(line)) acked.add(Number(line));
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  // "close" fires after stdout is drained, so every printed acknowledgement has been counted by then.
  const closed = new Promise<void>((resolve) =>
    child.on("close", () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    }),
  );
  return {
    acked,
    waitForAcks: (n, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (acked.size >= n) done(undefined);
          else if (exited) done(new Error(`writer exited after ${acked.size} acknowledged writes: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
        };
        const timer = setTimeout(() => done(new Error(`only ${acked.size} of ${n} writes acknowledged in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const done = (err: Error | undefined) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      }),
    kill: async () => {
      if (!exited) child.kill("SIGKILL");
      await closed;
    },
  };
}

/** What {@link checkAcknowledged} found. */
export interface DurabilityResult {
  /** Writes the child acknowledged before it died. */
  readonly acknowledged: number;
  /** Acknowledged writes not found afterwards (must be empty). */
  readonly missing: number[];
  /** Writes found that were never acknowledged (in flight at the kill: allowed, usually 0–4). */
  readonly unacknowledgedButPresent: number;
}

/** Compares what the writer of run `run` acknowledged with what `repo` (opened after the kill) holds. */
export async function checkAcknowledged(repo: StateRepository, run: string, acked: ReadonlySet<number>): Promise<DurabilityResult> {
  const present = new Set<number>();
  for (const f of await repo.listFeedback("writer", `durability-${run}`)) present.add(Number(f.itemId.slice("item-".length)));
  const prefix = `w${run}-`;
  for (const u of await repo.listUsers()) if (u.id.startsWith(prefix)) present.add(Number(u.id.slice(prefix.length)));
  const missing = [...acked].filter((i) => !present.has(i)).sort((a, b) => a - b);
  const unacknowledgedButPresent = [...present].filter((i) => !acked.has(i)).length;
  return { acknowledged: acked.size, missing, unacknowledgedButPresent };
}

/**
 * @file `askmusic users`: a token printed once that authenticates, a listing without secrets, one-line errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStateRepository } from "../../../store/state/index.js";
import { hashToken } from "../../../store/state/tokens.js";
import { runCli } from "../testing.js";

const home = mkdtempSync(path.join(os.tmpdir(), "askmusic-cli-users-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs the CLI in-process against the temp home. */
const run = (...argv: string[]) => runCli(argv, { ASKMUSIC_HOME: home });

describe("askmusic users", () => {
  it("add prints the user with a fresh token once; only its digest is stored and it finds the user", async () => {
    const r = await run("users", "add", "alice", "--name", "Alice Liddell");
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout.trim()) as { id: string; name: string; createdAt: string; token: string };
    expect(printed).toEqual({ id: "alice", name: "Alice Liddell", createdAt: expect.any(String), token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(r.stderr).toMatch(/will not be shown again/);
    const repo = await openStateRepository({ homeDir: home });
    try {
      expect((await repo.findUserByTokenHash(hashToken(printed.token)))?.id).toBe("alice");
      expect(await repo.findUserByTokenHash(printed.token)).toBeUndefined();
    } finally {
      await repo.close();
    }
    expect(existsSync(path.join(home, "state.db"))).toBe(true);
  });

  it("gives every user a different token", async () => {
    const a = JSON.parse((await run("users", "add", "bob")).stdout) as { token: string };
    const b = JSON.parse((await run("users", "add", "carol")).stdout) as { token: string };
    expect(a.token).not.toBe(b.token);
  });

  it("list prints every user sorted by id and never a token", async () => {
    const r = await run("users", "list");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((u) => u.id)).toEqual(["alice", "bob", "carol"]);
    expect(lines[0]).toEqual({ id: "alice", name: "Alice Liddell", createdAt: expect.any(String) });
    expect(r.stdout).not.toMatch(/token/i);
  });

  it("rejects a bad id with one line and a non-zero status, creating nothing", async () => {
    for (const bad of ["has space", "../x", "a".repeat(65)]) {
      const r = await run("users", "add", bad);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^askmusic: error: id must be 1-64 characters of letters, digits/);
    }
    expect((await run("users", "list")).stdout.trim().split("\n")).toHaveLength(3); // alice, bob, carol
  });

  it("rejects a duplicate id and an empty --name with one line each", async () => {
    const dup = await run("users", "add", "alice");
    expect(dup.status).not.toBe(0);
    expect(dup.stdout).toBe("");
    expect(dup.stderr).toBe('askmusic: error: user "alice" already exists; choose another id\n');
    const noName = await run("users", "add", "dave", "--name", " ");
    expect(noName.status).not.toBe(0);
    expect(noName.stderr).toMatch(/^askmusic: error: --name must be 1-200 characters/);
  });

  it("export prints everything stored for a user (or writes it 0600 with --out); delete erases it", async () => {
    const repo = await openStateRepository({ homeDir: home });
    try {
      await repo.setFeedback("bob", "jamendo", "track_1", 1);
      await repo.setFeedback("bob", "lastfm-2k", "42", -1);
    } finally {
      await repo.close();
    }
    const r = await run("users", "export", "bob");
    expect(r.status).toBe(0);
    const exported = JSON.parse(r.stdout) as { format: string; user: { id: string }; data: { feedback: unknown[] } };
    expect(exported).toMatchObject({ format: "askmusic-user-export/1", user: { id: "bob" } });
    expect(exported.data.feedback).toHaveLength(2);
    expect(r.stdout).not.toMatch(/token/i);
    const out = path.join(home, "bob.json");
    expect((await run("users", "export", "bob", "--out", out)).status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, "utf8")).data).toEqual(exported.data);

    const del = await run("users", "delete", "bob");
    expect(del.status).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({ deleted: "bob", rows: { feedback: 2, profiles: 0, adapters: 0, conversations: 0, users: 1 } });
    const gone = await run("users", "export", "bob");
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toMatch(/^askmusic: error: unknown user "bob"; must be one of: alice, carol\n$/);
    expect((await run("users", "delete", "bob")).status).not.toBe(0);
    expect((await run("users", "list")).stdout).not.toContain('"bob"');
  });

  it("names an unreachable PostgreSQL server without printing its password", async () => {
    const { status, stderr } = await runCli(["users", "list"], { ASKMUSIC_HOME: home, ASKMUSIC_DATABASE_URL: "postgresql://u:hunter2@127.0.0.1:1/x" });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^askmusic: error: cannot use the state database postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(stderr).not.toContain("hunter2");
  });
});

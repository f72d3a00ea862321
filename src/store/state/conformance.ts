/**
 * @file The one suite every StateRepository implementation passes (called from each implementation's test file).
 */
import { afterEach, describe, expect, it } from "vitest";
import { InputError, NotFoundError } from "../../errors.js";
import { MIGRATIONS, USER_DATA_TABLES } from "./migrations.js";
import type { StateRepository } from "./repository.js";
import { createToken, hashToken } from "./tokens.js";

/** A repository as the suite needs it: the port plus the list of applied migrations. */
export type InspectableStateRepository = StateRepository & { appliedMigrations(): Promise<number[]>; userTables(): Promise<string[]> };

/** An empty database the suite may open several times (to see what survives a restart). */
export interface SuiteDatabase {
  /** A new, not yet migrated repository on this database. */
  open(): InspectableStateRepository | Promise<InspectableStateRepository>;
}

/** What an implementation's test file hands to {@link runStateRepositorySuite}. */
export interface StateSuiteOptions {
  /** Label of the describe block, e.g. "sqlite". */
  readonly name: string;
  /** A fresh, empty database for one test (the test file cleans them up). */
  readonly freshDatabase: () => Promise<SuiteDatabase>;
}

/**
 * Registers the shared contract tests.
 * @example
 * runStateRepositorySuite({ name: "sqlite", freshDatabase: async () => ({ open: () => SqliteStateRepository.open(tmpFile()) }) });
 */
export function runStateRepositorySuite(options: StateSuiteOptions): void {
  const opened: StateRepository[] = [];
  /** A migrated repository on a fresh database, plus a way to open another one on the same database. */
  const setup = async () => {
    const db = await options.freshDatabase();
    const open = async () => {
      const r = await db.open();
      opened.push(r);
      await r.migrate();
      return r;
    };
    return { repo: await open(), reopen: open };
  };
  const user = (id: string, name?: string) => ({ id, tokenHash: hashToken(createToken()), ...(name === undefined ? {} : { name }) });

  afterEach(async () => {
    for (const r of opened.splice(0)) await r.close();
  });

  describe(`StateRepository conformance: ${options.name}`, () => {
    it("reports its kind and answers ping", async () => {
      const { repo } = await setup();
      expect(repo.kind).toBe(options.name);
      await expect(repo.ping()).resolves.toBeUndefined();
    });

    it("creates and gets users, with and without a name", async () => {
      const { repo } = await setup();
      const before = Date.now();
      const alice = await repo.createUser(user("alice", "Alice A."));
      const bob = await repo.createUser(user("bob.b_2-x"));
      expect(alice).toEqual({ id: "alice", name: "Alice A.", createdAt: expect.any(String) });
      expect(bob).toEqual({ id: "bob.b_2-x", createdAt: expect.any(String) });
      expect("name" in bob).toBe(false);
      // ISO-8601 in UTC, taken at the write
      expect(alice.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(alice.createdAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(alice.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await repo.getUser("alice")).toEqual(alice);
      expect(await repo.getUser("bob.b_2-x")).toEqual(bob);
      expect(await repo.getUser("carol")).toBeUndefined();
      expect(await repo.getUser("../etc/passwd")).toBeUndefined();
    });

    it("lists users sorted by id (byte order), empty at first", async () => {
      const { repo } = await setup();
      expect(await repo.listUsers()).toEqual([]);
      for (const id of ["mike", "Zed", "alice", "_x", "bob"]) await repo.createUser(user(id, `name of ${id}`));
      const list = await repo.listUsers();
      expect(list.map((u) => u.id)).toEqual(["Zed", "_x", "alice", "bob", "mike"]);
      expect(list[2]).toEqual({ id: "alice", name: "name of alice", createdAt: expect.any(String) });
    });

    it("rejects a duplicate id with an InputError naming it, keeping the first user and token", async () => {
      const { repo } = await setup();
      const first = user("dup", "First");
      await repo.createUser(first);
      const err = await repo.createUser(user("dup", "Second")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe("id");
      expect((err as Error).message).toMatch(/user "dup" already exists/);
      expect((await repo.getUser("dup"))?.name).toBe("First");
      expect((await repo.findUserByTokenHash(first.tokenHash))?.id).toBe("dup");
      expect(await repo.listUsers()).toHaveLength(1);
    });

    it("lets exactly one of several concurrent creations of the same id win", async () => {
      const { repo } = await setup();
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => repo.createUser(user("race", `n${i}`))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(InputError);
      expect(await repo.listUsers()).toHaveLength(1);
    });

    it("rejects malformed ids, names and token hashes with InputErrors naming the field", async () => {
      const { repo } = await setup();
      const cases: [Parameters<StateRepository["createUser"]>[0], string][] = [
        [{ id: "", tokenHash: hashToken("t") }, "id"],
        [{ id: "a".repeat(65), tokenHash: hashToken("t") }, "id"],
        [{ id: "has space", tokenHash: hashToken("t") }, "id"],
        [{ id: "../up", tokenHash: hashToken("t") }, "id"],
        [{ id: "ok", name: "   ", tokenHash: hashToken("t") }, "name"],
        [{ id: "ok", name: "bell\u0007", tokenHash: hashToken("t") }, "name"],
        [{ id: "ok", tokenHash: "plaintext-token" }, "tokenHash"],
        [{ id: "ok", tokenHash: hashToken("t").toUpperCase() }, "tokenHash"],
      ];
      for (const [input, field] of cases) {
        const err = await repo.createUser(input).catch((e: unknown) => e);
        expect(err, JSON.stringify(input)).toBeInstanceOf(InputError);
        expect((err as InputError).field).toBe(field);
      }
      expect(await repo.listUsers()).toEqual([]);
    });

    it("finds a user by token hash and nobody by another", async () => {
      const { repo } = await setup();
      const tokens = [createToken(), createToken()];
      await repo.createUser({ id: "u1", tokenHash: hashToken(tokens[0]) });
      await repo.createUser({ id: "u2", name: "Two", tokenHash: hashToken(tokens[1]) });
      expect((await repo.findUserByTokenHash(hashToken(tokens[0])))?.id).toBe("u1");
      expect(await repo.findUserByTokenHash(hashToken(tokens[1]))).toEqual(await repo.getUser("u2"));
      expect(await repo.findUserByTokenHash(hashToken(createToken()))).toBeUndefined();
      // the token itself is not the key: only its digest is stored
      expect(await repo.findUserByTokenHash(tokens[0])).toBeUndefined();
      expect(await repo.findUserByTokenHash("")).toBeUndefined();
    });

    it("sets, overwrites and clears feedback", async () => {
      const { repo } = await setup();
      await repo.createUser(user("fan"));
      await repo.setFeedback("fan", "jamendo", "track_1", 1);
      const [liked] = await repo.listFeedback("fan", "jamendo");
      expect(liked).toEqual({ userId: "fan", catalog: "jamendo", itemId: "track_1", value: 1, updatedAt: expect.any(String) });
      expect(liked.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await repo.setFeedback("fan", "jamendo", "track_1", -1);
      const after = await repo.listFeedback("fan", "jamendo");
      expect(after).toHaveLength(1);
      expect(after[0].value).toBe(-1);
      expect(Date.parse(after[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(liked.updatedAt));
      await repo.setFeedback("fan", "jamendo", "track_1", 0);
      expect(await repo.listFeedback("fan", "jamendo")).toEqual([]);
      // clearing what is not there is a no-op, not an error
      await repo.setFeedback("fan", "jamendo", "never-rated", 0);
      expect(await repo.listFeedback("fan", "jamendo")).toEqual([]);
    });

    it("lists feedback most recent first, per user and per catalog", async () => {
      const { repo } = await setup();
      await repo.createUser(user("u"));
      await repo.createUser(user("v"));
      for (const item of ["a", "b", "c"]) await repo.setFeedback("u", "jamendo", item, 1);
      await repo.setFeedback("u", "lastfm-2k", "42", -1);
      await repo.setFeedback("v", "jamendo", "z", 1);
      expect((await repo.listFeedback("u", "jamendo")).map((f) => f.itemId)).toEqual(["c", "b", "a"]);
      // re-rating moves an item to the front even within the same millisecond
      await repo.setFeedback("u", "jamendo", "a", -1);
      expect((await repo.listFeedback("u", "jamendo")).map((f) => `${f.itemId}${f.value}`)).toEqual(["a-1", "c1", "b1"]);
      expect(await repo.listFeedback("u", "lastfm-2k")).toEqual([
        { userId: "u", catalog: "lastfm-2k", itemId: "42", value: -1, updatedAt: expect.any(String) },
      ]);
      expect((await repo.listFeedback("v", "jamendo")).map((f) => f.itemId)).toEqual(["z"]);
      expect(await repo.listFeedback("u", "other")).toEqual([]);
    });

    it("keeps every one of many concurrent feedback writes", async () => {
      const { repo } = await setup();
      await repo.createUser(user("busy"));
      await Promise.all(Array.from({ length: 40 }, (_, i) => repo.setFeedback("busy", "jamendo", `t${i}`, i % 2 === 0 ? 1 : -1)));
      const list = await repo.listFeedback("busy", "jamendo");
      expect(new Set(list.map((f) => f.itemId)).size).toBe(40);
      expect(list.find((f) => f.itemId === "t7")?.value).toBe(-1);
    });

    it("rejects feedback of an unknown user with NotFoundError and stores nothing", async () => {
      const { repo } = await setup();
      const err = await repo.setFeedback("ghost", "jamendo", "t1", 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as Error).message).toMatch(/unknown user "ghost"/);
      await repo.createUser(user("ghost"));
      expect(await repo.listFeedback("ghost", "jamendo")).toEqual([]);
      expect(await repo.listFeedback("nobody", "jamendo")).toEqual([]);
    });

    it("rejects malformed feedback with InputErrors naming the field", async () => {
      const { repo } = await setup();
      await repo.createUser(user("u"));
      const bad: [() => Promise<void>, string][] = [
        [() => repo.setFeedback("u", "jamendo", "t", 2 as never), "value"],
        [() => repo.setFeedback("u", "", "t", 1), "catalog"],
        [() => repo.setFeedback("u", "a/b", "t", 1), "catalog"],
        [() => repo.setFeedback("u", "jamendo", "", 1), "itemId"],
        [() => repo.setFeedback("u", "jamendo", "x".repeat(257), 1), "itemId"],
        [() => repo.setFeedback("u", "jamendo", "line\nbreak", 1), "itemId"],
        [() => repo.setFeedback("bad id", "jamendo", "t", 1), "userId"],
      ];
      for (const [call, field] of bad) {
        const err = await call().catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(InputError);
        expect((err as InputError).field).toBe(field);
      }
      expect(await repo.listFeedback("u", "jamendo")).toEqual([]);
    });

    it("exports everything stored for a user, and nothing of anyone else's, never the token", async () => {
      const { repo } = await setup();
      const alice = user("alice", "Alice");
      await repo.createUser(alice);
      await repo.createUser(user("bob"));
      await repo.setFeedback("alice", "jamendo", "t1", 1);
      await repo.setFeedback("alice", "lastfm-2k", "42", -1);
      await repo.setFeedback("bob", "jamendo", "t1", -1);
      await repo.setProfile("alice", "lastfm-2k", { rock: 0.25 });
      await repo.setProfile("bob", "lastfm-2k", { pop: 1 });
      const exported = await repo.exportUser("alice");
      expect(exported?.user).toEqual({ id: "alice", name: "Alice", createdAt: expect.any(String) });
      const feedback = [...(exported?.data.feedback ?? [])].sort((a, b) => String(a.catalog).localeCompare(String(b.catalog)));
      expect(feedback).toMatchObject([
        { user_id: "alice", catalog: "jamendo", item_id: "t1", value: 1 },
        { user_id: "alice", catalog: "lastfm-2k", item_id: "42", value: -1 },
      ]);
      expect(exported?.data.profiles).toMatchObject([{ user_id: "alice", catalog: "lastfm-2k" }]);
      expect(JSON.stringify(exported?.data.profiles)).toContain("rock");
      expect(JSON.stringify(exported)).not.toContain(alice.tokenHash);
      expect(Object.keys(exported?.data ?? {}).sort()).toEqual(USER_DATA_TABLES.map((t) => t.table).sort());
      expect(await repo.exportUser("ghost")).toBeUndefined();
      expect(await repo.exportUser("bad id")).toBeUndefined();
    });

    it("deletes a user with everything stored for them: their token stops working, others keep theirs", async () => {
      const { repo, reopen } = await setup();
      const alice = user("alice");
      await repo.createUser(alice);
      await repo.createUser(user("bob"));
      for (const item of ["a", "b", "c"]) await repo.setFeedback("alice", "jamendo", item, 1);
      await repo.setFeedback("bob", "jamendo", "a", -1);
      await repo.setProfile("alice", "lastfm-2k", { rock: 0 });
      expect(await repo.deleteUser("alice")).toEqual({ feedback: 3, profiles: 1, adapters: 0, conversations: 0, users: 1 });
      expect(await repo.getProfile("alice", "lastfm-2k")).toEqual({});
      expect(await repo.getUser("alice")).toBeUndefined();
      expect(await repo.findUserByTokenHash(alice.tokenHash)).toBeUndefined();
      expect(await repo.listFeedback("alice", "jamendo")).toEqual([]);
      expect(await repo.exportUser("alice")).toBeUndefined();
      expect(await repo.listFeedback("bob", "jamendo")).toHaveLength(1);
      expect(await repo.deleteUser("alice")).toBeUndefined();
      // Durable: a fresh connection sees the deletion, and the id can be taken again with nothing attached.
      const again = await reopen();
      expect(await again.getUser("alice")).toBeUndefined();
      await again.createUser(user("alice"));
      expect(await again.listFeedback("alice", "jamendo")).toEqual([]);
    });

    it("lists every table holding a user's data in USER_DATA_TABLES, so export and delete reach it", async () => {
      const { repo } = await setup();
      const inspect = repo as InspectableStateRepository;
      expect(await inspect.userTables()).toEqual(USER_DATA_TABLES.map((t) => t.table).sort());
    });

    it("stores profile edits per user and catalog, replaces and clears them, and keeps them across reopen", async () => {
      const { repo, reopen } = await setup();
      await repo.createUser(user("pia"));
      expect(await repo.getProfile("pia", "lastfm-2k")).toEqual({});
      await repo.setProfile("pia", "lastfm-2k", { rock: 0, "female vocalists": 0.25 });
      await repo.setProfile("pia", "jamendo", { jazz: 1 });
      expect(await repo.getProfile("pia", "lastfm-2k")).toEqual({ rock: 0, "female vocalists": 0.25 });
      await repo.setProfile("pia", "lastfm-2k", { pop: 0.5 });
      expect(await repo.getProfile("pia", "lastfm-2k")).toEqual({ pop: 0.5 });
      const again = await reopen();
      expect(await again.getProfile("pia", "lastfm-2k")).toEqual({ pop: 0.5 });
      expect(await again.getProfile("pia", "jamendo")).toEqual({ jazz: 1 });
      await again.setProfile("pia", "lastfm-2k", {});
      expect(await again.getProfile("pia", "lastfm-2k")).toEqual({});
      expect(await again.getProfile("nobody", "lastfm-2k")).toEqual({});
    });

    it("refuses profile edits of an unknown user, a weight outside [0, 1] and a malformed tag, naming them", async () => {
      const { repo } = await setup();
      await repo.createUser(user("quinn"));
      await expect(repo.setProfile("ghost", "lastfm-2k", { rock: 0 })).rejects.toThrow(NotFoundError);
      await expect(repo.setProfile("quinn", "lastfm-2k", { rock: 1.5 })).rejects.toThrow(/the weight of "rock" must be a number in \[0, 1\]/);
      await expect(repo.setProfile("quinn", "lastfm-2k", { "": 0 })).rejects.toThrow(InputError);
      await expect(repo.setProfile("quinn", "lastfm-2k", ["rock"] as never)).rejects.toThrow(/must be an object/);
      await expect(repo.setProfile("quinn", "bad catalog!", { rock: 0 })).rejects.toThrow(InputError);
      expect(await repo.getProfile("quinn", "lastfm-2k")).toEqual({});
    });

    it("stores a user's adapter per catalog and model with its feedback, bumps its version, and keeps it across reopen", async () => {
      const { repo, reopen } = await setup();
      await repo.createUser(user("rae"));
      await repo.createUser(user("sol"));
      expect(await repo.getAdapter("rae", "lastfm-2k", "whitebox")).toBeUndefined();
      const arrays = { "sa/q/a": Float32Array.of(0.5, -1.25, 3e-8), "sa/q/b": Float32Array.of(2) };
      const fb = [{ text: "sad piano", strengthen: ["piano"], weaken: ["sad"], at: "2026-01-01T00:00:00.000Z" }];
      expect(await repo.setAdapter("rae", "lastfm-2k", "whitebox", arrays, fb, 0)).toBe(1);
      expect(await repo.setAdapter("rae", "lastfm-2k", "whitebox", { "sa/q/a": Float32Array.of(1) }, fb, 1)).toBe(2);
      await expect(repo.setAdapter("rae", "lastfm-2k", "whitebox", arrays, fb, 1)).rejects.toThrow(/at version 2, not 1/);
      expect(await repo.setAdapter("rae", "jamendo", "whitebox", arrays, [])).toBe(1);
      const again = await reopen();
      const got = await again.getAdapter("rae", "lastfm-2k", "whitebox");
      expect(got?.version).toBe(2);
      expect(Array.from(got!.arrays["sa/q/a"])).toEqual([1]);
      expect(got?.feedback).toEqual(fb);
      expect(Array.from((await again.getAdapter("rae", "jamendo", "whitebox"))!.arrays["sa/q/a"])).toEqual(Array.from(arrays["sa/q/a"]));
      expect(await again.getAdapter("sol", "lastfm-2k", "whitebox")).toBeUndefined();
      expect(await again.deleteAdapter("rae", "jamendo", "whitebox")).toBe(true);
      expect(await again.getAdapter("rae", "jamendo", "whitebox")).toBeUndefined();
      expect((await again.exportUser("rae"))?.data.adapters).toHaveLength(1);
      expect((await again.deleteUser("rae"))?.adapters).toBe(1);
    });

    it("refuses an adapter of an unknown user, with non-finite values or no arrays, storing nothing", async () => {
      const { repo } = await setup();
      await repo.createUser(user("tam"));
      await expect(repo.setAdapter("ghost", "lastfm-2k", "whitebox", { a: Float32Array.of(1) }, [])).rejects.toThrow(NotFoundError);
      await expect(repo.setAdapter("tam", "lastfm-2k", "whitebox", { a: Float32Array.of(Number.NaN) }, [])).rejects.toThrow(/non-finite/);
      await expect(repo.setAdapter("tam", "lastfm-2k", "whitebox", {}, [])).rejects.toThrow(InputError);
      await expect(repo.setAdapter("tam", "lastfm-2k", "bad model!", { a: Float32Array.of(1) }, [])).rejects.toThrow(InputError);
      expect(await repo.getAdapter("tam", "lastfm-2k", "whitebox")).toBeUndefined();
    });

    it("stores conversations, anonymous or tied to a user, saves them by version, and keeps them across reopen", async () => {
      const { repo, reopen } = await setup();
      await repo.createUser(user("uma"));
      const data = { state: { turn: 0, liked: ["t1"] }, turns: [{ user: "some jazz", answer: ["t1", "t2"] }] };
      const created = await repo.createConversation({ id: "c1", userId: "uma", catalog: "jamendo", data });
      expect(created).toMatchObject({ id: "c1", userId: "uma", catalog: "jamendo", data, version: 1 });
      const anon = await repo.createConversation({ id: "c2", catalog: "lastfm-2k", data: {} });
      expect(anon.userId).toBeUndefined();
      await expect(repo.createConversation({ id: "c1", catalog: "jamendo", data: {} })).rejects.toThrow(/conversation c1 already exists/);
      const next = { ...data, turns: [...data.turns, { user: "more", answer: ["t3"] }] };
      expect(await repo.saveConversation("c1", next, 1)).toBe(2);
      await expect(repo.saveConversation("c1", data, 1)).rejects.toThrow(/at version 2, not 1/);
      const again = await reopen();
      const got = await again.getConversation("c1");
      expect(got).toMatchObject({ id: "c1", userId: "uma", data: next, version: 2 });
      expect(Date.parse(got!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(got!.createdAt));
      expect(await again.getConversation("nope")).toBeUndefined();
      expect(await again.getConversation("bad id!")).toBeUndefined();
      expect((await again.exportUser("uma"))?.data.conversations).toHaveLength(1);
      expect((await again.deleteUser("uma"))?.conversations).toBe(1);
      expect(await again.getConversation("c1")).toBeUndefined();
      expect((await again.getConversation("c2"))?.catalog).toBe("lastfm-2k");
    });

    it("refuses a conversation of an unknown user, a bad id, non-object or oversized data, and saving an unknown one", async () => {
      const { repo } = await setup();
      await expect(repo.createConversation({ id: "c", userId: "ghost", catalog: "jamendo", data: {} })).rejects.toThrow(NotFoundError);
      await expect(repo.createConversation({ id: "bad id!", catalog: "jamendo", data: {} })).rejects.toThrow(InputError);
      await expect(repo.createConversation({ id: "c", catalog: "jamendo", data: [] as never })).rejects.toThrow(/must be a JSON object/);
      await expect(repo.createConversation({ id: "c", catalog: "jamendo", data: { big: "x".repeat(1_000_001) } })).rejects.toThrow(/over 1000000 bytes/);
      await expect(repo.saveConversation("c", {}, 1)).rejects.toThrow(NotFoundError);
      expect(await repo.getConversation("c")).toBeUndefined();
    });

    it("lets exactly one of two racing saves of one conversation land", async () => {
      const { repo } = await setup();
      await repo.createConversation({ id: "race", catalog: "jamendo", data: { n: 0 } });
      const results = await Promise.allSettled([repo.saveConversation("race", { n: 1 }, 1), repo.saveConversation("race", { n: 2 }, 1)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect((await repo.getConversation("race"))?.version).toBe(2);
    });

    it("applies migrations once, in order, idempotently, and keeps data across reopen", async () => {
      const { repo, reopen } = await setup();
      const versions = MIGRATIONS.map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(await repo.appliedMigrations()).toEqual(versions);
      await repo.createUser(user("keep", "Kept"));
      await repo.setFeedback("keep", "jamendo", "t1", 1);
      await repo.migrate();
      await repo.migrate();
      expect(await repo.appliedMigrations()).toEqual(versions);
      await repo.close();
      const again = await reopen();
      expect(await again.appliedMigrations()).toEqual(versions);
      expect((await again.getUser("keep"))?.name).toBe("Kept");
      expect((await again.listFeedback("keep", "jamendo")).map((f) => f.itemId)).toEqual(["t1"]);
    });

    it("lets two repositories on one database migrate at the same time", async () => {
      const { repo, reopen } = await setup();
      const [a, b] = await Promise.all([reopen(), reopen()]);
      await Promise.all([a.migrate(), b.migrate(), repo.migrate()]);
      await a.createUser(user("shared"));
      expect((await b.getUser("shared"))?.id).toBe("shared");
    });
  });
}

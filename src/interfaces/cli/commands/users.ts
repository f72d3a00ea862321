/**
 * @file `askmusic users add <id> [--name N]`, `users list`, `users export <id> [--out file]` and `users delete <id>`:
 * the accounts whose tokens unlock per-user state, and a listener's data given back or erased on request.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { writeFileAtomic } from "../../../core/fs.js";
import { NotFoundError } from "../../../errors.js";
import { checkName, checkUserId } from "../../../store/state/validate.js";

/**
 * Registers `users add` and `users list`. `add` prints the new user with its token as one JSON line on stdout:
 * the only time the token is visible (only its SHA-256 digest is stored). `list` prints one JSON line per user.
 * @example
 * // $ askmusic users add alice --name "Alice"
 * // {"id":"alice","name":"Alice","createdAt":"2026-11-23T03:30:00.000Z","token":"3q2-..."}
 * // $ askmusic users list
 * // {"id":"alice","name":"Alice","createdAt":"2026-11-23T03:30:00.000Z"}
 */
export function registerUsersCommand(program: Command, config: Config): void {
  const users = program.command("users").description("Manage the users whose API tokens unlock their own feedback and state.");
  users
    .command("add")
    .description("Create a user and print its API token (shown this once: keep it).")
    .argument("<id>", "1-64 characters of letters, digits, '.', '_' or '-'")
    .option("--name <name>", "display name")
    .action(async (id: string, options: { name?: string }) => {
      // bad input → one-line error before the database is touched
      checkUserId(id);
      const name = checkName(options.name, "--name");
      const { createToken, hashToken, openStateRepository } = await import("../../../store/state/index.js");
      const repo = await openStateRepository(config);
      try {
        const token = createToken();
        const user = await repo.createUser({ id, ...(name === undefined ? {} : { name }), tokenHash: hashToken(token) });
        process.stdout.write(`${JSON.stringify({ ...user, token })}\n`);
        process.stderr.write(
          `created user "${user.id}" in the ${repo.kind} state; its token is printed above and will not be shown again: ` +
            `send it as "Authorization: Bearer <token>"\n`,
        );
      } finally {
        await repo.close();
      }
    });
  users
    .command("list")
    .description("List users (ids, names, creation times; never tokens).")
    .action(async () => {
      const { openStateRepository } = await import("../../../store/state/index.js");
      const repo = await openStateRepository(config);
      try {
        for (const user of await repo.listUsers()) process.stdout.write(`${JSON.stringify(user)}\n`);
      } finally {
        await repo.close();
      }
    });
  users
    .command("export")
    .description("Print everything stored for a user (account, feedback, and any other per-user state) as JSON.")
    .argument("<id>", "the user's id")
    .option("--out <file>", "write the JSON to this file (atomically) instead of stdout")
    .action(async (id: string, options: { out?: string }) => {
      checkUserId(id);
      const { openStateRepository } = await import("../../../store/state/index.js");
      const repo = await openStateRepository(config);
      try {
        const exported = await repo.exportUser(id);
        if (!exported) throw new NotFoundError("user", id, (await repo.listUsers()).map((u) => u.id));
        const json = `${JSON.stringify({ format: "askmusic-user-export/1", exportedAt: new Date().toISOString(), ...exported }, null, 2)}\n`;
        if (options.out === undefined) process.stdout.write(json);
        else {
          await writeFileAtomic(options.out, json, 0o600);
          process.stderr.write(`exported user "${id}" to ${options.out}\n`);
        }
      } finally {
        await repo.close();
      }
    });
  users
    .command("delete")
    .description("Delete a user and everything stored for them; their token stops working at once.")
    .argument("<id>", "the user's id")
    .action(async (id: string) => {
      checkUserId(id);
      const { openStateRepository } = await import("../../../store/state/index.js");
      const repo = await openStateRepository(config);
      try {
        const deleted = await repo.deleteUser(id);
        if (!deleted) throw new NotFoundError("user", id, (await repo.listUsers()).map((u) => u.id));
        process.stdout.write(`${JSON.stringify({ deleted: id, rows: deleted })}\n`);
      } finally {
        await repo.close();
      }
    });
}

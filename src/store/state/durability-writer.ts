/**
 * @file Child process of the durability test: writes state without end and prints the number of each acknowledged write.
 *
 * Usage: node --import tsx durability-writer.ts sqlite <file> | postgres <url>  <run>
 * Write i creates user `w<run>-<i>` when i % 5 === 4, else likes item `item-<i>` of user `writer` in catalog
 * `durability-<run>` (the run label keeps several runs on one database apart).
 * A line `<i>` is printed only after write i's promise resolved; stdout is a pipe, which Node writes synchronously
 * on Linux, so a printed number is an acknowledgement the parent has received or will receive.
 */
import { InputError } from "../../errors.js";
import type { StateRepository } from "./repository.js";
import { hashToken } from "./tokens.js";

/** Writes in flight at once: several, so a kill lands between commits of different connections too. */
const LANES = 4;

async function openTarget(kind: string, target: string): Promise<StateRepository> {
  if (kind === "sqlite") return (await import("./sqlite/index.js")).SqliteStateRepository.open(target);
  if (kind === "postgres") return (await import("./postgres/index.js")).PostgresStateRepository.open(target, { onIdleError: () => undefined });
  throw new Error(`unknown kind "${kind}": sqlite | postgres`);
}

async function writeForever(repo: StateRepository, run: string, lane: number): Promise<never> {
  for (let i = lane; ; i += LANES) {
    if (i % 5 === 4) await repo.createUser({ id: `w${run}-${i}`, tokenHash: hashToken(`token-${run}-${i}`) });
    else await repo.setFeedback("writer", `durability-${run}`, `item-${i}`, 1);
    process.stdout.write(`${i}\n`);
  }
}

const [kind, target, run] = process.argv.slice(2);
if (!/^[a-z0-9]+$/.test(run ?? "")) throw new Error("usage: durability-writer.ts sqlite|postgres <file|url> <run label [a-z0-9]+>");
const repo = await openTarget(kind, target);
await repo.migrate();
await repo.createUser({ id: "writer", tokenHash: hashToken("writer") }).catch((err: unknown) => {
  if (!(err instanceof InputError)) throw err; // already there from an earlier run
});
process.stdout.write("ready\n");
await Promise.all(Array.from({ length: LANES }, (_, lane) => writeForever(repo, run, lane)));

import { Command } from "commander";
import { resolveConfig } from "./src/config.js";
import { registerIngestCommand } from "./src/interfaces/cli/commands/ingest.js";
const program = new Command("askmusic").exitOverride();
registerIngestCommand(program, resolveConfig(process.env));
try { await program.parseAsync(process.argv.slice(2), { from: "user" }); } catch (e) { console.error("ERR", (e as Error).name, (e as Error).message); process.exitCode = 2; }

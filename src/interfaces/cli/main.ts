/**
 * @file The `askmusic` command line: resolves the config once, registers the commands, turns errors into one line.
 */
import { Command, CommanderError } from "commander";
import { resolveConfig } from "../../config.js";
import { AskmusicError } from "../../errors.js";
import { registerAskCommand } from "./commands/ask.js";
import { registerChatCommand } from "./commands/chat.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerFeedbackCommand } from "./commands/feedback.js";
import { registerIngestCommand } from "./commands/ingest.js";
import { registerProfileCommand } from "./commands/profile.js";
import { registerUsersCommand } from "./commands/users.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerSynthDialogsCommand } from "./commands/synth-dialogs.js";
import { registerTrainCommand } from "./commands/train.js";

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const config = resolveConfig(env);
  const program = new Command("askmusic")
    .description("Natural-language music recommendation: ask for music in your own words.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerIngestCommand(program, config);
  registerEvalCommand(program, config);
  registerFeedbackCommand(program, config);
  registerTrainCommand(program, config);
  registerAskCommand(program, config);
  registerChatCommand(program, config);
  registerDemoCommand(program, config);
  registerUsersCommand(program, config);
  registerProfileCommand(program, config);
  registerServeCommand(program, config);
  registerSynthDialogsCommand(program, config);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, env.ASKMUSIC_DEBUG === "1");
  }
}

/** Prints one line for the user and returns the exit status (2 for bad input or unknown names, 1 otherwise). */
export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or the help text); only map the status.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  if (err instanceof AskmusicError) {
    process.stderr.write(`askmusic: error: ${err.message}\n`);
    return err.code === "model_fit" || err.code === "data" ? 1 : 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`askmusic: unexpected error: ${message.split("\n")[0]} (set ASKMUSIC_DEBUG=1 for the stack)\n`);
  return 1;
}

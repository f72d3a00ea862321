/**
 * @file Test helper: runs the CLI in-process and captures what it writes.
 */
import { vi } from "vitest";
import { main } from "./main.js";

/** Runs `askmusic <argv>` with `env` and returns its exit status and what it wrote to stdout and stderr. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined>): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const status = await main(argv, env);
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * @file Starts `askmusic serve` as a child process on an ephemeral port and resolves with its URL once it listens
 * (shared by the HTTP benchmark and the fuzzer).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** Spawns `askmusic serve --port 0 <extraArgs>`; rejects after 120 s or if the server exits first. */
export async function spawnServe(
  extraArgs: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stderr?: "inherit" | "pipe" } = {},
): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const bin = path.resolve(import.meta.dirname, "../../bin/askmusic.mjs");
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...extraArgs], {
    stdio: ["ignore", "pipe", options.stderr ?? "inherit"],
    env: options.env ?? process.env,
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start within 120 s")), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /serving the web app at (http:\/\/\S+?)\/ /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace("localhost", "127.0.0.1"));
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code} before listening${err ? `: ${err}` : ""}`)));
  });
  return { url, child, stderr: () => err };
}

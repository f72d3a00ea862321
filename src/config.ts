/**
 * @file Resolves the environment and flags into one frozen Config, once, at the edge. Nothing below reads process.env.
 */
import path from "node:path";

/** Where data comes from and where built state goes. */
export interface Config {
  /** Read-only mirror of the public datasets (`ASKMUSIC_DATA`, default `../shared/data`). */
  readonly dataDir: string;
  /** Fixed benchmark splits and features (`ASKMUSIC_BENCHMARKS`, default `../shared/benchmarks`). */
  readonly benchmarksDir: string;
  /** Built state: catalogs, caches, models (`ASKMUSIC_HOME`, default `./.askmusic`). */
  readonly homeDir: string;
  /** Missing upstream files: try downloading into `homeDir/downloads` ("auto", default) or fail at once ("never"). */
  readonly download: "auto" | "never";
  /** PostgreSQL URL for application state (`ASKMUSIC_DATABASE_URL`); unset → SQLite at `homeDir/state.db`. */
  readonly databaseUrl?: string;
}

/** Builds the Config from an environment map (pass `process.env` at the edge) and a working directory. */
export function resolveConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const abs = (p: string) => path.resolve(cwd, p);
  return Object.freeze({
    dataDir: abs(env.ASKMUSIC_DATA ?? "../shared/data"),
    benchmarksDir: abs(env.ASKMUSIC_BENCHMARKS ?? "../shared/benchmarks"),
    homeDir: abs(env.ASKMUSIC_HOME ?? "./.askmusic"),
    download: env.ASKMUSIC_DOWNLOAD === "never" ? "never" : "auto",
    // An empty value means "not set", as shells make it easy to export one by accident.
    ...(env.ASKMUSIC_DATABASE_URL ? { databaseUrl: env.ASKMUSIC_DATABASE_URL } : {}),
  });
}

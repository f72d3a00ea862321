/**
 * @file Live catalog rebuilds: the server polls each served catalog's current version and, when a rebuild swapped
 * it, opens the new version (with its model), serves it, and closes the old one after a grace period, which
 * releases its lease so the next build can delete it. A failed reload keeps the old version served and is retried.
 */
import type { Catalog } from "../../store/catalog.js";
import type { ServingModel } from "../../ranking/serving-model.js";
import type { Served } from "./routes.js";

/** Where the server finds new versions of its catalogs (serve.ts: the LanceDB catalogs of ASKMUSIC_HOME). */
export interface CatalogSource {
  /** The version a fresh open would serve now (the CURRENT pointer), or undefined when there is none. */
  currentVersion(name: string): Promise<string | undefined>;
  /** Opens the current version of a catalog, with the model that should rank it and the trained models listed. */
  open(name: string): Promise<{ catalog: Catalog; model?: ServingModel; models?: readonly string[] }>;
}

/** Options of {@link startReloader}. */
export interface ReloadOptions {
  readonly source: CatalogSource;
  /** How often the current versions are checked. [intervalMs=2000] */
  readonly intervalMs?: number;
  /**
   * How long a replaced version stays open for requests that started on it (the server's request timeout is
   * 30 s). [graceMs=30000]
   */
  readonly graceMs?: number;
}

/** A running reloader. */
export interface Reloader {
  /** Checks every catalog once now (tests; the timer calls it too). Resolves when done. */
  check(): Promise<void>;
  /** Stops polling and closes every catalog it replaced or serves (the server owns them once reloading). */
  stop(): Promise<void>;
}

/**
 * Starts polling. `serve` turns an opened version into what the routes serve (ranker + models); `served` is
 * updated in place, so the next request sees the new version.
 */
export function startReloader(
  served: Map<string, Served>,
  serve: (opened: Awaited<ReturnType<CatalogSource["open"]>>) => Promise<Served>,
  options: ReloadOptions,
  log: { warn(message: string): void; info(message: string): void },
): Reloader {
  const retiring = new Set<{ catalog: Catalog; timer: NodeJS.Timeout }>();
  let running: Promise<void> | undefined;
  let stopped = false;

  const close = (catalog: Catalog) => {
    try {
      catalog.close();
    } catch (err) {
      log.warn(`closing a replaced version of catalog "${catalog.name}" failed: ${(err as Error).message}`);
    }
  };

  async function checkOne(name: string): Promise<void> {
    const current = served.get(name);
    if (!current) return;
    const version = await options.source.currentVersion(name);
    if (version === undefined || version === current.catalog.info().version) return;
    const opened = await options.source.open(name);
    let next: Served;
    try {
      next = await serve(opened);
    } catch (err) {
      close(opened.catalog);
      throw err;
    }
    if (stopped) {
      close(next.catalog);
      return;
    }
    served.set(name, next);
    log.info(`catalog "${name}": now serving ${next.catalog.info().version} (was ${current.catalog.info().version})`);
    const entry = { catalog: current.catalog, timer: setTimeout(() => (retiring.delete(entry), close(entry.catalog)), options.graceMs ?? 30_000) };
    entry.timer.unref();
    retiring.add(entry);
  }

  const check = (): Promise<void> => {
    running ??= (async () => {
      for (const name of [...served.keys()]) {
        try {
          await checkOne(name);
        } catch (err) {
          // The old version stays served (its lease keeps it on disk); the next tick retries.
          log.warn(`catalog "${name}": reloading its new version failed, still serving the old one: ${(err as Error).message}`);
        }
      }
    })().finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => void check(), options.intervalMs ?? 2000);
  timer.unref();

  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      for (const entry of retiring) {
        clearTimeout(entry.timer);
        close(entry.catalog);
      }
      retiring.clear();
      for (const { catalog } of served.values()) close(catalog);
    },
  };
}

import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { resolveConfig } from "../../../config.js";
import { NotFoundError } from "../../../errors.js";
import { INGEST_SOURCES as STORE_SOURCES } from "../../../store/ingest.js";
import { INGEST_SOURCES, registerIngestCommand } from "./ingest.js";

describe("askmusic ingest", () => {
  it("rejects an unknown catalog before loading anything, listing the known ones", async () => {
    const program = new Command("askmusic").exitOverride();
    registerIngestCommand(program, resolveConfig({ ASKMUSIC_HOME: "/nonexistent-askmusic-home" }));
    const err = await program.parseAsync(["ingest", "spotify"], { from: "user" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('unknown catalog source "spotify"; must be one of: jamendo, lastfm-2k');
  });
  it("lists exactly the sources the store can build (the CLI keeps its own copy so --help loads no LanceDB)", () => {
    expect([...INGEST_SOURCES]).toEqual([...STORE_SOURCES]);
  });
});

/**
 * @file Progress output: plain throttled lines off a terminal, a cli-progress bar per phase on one.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressPrinter } from "./progress.js";

function capture(tty: boolean) {
  const stream = Object.assign(new PassThrough(), tty ? { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } : {});
  let out = "";
  stream.on("data", (d: Buffer) => (out += d.toString()));
  return { stream, out: () => out };
}

describe("progressPrinter", () => {
  it("prints throttled plain lines when not on a terminal, and always the last one", () => {
    const c = capture(false);
    const p = progressPrinter(c.stream, 60_000);
    p("encoding", 1, 4);
    p("encoding", 2, 4); // throttled
    p("encoding", 4, 4);
    expect(c.out()).toBe("encoding: 1/4 (25%)\nencoding: 4/4 (100%)\n");
  });

  it("draws a bar per phase on a terminal and finishes it at 100%", () => {
    const c = capture(true);
    const p = progressPrinter(c.stream);
    p("encoding", 0, 10);
    p("encoding", 10, 10);
    p("writing rows", 5, 5);
    expect(c.out()).toContain("encoding [");
    expect(c.out()).toContain("100% 10/10");
    expect(c.out()).toContain("writing rows [");
  });
});

/**
 * @file Keeps the layering of DESIGN.md true: a module never imports from a layer above its own.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Lower index = lower layer. `conversation` (dialogue understanding and state) builds on ranking. `evaluation`
// sits beside them: it may import everything below interfaces, and nothing outside interfaces imports it.
const LAYERS = ["core", "datasets", "representations", "store", "domains", "models", "ranking", "conversation", "evaluation", "interfaces"];
const ROOT_FILES: Record<string, number> = { errors: 0, config: 0 };

function layerOf(file: string): number {
  const rel = path.relative(path.join(import.meta.dirname), file).split(path.sep);
  if (rel.length === 1) return ROOT_FILES[rel[0].replace(/\.(ts|js)$/, "")] ?? LAYERS.length;
  const index = LAYERS.indexOf(rel[0]);
  return index < 0 ? LAYERS.length : index;
}

function sourceFiles(dir: string, tests = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, tests);
    return full.endsWith(".ts") && full.endsWith(".test.ts") === tests ? [full] : [];
  });
}

describe("architecture", () => {
  it("no module imports from a higher layer", () => {
    const violations: string[] = [];
    for (const file of sourceFiles(import.meta.dirname)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
        const target = path.resolve(path.dirname(file), match[1]);
        if (layerOf(target) > layerOf(file)) {
          violations.push(`${path.relative(import.meta.dirname, file)} imports ${match[1]}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
  it("tests name no absolute path of a particular machine (data comes from ASKMUSIC_* or ../shared)", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(import.meta.dirname, true)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/["'`](\/(?:work|home|root|tmp|Users|mnt|srv)\/[^"'`]*)["'`]/g)) {
        offenders.push(`${path.relative(import.meta.dirname, file)}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
  it("knows every top-level folder", () => {
    const folders = readdirSync(import.meta.dirname).filter((n) => statSync(path.join(import.meta.dirname, n)).isDirectory());
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([]);
  });
});

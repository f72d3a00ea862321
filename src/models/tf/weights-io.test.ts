import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataError } from "../../errors.js";
import { loadArrays, saveArrays } from "./weights-io.js";

describe("weights-io", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-weights-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("round-trips named arrays bit for bit", async () => {
    const w = Float32Array.from([1.5, -2, 3e-8, Math.PI, 0, 7]);
    await saveArrays(dir, { format: "x@1" }, [{ name: "a/w0", shape: [2, 3], data: w }, { name: "a/b0", shape: [1], data: Float32Array.of(9) }]);
    const { meta, arrays } = await loadArrays(dir);
    expect(meta).toEqual({ format: "x@1" });
    expect(arrays.get("a/w0")?.shape).toEqual([2, 3]);
    expect(Array.from(arrays.get("a/w0")!.data)).toEqual(Array.from(w));
    expect(Array.from(arrays.get("a/b0")!.data)).toEqual([9]);
    expect((await fs.readdir(dir)).sort()).toEqual(["model.json", "weights.f32"]);
  });

  it("names the file when it is missing or truncated", async () => {
    await expect(loadArrays(dir)).rejects.toThrow(/model\.json/);
    await saveArrays(dir, {}, [{ name: "w", shape: [4], data: new Float32Array(4) }]);
    await fs.writeFile(path.join(dir, "weights.f32"), new Uint8Array(8));
    const err = await loadArrays(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(String(err)).toMatch(/weights\.f32 has 8 bytes, its manifest expects 16/);
  });

  it("rejects a shape that does not match the data", async () => {
    await expect(saveArrays(dir, {}, [{ name: "w", shape: [3], data: new Float32Array(4) }])).rejects.toThrow(/shape \[3\]/);
  });
});

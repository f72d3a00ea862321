import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseNpy, readNpy, toNpy } from "./npy.js";
import { fromRows } from "../core/matrix.js";
import { DataError } from "../errors.js";
import { realDataDirs } from "../datasets/testing.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Builds .npy bytes by hand with any header, version and payload. */
function npy(header: string, payload: Buffer, major = 1): Buffer {
  const lenBytes = major === 1 ? 2 : 4;
  const pre = Buffer.alloc(8 + lenBytes);
  MAGIC.copy(pre, 0);
  pre[6] = major;
  if (major === 1) pre.writeUInt16LE(header.length, 8);
  else pre.writeUInt32LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, "latin1"), payload]);
}
const f32 = (...xs: number[]) => Buffer.from(Float32Array.from(xs).buffer);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-npy-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("parseNpy", () => {
  it("reads a v1 2-D <f4 array in C order", () => {
    const m = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", f32(1, 2, 3, 4, 5, 6)), "x.npy");
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads a v2 header and a 1-D array as one column", () => {
    const m = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", f32(7, 8, 9), 2), "y.npy");
    expect([m.rows, m.cols]).toEqual([3, 1]);
    expect(Array.from(m.data)).toEqual([7, 8, 9]);
  });

  it.each([
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }\n", f32(1, 2), /dtype is '<f8'/],
    ["{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }\n", f32(1), /dtype is '>f4'/],
    ["{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }\n", f32(1), /Fortran order/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", f32(1, 2, 3), /needs 16/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }\n", f32(1), /3 dimensions/],
  ])("rejects %s with a DataError naming the file", (header, payload, msg) => {
    const call = () => parseNpy(npy(header, payload), "bad.npy");
    expect(call).toThrow(DataError);
    expect(call).toThrow(/bad\.npy/);
    expect(call).toThrow(msg);
  });

  it("rejects non-npy bytes", () => {
    expect(() => parseNpy(Buffer.from("hello world, not numpy"), "z.npy")).toThrow(/bad magic/);
  });
});

describe("readNpy", () => {
  it("round-trips toNpy through a file", async () => {
    const m = fromRows([[1.5, -2], [3, 4.25], [0, 1e-7]]);
    const file = path.join(dir, "m.npy");
    await fs.writeFile(file, toNpy(m));
    const back = await readNpy(file);
    expect([back.rows, back.cols]).toEqual([3, 2]);
    expect(back.data).toEqual(m.data);
    expect(((await fs.stat(file)).size - 6 * 4) % 64).toBe(0);
  });

  it("names a missing file", async () => {
    await expect(readNpy(path.join(dir, "missing.npy"))).rejects.toThrow(/missing\.npy/);
  });

  it("reads the benchmark's item_cf.npy", async () => {
    const bench = realDataDirs().benchmarks;
    const m = await readNpy(path.join(bench, "lfm2k-tagq/features/item_cf.npy"));
    expect([m.rows, m.cols]).toEqual([17632, 64]);
    expect(m.data.every(Number.isFinite)).toBe(true);
  });
});

/**
 * @file Reads NumPy `.npy` files holding a 2-D little-endian float32 C-order array (how the benchmark ships features).
 */
import { promises as fs } from "node:fs";
import { matrix, type Matrix } from "../core/matrix.js";
import { DataError } from "../errors.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

/**
 * Parses `.npy` bytes (format v1, v2 or v3 header; dtype `<f4`; `fortran_order: False`; 1-D or 2-D shape).
 * A 1-D array becomes a single column. Anything else throws a DataError naming `file`.
 */
export function parseNpy(buf: Buffer, file: string): Matrix {
  const fail = (what: string) =>
    new DataError(`${file}: ${what}; expected a .npy array of dtype '<f4' in C order (save with np.save(path, a.astype('<f4')))`, { path: file });
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw fail("not a .npy file (bad magic)");
  const major = buf[6];
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw fail("truncated header");
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw fail(`unsupported .npy format version ${major}`);
  }
  if (headerStart + headerLen > buf.length) throw fail("truncated header");
  const header = buf.toString(major === 3 ? "utf8" : "latin1", headerStart, headerStart + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw fail(`unreadable header ${JSON.stringify(header.trim())}`);
  if (descr !== "<f4") throw fail(`dtype is '${descr}'`);
  if (fortran !== "False") throw fail("array is in Fortran order");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw fail(`bad shape (${shapeText})`);
  if (shape.length < 1 || shape.length > 2) throw fail(`array has ${shape.length} dimensions, expected 1 or 2`);
  const [rows, cols] = shape.length === 2 ? shape : [shape[0], 1];
  const dataStart = headerStart + headerLen;
  const expected = rows * cols * 4;
  if (buf.length - dataStart !== expected) {
    throw fail(`data has ${buf.length - dataStart} bytes, shape (${shape.join(", ")}) needs ${expected}`);
  }
  // Copy into a fresh, aligned buffer: the file Buffer's data offset need not be a multiple of 4.
  const data = new Float32Array(rows * cols);
  Buffer.from(data.buffer).set(buf.subarray(dataStart));
  return matrix(rows, cols, data);
}

/**
 * Reads a `.npy` file into a Matrix (rows = first axis).
 * @example const m = await readNpy("features/item_cf.npy"); // m.rows === 17632, m.cols === 64
 */
export async function readNpy(file: string): Promise<Matrix> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (err) {
    throw new DataError(`cannot read ${file}: ${(err as Error).message}`, { path: file, cause: err });
  }
  return parseNpy(buf, file);
}

/** Serializes a Matrix as `.npy` v1 (`<f4`, C order): for tests and for exporting features. */
export function toNpy(m: Matrix): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // Pad so that magic + version + len + header + "\n" is a multiple of 64, as NumPy does.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = Buffer.alloc(10 + header.length + m.data.byteLength);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, "latin1");
  Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).copy(out, 10 + header.length);
  return out;
}

/**
 * @file A deterministic hash-based TextEncoder for tests: no weights, a few dimensions, counts its calls.
 */
import { createHash } from "node:crypto";
import { matrix, type Matrix } from "../core/matrix.js";
import type { TextEncoder } from "./text-encoder.js";

/** A fake encoder that also records how it was called. */
export interface FakeEncoder extends TextEncoder {
  /** Number of `encode` calls so far. */
  calls: number;
  /** Every text passed to `encode`, in call order. */
  readonly seen: string[];
}

/**
 * Each text maps to a fixed unit vector derived from sha256(text), so equal texts give equal rows and tests can
 * predict outputs without loading a model.
 * @example const enc = fakeEncoder(8); (await enc.encode(["a"])).cols // 8
 */
export function fakeEncoder(dims = 8, id = `fake-${dims}@1`): FakeEncoder {
  const enc: FakeEncoder = {
    id,
    dims,
    calls: 0,
    seen: [],
    async encode(texts: readonly string[]): Promise<Matrix> {
      enc.calls++;
      enc.seen.push(...texts);
      const out = matrix(texts.length, dims);
      texts.forEach((t, i) => out.data.set(fakeVector(t, dims), i * dims));
      return out;
    },
  };
  return enc;
}

/** The vector {@link fakeEncoder} gives `text`: unit norm, deterministic. */
export function fakeVector(text: string, dims = 8): Float32Array {
  const v = new Float32Array(dims);
  let block = Buffer.alloc(0);
  for (let j = 0; j < dims; j++) {
    if (j % 16 === 0) block = createHash("sha256").update(`${text}#${j / 16}`).digest();
    v[j] = block.readUInt16LE((j % 16) * 2) / 65535 - 0.5;
  }
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.max(Math.sqrt(n), 1e-10);
  for (let j = 0; j < dims; j++) v[j] /= n;
  return v;
}

/**
 * @file Saves and loads named float32 arrays as one JSON manifest + one raw little-endian Float32 file.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../core/fs.js";
import { DataError } from "../../errors.js";

/** One named array with its shape. */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const ManifestSchema = z.object({
  meta: z.record(z.unknown()),
  weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), offset: z.number().int().nonnegative() })),
  totalFloats: z.number().int().nonnegative(),
});

const isLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Writes `weights.f32` then `model.json` (the manifest goes last, so a crash never leaves a manifest that points
 * at a half-written weight file); each file is written atomically.
 * @example await saveArrays(dir, { format: "askmusic/talkrec@1" }, [{ name: "w", shape: [2], data: Float32Array.of(1, 2) }])
 */
export async function saveArrays(dir: string, meta: Record<string, unknown>, arrays: readonly NamedArray[]): Promise<void> {
  if (!isLittleEndian) throw new Error("saving weights needs a little-endian machine");
  let offset = 0;
  const entries = arrays.map((a) => {
    const size = a.shape.reduce((p, n) => p * n, 1);
    if (size !== a.data.length) throw new RangeError(`array ${a.name}: shape [${a.shape.join(", ")}] has ${size} values, data has ${a.data.length}`);
    const e = { name: a.name, shape: [...a.shape], offset };
    offset += size;
    return e;
  });
  const all = new Float32Array(offset);
  arrays.forEach((a, i) => all.set(a.data, entries[i].offset));
  await writeFileAtomic(path.join(dir, "weights.f32"), new Uint8Array(all.buffer));
  await writeFileAtomic(path.join(dir, "model.json"), JSON.stringify({ meta, weights: entries, totalFloats: offset }, null, 2));
}

/** Reads what {@link saveArrays} wrote. Throws DataError naming the file when it is missing or inconsistent. */
export async function loadArrays(dir: string): Promise<{ meta: Record<string, unknown>; arrays: Map<string, NamedArray> }> {
  const manifestFile = path.join(dir, "model.json");
  const weightsFile = path.join(dir, "weights.f32");
  const raw = await fs.readFile(manifestFile, "utf8").catch((cause) => {
    throw new DataError(`cannot read ${manifestFile}: save a model into ${dir} first`, { path: manifestFile, cause });
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new DataError(`${manifestFile} is not valid JSON`, { path: manifestFile, cause });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw new DataError(`${manifestFile} is not a weights manifest: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`, { path: manifestFile });
  const bytes = await fs.readFile(weightsFile).catch((cause) => {
    throw new DataError(`cannot read ${weightsFile} (listed by ${manifestFile})`, { path: weightsFile, cause });
  });
  const expectedBytes = parsed.data.totalFloats * 4;
  if (bytes.length !== expectedBytes) {
    throw new DataError(`${weightsFile} has ${bytes.length} bytes, its manifest expects ${expectedBytes}: save the model again`, { path: weightsFile, expected: String(expectedBytes), actual: String(bytes.length) });
  }
  // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
  const all = new Float32Array(new Uint8Array(bytes).buffer);
  const arrays = new Map<string, NamedArray>();
  for (const w of parsed.data.weights) {
    const size = w.shape.reduce((p, n) => p * n, 1);
    if (w.offset + size > all.length) throw new DataError(`${manifestFile}: array ${w.name} runs past the end of ${weightsFile}`, { path: manifestFile });
    arrays.set(w.name, { name: w.name, shape: w.shape, data: all.slice(w.offset, w.offset + size) });
  }
  return { meta: parsed.data.meta, arrays };
}

/** What {@link loadModelArrays} read: the validated meta and the arrays, with a reader that checks shapes. */
export interface LoadedModel<M> {
  readonly meta: M;
  /** The manifest's path, for messages. */
  readonly file: string;
  readonly arrays: ReadonlyMap<string, NamedArray>;
  /** The data of array `name`, which must have `shape`; otherwise a DataError naming the file. */
  need(name: string, shape: readonly number[]): Float32Array;
}

/**
 * Reads what {@link saveArrays} wrote for a model whose meta must parse with `schema` (it names its `format`); a
 * missing file, another format or a missing field is a DataError naming the file and what is wrong.
 * @example const { meta, need } = await loadModelArrays(dir, MetaSchema, "askmusic/talkrec-serving@1"); need("items", [n, d])
 */
export async function loadModelArrays<S extends z.ZodTypeAny>(dir: string, schema: S, format: string): Promise<LoadedModel<z.output<S>>> {
  const { meta: raw, arrays } = await loadArrays(dir);
  const file = path.join(dir, "model.json");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DataError(`${file} is not a ${format} model: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`, { path: file, expected: format });
  const need = (name: string, shape: readonly number[]): Float32Array => {
    const a = arrays.get(name);
    if (a === undefined || a.shape.join("x") !== shape.join("x")) {
      throw new DataError(`${file}: array ${name} is ${a === undefined ? "missing" : `shaped [${a.shape}]`}, expected [${shape}]`, { path: file });
    }
    return a.data;
  };
  return { meta: parsed.data as z.output<S>, file, arrays, need };
}

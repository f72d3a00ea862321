/**
 * @file The white-box encoder's parameter names, shapes and LoRA targets, without TF.js (the serving form reads them).
 */
import { DataError } from "../../errors.js";
import type { AdapterHandle } from "../recommender.js";

/** Sizes of the encoder. */
export interface EncoderShape {
  /** Size of the frozen input word vectors (512 for USE-lite). */
  readonly inputDims: number;
  /** Model width d (split over `heads`). */
  readonly width: number;
  readonly heads: number;
  /** Output size: the query vector the ranker takes the inner product of. */
  readonly outputDims: number;
}

/** Parameter names in a fixed order (save/load keys). */
export const ENCODER_PARAMS = [
  "in/w", "in/b", "sa/q", "sa/k", "sa/v", "sa/o", "ln1/g", "ln1/b", "ff/w1", "ff/b1", "ff/w2", "ff/b2", "ln2/g", "ln2/b",
  "pool/q", "pool/k", "pool/v", "out/w", "out/b",
] as const;
export type EncoderParam = (typeof ENCODER_PARAMS)[number];

/** The projections a per-user adapter may change: attention only (never values, feed-forward or output). */
export const LORA_TARGETS = ["sa/q", "sa/k", "pool/k"] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** The shape of one encoder parameter. */
export function shapeOf(p: EncoderParam, s: EncoderShape): number[] {
  const d = s.width;
  switch (p) {
    case "in/w": return [s.inputDims, d];
    case "ff/w1": return [d, 2 * d];
    case "ff/b1": return [2 * d];
    case "ff/w2": return [2 * d, d];
    case "out/w": return [d, s.outputDims];
    case "out/b": return [s.outputDims];
    case "sa/q": case "sa/k": case "sa/v": case "sa/o": case "pool/k": case "pool/v": return [d, d];
    default: return [d]; // biases, layer-norm gains and offsets, the pooling query
  }
}


/** One target's LoRA factors as plain arrays: A (d x r) and B (r x d), row-major. */
export type LoraFactors = Partial<Record<LoraTarget, { readonly a: Float32Array; readonly b: Float32Array }>>;

/**
 * The LoRA factors of an adapter (arrays `${target}/a` and `${target}/b`) for the targets it has. A malformed
 * adapter is a DataError (it comes from the state store).
 * @example adapterFactors({ user: "ann", model: "whitebox", version: 1, arrays: { "pool/k/a": a, "pool/k/b": b } }, 64) // { "pool/k": { a, b } }
 */
export function adapterFactors(adapter: AdapterHandle, width: number): LoraFactors {
  const out: Record<string, { a: Float32Array; b: Float32Array }> = {};
  for (const target of LORA_TARGETS) {
    const a = adapter.arrays[`${target}/a`];
    const b = adapter.arrays[`${target}/b`];
    if (a === undefined && b === undefined) continue;
    if (a === undefined || b === undefined || a.length % width !== 0 || a.length !== b.length) {
      throw new DataError(`whitebox adapter of user ${adapter.user} (version ${adapter.version}): ${target} factors are malformed (${a?.length ?? "missing"} / ${b?.length ?? "missing"} values for width ${width})`, { path: `adapter:${adapter.user}` });
    }
    out[target] = { a, b };
  }
  return out as LoraFactors;
}

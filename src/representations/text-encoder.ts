/**
 * @file The text encoder contract: texts in, one row per text out. Implementations record their own identity.
 */
import type { Matrix } from "../core/matrix.js";

/** Encodes texts into fixed-size vectors. `id` names model and version; it keys every cache and vector table. */
export interface TextEncoder {
  /** Stable identity, e.g. "use-lite-512@energetic-ai-0.2.0". Changing the model must change the id. */
  readonly id: string;
  readonly dims: number;
  /** rows = texts (same order), cols = dims. */
  encode(texts: readonly string[]): Promise<Matrix>;
  dispose?(): void;
}

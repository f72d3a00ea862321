/**
 * @file JAM's frozen inputs: each modality block scaled to mean row norm 1 and, when wider than `inputDims`,
 * reduced by a fixed PCA (then rescaled); the transform is data so a saved model re-applies it exactly.
 */
import { matrix, meanRowNorm, type Matrix } from "../../core/matrix.js";
import { applyPca, fitPca, type Pca } from "./pca.js";

/** How one frozen block becomes a model input: x / scale, then optionally PCA, then / post. */
export interface InputTransform {
  readonly scale: number;
  readonly pca?: Pca;
  readonly post: number;
}


function scaled(m: Matrix, by: number): Matrix {
  const out = matrix(m.rows, m.cols);
  for (let i = 0; i < m.data.length; i++) out.data[i] = m.data[i] / by;
  return out;
}

/**
 * Fits the transform of one block: scale to mean row norm 1 (cf norms ~10 would otherwise drown USE's ~1), and
 * when `inputDims` > 0 and the block is wider, a seeded PCA to `inputDims` columns rescaled to mean norm 1.
 * @example fitTransform(itemsTagtext, 128, 1).pca?.components.cols // 128
 */
export function fitTransform(m: Matrix, inputDims: number, seed: number): InputTransform {
  const scale = meanRowNorm(m);
  if (inputDims <= 0 || m.cols <= inputDims || m.rows < 2) return { scale, post: 1 };
  const x = scaled(m, scale);
  const pca = fitPca(x, inputDims, seed);
  return { scale, pca, post: meanRowNorm(applyPca(x, pca)) };
}

/** Applies a fitted transform: rows = m.rows, cols = the PCA size or m.cols. */
export function applyTransform(m: Matrix, t: InputTransform): Matrix {
  const x = scaled(m, t.scale);
  return t.pca === undefined ? x : scaled(applyPca(x, t.pca), t.post);
}

/** Width after the transform, given the raw width. */
export function transformedDims(rawCols: number, t: InputTransform): number {
  return t.pca === undefined ? rawCols : t.pca.components.cols;
}

/**
 * Standardised log(1 + popularity) (mean 0, std 1; all zeros when popularity is constant): the popularity prior
 * fed to the item bias. Computed from `domain.items.popularity`, i.e. training data only.
 */
export function popularityFeature(popularity: Float32Array): Float32Array {
  const n = popularity.length;
  const x = Float32Array.from(popularity, (p) => Math.log1p(Math.max(p, 0)));
  let mean = 0;
  for (const v of x) mean += v / Math.max(n, 1);
  let varSum = 0;
  for (const v of x) varSum += (v - mean) ** 2;
  const std = Math.sqrt(varSum / Math.max(n, 1));
  return Float32Array.from(x, (v) => (std > 1e-8 ? (v - mean) / std : 0));
}

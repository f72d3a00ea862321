/**
 * @file Fast ops for TF.js on WASM: matMul whose gradient avoids the transposed-matMul kernels (~10x slower there).
 */
import { tf } from "./backend.js";

/**
 * a·b (rows of a × cols of b), differentiable. TF.js's own matMul gradient calls matMul with transposeA/transposeB,
 * which the WASM backend runs ~10x slower than a plain matMul (measured: 1024x576 ᵀ· 1024x128 takes 47 ms vs
 * 8.5 ms as transpose + matMul); this gradient transposes explicitly instead. Use it for every trained matMul.
 * @example matMulFast(tf.ones([2, 3]), tf.ones([3, 4])).shape // [2, 4]
 */
export const matMulFast: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  ((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as tf.Tensor2D[];
        return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
      },
    };
  }) as never,
) as never;

/** a·bᵀ through {@link matMulFast} (an explicit transpose, then the fast kernel). */
export function matMulTransposeB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulFast(a, tf.transpose(b));
}

/**
 * x·w where x is a constant input (frozen features): the gradient flows to w only, so the backward pass skips
 * the dx = dy·wᵀ product (as large as the forward matMul) that {@link matMulFast} would compute and discard.
 * @example matMulConstA(tf.ones([2, 3]), tf.variable(tf.ones([3, 4]))).shape // [2, 4]
 */
export const matMulConstA: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  ((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx] = saved as tf.Tensor2D[];
        return [tf.zerosLike(sx), tf.matMul(tf.transpose(sx), dy)];
      },
    };
  }) as never,
) as never;

/**
 * Rows `indices` of x (rows = indices.length), differentiable on the WASM backend: tf.gather's gradient needs
 * UnsortedSegmentSum, which that backend lacks, so the gradient (a scatter-add of dy into x's rows) is done in
 * JS. Costs one device→JS copy of dy; fine for the few-thousand-row tensors of a training step.
 * @example gatherRows(tf.tensor2d([[1], [2]]), Int32Array.of(1, 1, 0)).arraySync() // [[2], [2], [1]]
 */
export function gatherRows(x: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  const [rows, cols] = x.shape;
  const op = tf.customGrad(((input: tf.Tensor2D) => ({
    value: tf.gather(input, tf.tensor1d(indices, "int32")),
    gradFunc: (dy: tf.Tensor2D) => {
      const g = dy.dataSync();
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < indices.length; i++) {
        const src = i * cols;
        const dst = indices[i] * cols;
        for (let j = 0; j < cols; j++) out[dst + j] += g[src + j];
      }
      return tf.tensor2d(out, [rows, cols]);
    },
  })) as never) as (input: tf.Tensor2D) => tf.Tensor2D;
  return op(x);
}

import { describe, expect, it } from "vitest";
import { tfReady, type tf as TF } from "./backend.js";
import { gatherRows, matMulConstA } from "./ops.js";

describe("ops used by JAM", () => {
  it("gatherRows: values as tf.gather, gradient = scatter-add of dy into the gathered rows", async () => {
    const tf = await tfReady();
    const x = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
    const idx = Int32Array.of(2, 0, 2);
    expect(tf.tidy(() => gatherRows(x, idx).arraySync())).toEqual([[5, 6], [1, 2], [5, 6]]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(gatherRows(x, idx), tf.tensor2d([[1, 1], [2, 2], [3, 3]]))) as TF.Scalar, [x]);
    // row 0 gets dy row 1 (2, 2); row 2 gets rows 0 + 2 (1 + 3); row 1 is never gathered.
    expect(grads[x.name].arraySync()).toEqual([[2, 2], [0, 0], [4, 4]]);
    Object.values(grads).forEach((g) => g.dispose());
    x.dispose();
  });

  it("matMulConstA: x·w with the gradient xᵀ·dy for w", async () => {
    const tf = await tfReady();
    const w = tf.variable(tf.tensor2d([[1, 0], [0, 1], [1, 1]]));
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    expect(tf.tidy(() => matMulConstA(x, w).arraySync())).toEqual([[4, 5], [10, 11]]);
    const { grads } = tf.variableGrads(() => tf.sum(matMulConstA(x, w)) as TF.Scalar, [w]);
    // d sum / dw = xᵀ · ones(2x2): column sums of x repeated.
    expect(grads[w.name].arraySync()).toEqual([[5, 5], [7, 7], [9, 9]]);
    Object.values(grads).forEach((g) => g.dispose());
    w.dispose();
    x.dispose();
  });
});

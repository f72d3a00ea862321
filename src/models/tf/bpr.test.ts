import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../core/random.js";
import { tfReady } from "./backend.js";
import { bprBatches, bprLoss } from "./bpr.js";

describe("bprBatches", () => {
  const pairs = { left: Int32Array.from([0, 0, 1, 1, 1]), item: Int32Array.from([0, 1, 2, 3, 4]) };
  const positivesOf = [new Set([0, 1]), new Set([2, 3, 4])];
  const opts = { batchSize: 2, negatives: 4, nItems: 1000 };

  it("covers every positive once per epoch, with K negatives each, deterministically", () => {
    const a = [...bprBatches(pairs, positivesOf, opts, mulberry32(5))];
    const b = [...bprBatches(pairs, positivesOf, opts, mulberry32(5))];
    expect(a.map((x) => x.pos.length)).toEqual([2, 2, 1]);
    expect(a.flatMap((x) => [...x.pos]).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const batch of a) {
      const B = batch.pos.length;
      expect(batch.pool.length).toBe(B);
      for (let r = 0; r < B; r++) {
        const rowSum = batch.negWeights.subarray(r * B, (r + 1) * B).reduce((s, x) => s + x, 0);
        expect(rowSum).toBe(4);
      }
    }
    expect(JSON.stringify(a.map((x) => [...x.pool]))).toBe(JSON.stringify(b.map((x) => [...x.pool])));
  });

  it("avoids a left row's known positives when the catalog allows", () => {
    const tiny = { batchSize: 5, negatives: 4, nItems: 6 };
    for (const batch of bprBatches(pairs, positivesOf, tiny, mulberry32(1))) {
      for (let b = 0; b < batch.pos.length; b++) {
        for (let p = 0; p < batch.pool.length; p++) {
          if (batch.negWeights[b * batch.pool.length + p] > 0) expect(positivesOf[batch.left[b]].has(batch.pool[p])).toBe(false);
        }
      }
    }
  });
});

describe("bprLoss", () => {
  it("equals mean softplus(s_neg - s_pos) over the chosen pairs, and has gradients", async () => {
    const tf = await tfReady();
    const left = tf.tensor2d([[1, 0], [0, 1]]);
    const pos = tf.tensor2d([[2, 0], [0, 1]]); // s_pos = [2, 1]
    const pool = tf.tensor2d([[1, 1], [0, 3]]); // s_all = [[1, 0], [1, 3]]
    const w = tf.tensor2d([[2, 0], [1, 1]]); // K = 2
    const loss = bprLoss(left, pos, pool, w, 2);
    const sp = (x: number) => Math.log1p(Math.exp(x));
    expect(loss.dataSync()[0]).toBeCloseTo((2 * sp(1 - 2) + sp(1 - 1) + sp(3 - 1)) / 4, 5);
    const v = tf.variable(tf.tensor2d([[1, 0], [0, 1]]));
    const g = tf.grad((x: import("@tensorflow/tfjs").Tensor) => bprLoss(x as never, pos, pool, w, 2))(v);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([left, pos, pool, w, loss, v, g]);
  });
});

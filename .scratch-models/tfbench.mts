import { tfReady } from "/work/main/src/models/tf/backend.ts";
const tf = await tfReady();
console.log(tf.getBackend());
const X = tf.randomNormal([17632, 576]);
const W = tf.variable(tf.randomNormal([576, 128], 0, 0.05));
const W2 = tf.variable(tf.randomNormal([128, 64], 0, 0.05));
const opt = tf.train.adam(1e-3);
for (let rows of [1024, 2560]) {
  const t0 = performance.now();
  for (let s = 0; s < 10; s++) {
    const idx = tf.tensor1d(Array.from({length: rows}, () => Math.floor(Math.random()*17632)), "int32");
    const cost = opt.minimize(() => {
      const x = tf.gather(X, idx);
      const h = tf.relu(tf.matMul(x, W));
      const o = tf.matMul(h, W2);
      return tf.mean(tf.softplus(o.sum(1))) as tf.Scalar;
    }, true);
    cost!.dataSync(); cost!.dispose(); idx.dispose();
  }
  console.log(rows, (performance.now() - t0) / 10, "ms/step", tf.memory().numTensors);
}

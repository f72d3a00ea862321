/**
 * @file The adapter worker's body (see adapter-worker.mjs): holds one TF.js encoder built from the serving form's
 * weights it was started with, and answers each job message with the trained LoRA factors (or an error line).
 */
import { parentPort, workerData } from "node:worker_threads";
import { tfReady } from "../tf/backend.js";
import { fitAdapterFactors } from "./adapter.js";
import { WhiteboxEncoder, type EncoderParam, type EncoderShape } from "./encoder.js";
import type { AdapterJob } from "./plan.js";

/** What the worker is started with. */
export interface AdapterWorkerData {
  readonly shape: EncoderShape;
  readonly weights: Readonly<Record<EncoderParam, Float32Array>>;
}

/** One job message and its answer. */
export type AdapterWorkerRequest = { readonly id: number; readonly job: AdapterJob };
export type AdapterWorkerReply = { readonly id: number; readonly arrays?: Record<string, Float32Array>; readonly error?: string };

const port = parentPort;
if (port !== null) {
  const data = workerData as AdapterWorkerData;
  await tfReady();
  const encoder = WhiteboxEncoder.fromWeights(data.shape, data.weights);
  port.on("message", (msg: AdapterWorkerRequest) => {
    let reply: AdapterWorkerReply;
    try {
      reply = { id: msg.id, arrays: fitAdapterFactors(encoder, msg.job) };
    } catch (err) {
      reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: -1 }); // ready
}

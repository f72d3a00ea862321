/**
 * @file Word feedback on a served whitebox model: plan the triplets and pack their word vectors here (no TF.js),
 * train the listener's LoRA factors with an {@link AdapterFitter} (in a worker thread for the server, see
 * {@link AdapterWorker}), and show the request's attention before and after with the serving form's own forward pass.
 */
import { Worker } from "node:worker_threads";
import type { Matrix } from "../../core/matrix.js";
import { ModelFitError } from "../../errors.js";
import type { AdapterHandle, WordAttribution } from "../recommender.js";
import type { AdapterWorkerReply } from "./adapter-worker-main.js";
import { adapterOptions, planAdapterJob, type AdapterJob, type AdapterOptions, type WordFeedback } from "./plan.js";
import type { WhiteboxServing } from "./serving.js";

/** Trains one job's LoRA factors (names `${target}/a`, `${target}/b`). */
export type AdapterFitter = (job: AdapterJob) => Promise<Record<string, Float32Array>>;

/** A retraining's result. */
export interface RetrainResult {
  readonly arrays: Record<string, Float32Array>;
  /** The request's word attention under the listener's previous adapter (or none) and under the new one. */
  readonly before: readonly WordAttribution[];
  readonly after: readonly WordAttribution[];
  readonly seconds: number;
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

/**
 * Retrains a listener's adapter of a served model from one feedback, continuing from `base` (their stored adapter).
 * `vectorsOf` encodes words one by one with the model's encoder. Throws InputError for feedback that names no word
 * of the request.
 * @example const r = await retrainServed(form, { text: "dark piano", strengthen: ["piano"], weaken: [] }, (ws) => encoder.encode(ws), worker.fit);
 * r.after // [{ word: "dark", weight: 0.2 }, { word: "piano", weight: 0.8 }]
 */
export async function retrainServed(
  form: WhiteboxServing,
  feedback: WordFeedback,
  vectorsOf: (words: string[]) => Promise<Matrix>,
  fit: AdapterFitter,
  options: Partial<AdapterOptions> = {},
  base?: AdapterHandle,
): Promise<RetrainResult> {
  const t0 = performance.now();
  const o = adapterOptions(options);
  const own = base !== undefined && base.model === "whitebox" ? base : undefined;
  const job = await planAdapterJob(feedback, form.feedbackIndex(), form.data.maxWords, vectorsOf, o, own);
  const words = form.words(feedback.text);
  const wordVectors = (await vectorsOf(words)).data;
  const before = form.query(words, wordVectors, feedback.text, own).attention;
  const arrays = await fit(job);
  const after = form.query(words, wordVectors, feedback.text, { user: own?.user ?? "", model: "whitebox", version: (own?.version ?? 0) + 1, arrays }).attention;
  return { arrays, before, after, seconds: (performance.now() - t0) / 1000, positives: job.positives, negatives: job.negatives };
}

/**
 * A worker thread that trains adapters against one serving form's encoder (TF.js lives there, never on the thread
 * that answers requests). Jobs run one after another in the worker; the thread starts on the first job, and a crash
 * fails the jobs in flight and starts a fresh thread on the next one.
 * @example const worker = new AdapterWorker(form); const arrays = await worker.fit(job); await worker.close();
 */
export class AdapterWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (a: Record<string, Float32Array>) => void; reject: (e: Error) => void }>();

  constructor(private readonly form: WhiteboxServing) {}

  /** Trains one job in the worker. */
  readonly fit: AdapterFitter = (job) =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      const w = this.thread();
      w.ref(); // a job in flight keeps the process alive until its answer
      w.postMessage({ id, job });
    });

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    const w = new Worker(new URL("./adapter-worker.mjs", import.meta.url), { workerData: { shape: this.form.data.shape, weights: this.form.data.weights } });
    w.on("message", (msg: AdapterWorkerReply) => {
      const p = this.pending.get(msg.id);
      if (p === undefined) return; // the ready message
      this.pending.delete(msg.id);
      if (this.pending.size === 0) w.unref();
      if (msg.arrays !== undefined) p.resolve(msg.arrays);
      else p.reject(new ModelFitError(`adapter training failed: ${msg.error ?? "no result"}`));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new ModelFitError(`the adapter worker stopped: ${err.message}`));
      this.pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    w.unref(); // an idle worker must not keep the process alive
    this.worker = w;
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await w.terminate();
  }
}

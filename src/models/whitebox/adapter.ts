/**
 * @file Per-user feedback retraining for the whitebox model (White-boxing's triplet step, with LoRA): the listener
 * names words of a request to strengthen or weaken; the request is the anchor, texts containing the strengthened
 * words are positives, texts containing the weakened words negatives, and only low-rank deltas on the attention
 * projections train, so a retraining is a few hundred small steps' worth of arithmetic (seconds, not minutes) and
 * the shared model is never touched.
 */
import { mulberry32 } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import type { AdapterHandle } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import { tf } from "../tf/backend.js";
import { matMulFast } from "../tf/ops.js";
import { LORA_TARGETS, type LoraDeltas, type WhiteboxEncoder } from "./encoder.js";
import type { WhiteboxRecommender, RequestAttention } from "./index.js";
import { adapterOptions, checkFeedback, planAdapterJob, type AdapterJob, type AdapterOptions, type WordFeedback } from "./plan.js";
import { indexTexts, type TextIndex } from "./text-index.js";

export { indexTexts, type TextIndex } from "./text-index.js";
export { ADAPTER_DEFAULTS, AdapterOptionsSchema, adapterOptions, checkFeedback, planAdapterJob, tripletTexts, type AdapterJob, type AdapterOptions, type WordFeedback } from "./plan.js";

/** A retraining's result: the new adapter arrays and the attention of the request before and after. */
export interface AdapterTrainingResult {
  readonly arrays: Record<string, Float32Array>;
  readonly before: RequestAttention;
  readonly after: RequestAttention;
  readonly seconds: number;
  /** The triplet texts used (for display and tests). */
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

const textIndex = new WeakMap<Domain, TextIndex>();

/**
 * The texts feedback draws from: the domain's distinct train request texts and its items' tags (split at "," and
 * ";"), lower-cased. Never a selection or evaluated split's texts.
 * @example feedbackTextList(domain).slice(0, 2) // ["sad piano songs", "rock"]
 */
export function feedbackTextList(domain: Domain): string[] {
  const set = new Set<string>();
  for (const q of domain.train) if (q.text.trim() !== "") set.add(q.text.trim().toLowerCase());
  for (const t of domain.items.texts.tags ?? []) for (const tag of t.split(/[,;]/)) if (tag.trim() !== "") set.add(tag.trim().toLowerCase());
  return [...set];
}

/** {@link feedbackTextList} of a domain, indexed (once per domain). */
export function feedbackTexts(domain: Domain, maxWords: number): TextIndex {
  let idx = textIndex.get(domain);
  if (idx === undefined) textIndex.set(domain, (idx = indexTexts(feedbackTextList(domain), maxWords)));
  return idx;
}


/**
 * Trains LoRA factors on one job: starts from the job's base arrays or from zero deltas (B = 0, A seeded), runs
 * `steps` Adam steps of the soft triplet loss mean softplus(scale·(cos(a, n) − cos(a, p))) over every (positive,
 * negative) pair, the anchor, positives and negatives all encoded through the adapted encoder; the shared weights
 * never change. Returns the factors by name (`${target}/a`, `${target}/b`).
 */
export function fitAdapterFactors(encoder: WhiteboxEncoder, job: AdapterJob): Record<string, Float32Array> {
  const o = job.options;
  const { packed, nP, nN } = job;
  const d = encoder.shape.width;
  const rng = mulberry32(o.seed);
  const vars: Record<string, tf.Variable> = {};
  for (const target of LORA_TARGETS) {
    const a0 = job.base?.[`${target}/a`];
    const b0 = job.base?.[`${target}/b`];
    const r = a0 !== undefined && b0 !== undefined ? a0.length / d : o.rank;
    const a = a0 ?? Float32Array.from({ length: d * r }, () => (2 * rng() - 1) / Math.sqrt(d));
    const b = b0 ?? new Float32Array(r * d);
    vars[`${target}/a`] = tf.tidy(() => tf.variable(tf.tensor2d(a, [d, r]), true));
    vars[`${target}/b`] = tf.tidy(() => tf.variable(tf.tensor2d(b, [r, d]), true));
  }
  const optimizer = tf.train.adam(o.learningRate);
  try {
    tf.tidy(() => {
      const x = tf.tensor3d(packed.x, [packed.rows, packed.slots, packed.dims]);
      const mask = tf.tensor2d(packed.mask, [packed.rows, packed.slots]);
      const lora = Object.fromEntries(LORA_TARGETS.map((t) => [t, { a: vars[`${t}/a`] as tf.Tensor2D, b: vars[`${t}/b`] as tf.Tensor2D }])) as LoraDeltas;
      for (let s = 0; s < o.steps; s++) {
        const cost = optimizer.minimize(() => {
          const q = encoder.apply(x, mask, lora).query;
          const unit = tf.div(q, tf.add(tf.norm(q, 2, 1, true), 1e-6)) as tf.Tensor2D;
          const anchor = tf.slice(unit, [0, 0], [1, -1]);
          const sims = tf.reshape(matMulFast(anchor, tf.transpose(tf.slice(unit, [1, 0], [-1, -1]))), [nP + nN]);
          const sp = tf.slice(sims, [0], [nP]);
          const sn = tf.slice(sims, [nP], [nN]);
          const diff = tf.sub(tf.reshape(sn, [1, nN]), tf.reshape(sp, [nP, 1])); // [nP, nN]
          return tf.mean(tf.softplus(tf.mul(diff, o.scale))) as tf.Scalar;
        }, true, Object.values(vars));
        cost?.dispose();
      }
    });
    const arrays: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(vars)) arrays[k] = new Float32Array(v.dataSync());
    return arrays;
  } finally {
    optimizer.dispose();
    for (const v of Object.values(vars)) v.dispose();
  }
}

/**
 * Retrains a user's adapter from one feedback on a fitted model ({@link planAdapterJob} over the domain's texts,
 * then {@link fitAdapterFactors}), with the request's attention before and after.
 * @example const r = await trainAdapter(model, { text: "sad piano", strengthen: ["piano"], weaken: [] });
 * r.after.find((w) => w.word === "piano")!.weight > r.before.find((w) => w.word === "piano")!.weight // true (usually)
 */
export async function trainAdapter(model: WhiteboxRecommender, feedback: WordFeedback, options: Partial<AdapterOptions> = {}, base?: AdapterHandle): Promise<AdapterTrainingResult> {
  const o = adapterOptions(options);
  const t0 = performance.now();
  const domain = model.fittedDomain;
  const maxWords = model.maxWords;
  checkFeedback(feedback, maxWords);
  const baseHandle = base !== undefined && base.model === model.name ? base : undefined;
  const [before] = await model.attend([{ text: feedback.text, ...(baseHandle !== undefined ? { adapter: baseHandle } : {}) }]);
  const job = await planAdapterJob(feedback, feedbackTexts(domain, maxWords), maxWords, (ws) => requestVectors(ws.map((text) => ({ text })), domain), o, baseHandle);
  const arrays = fitAdapterFactors(model.encoder!, job);
  const handle: AdapterHandle = { user: baseHandle?.user ?? "", model: model.name, version: (baseHandle?.version ?? 0) + 1, arrays };
  const [after] = await model.attend([{ text: feedback.text, adapter: handle }]);
  return { arrays, before, after, seconds: (performance.now() - t0) / 1000, positives: job.positives, negatives: job.negatives };
}

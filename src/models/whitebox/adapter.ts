/**
 * @file Per-user feedback retraining for the whitebox model (White-boxing's triplet step, with LoRA): the listener
 * names words of a request to strengthen or weaken; the request is the anchor, texts containing the strengthened
 * words are positives, texts containing the weakened words negatives, and only low-rank deltas on the attention
 * projections train, so a retraining is a few hundred small steps' worth of arithmetic (seconds, not minutes) and
 * the shared model is never touched.
 */
import { z } from "zod";
import { mulberry32, shuffleInPlace } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { InputError } from "../../errors.js";
import type { AdapterHandle } from "../recommender.js";
import { tf } from "../tf/backend.js";
import { matMulFast } from "../tf/ops.js";
import { LORA_TARGETS, type LoraDeltas } from "./encoder.js";
import type { WhiteboxRecommender, RequestAttention } from "./index.js";
import { packWords, requestWords } from "./tokens.js";

/** Options of {@link trainAdapter}. */
export const AdapterOptionsSchema = z
  .object({
    /** LoRA rank r of each delta A·B. [4] */
    rank: z.number().int().min(1).max(64),
    /** Adam steps over the whole triplet set. [40] */
    steps: z.number().int().min(1).max(1000),
    /** Adam step size of the factors. [0.01] */
    learningRate: z.number().positive(),
    /** Texts drawn per named word (positives per strengthened word, negatives per weakened word). [8] */
    textsPerWord: z.number().int().min(1).max(64),
    /** Cosine similarities are multiplied by this before the soft triplet loss softplus(s_an − s_ap). [10] */
    scale: z.number().positive(),
    seed: z.number().int(),
  })
  .strict();
export type AdapterOptions = z.output<typeof AdapterOptionsSchema>;

export const ADAPTER_DEFAULTS: AdapterOptions = Object.freeze({ rank: 4, steps: 40, learningRate: 0.01, textsPerWord: 8, scale: 10, seed: 42 });

/** What the listener asked. Words must be words of the request (as `requestWords` splits it). */
export interface WordFeedback {
  readonly text: string;
  readonly strengthen: readonly string[];
  readonly weaken: readonly string[];
}

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

const textIndex = new WeakMap<Domain, { texts: string[]; byWord: Map<string, number[]> }>();

/**
 * The texts feedback draws from: the domain's distinct train request texts and its items' tags (split at "," and
 * ";"), indexed by word. Never a selection or evaluated split's texts.
 */
export function feedbackTexts(domain: Domain, maxWords: number): { texts: string[]; byWord: Map<string, number[]> } {
  let idx = textIndex.get(domain);
  if (idx === undefined) {
    const set = new Set<string>();
    for (const q of domain.train) if (q.text.trim() !== "") set.add(q.text.trim().toLowerCase());
    for (const t of domain.items.texts.tags ?? []) for (const tag of t.split(/[,;]/)) if (tag.trim() !== "") set.add(tag.trim().toLowerCase());
    const texts = [...set];
    const byWord = new Map<string, number[]>();
    texts.forEach((t, i) => {
      for (const w of new Set(requestWords(t, maxWords))) {
        const list = byWord.get(w) ?? [];
        list.push(i);
        byWord.set(w, list);
      }
    });
    idx = { texts, byWord };
    textIndex.set(domain, idx);
  }
  return idx;
}

/**
 * Validates feedback against the request's words: every named word must be one of them, none both strengthened and
 * weakened, at least one named. Throws InputError saying which word is wrong.
 */
export function checkFeedback(feedback: WordFeedback, maxWords: number): void {
  const ws = new Set(requestWords(feedback.text, maxWords));
  if (ws.size === 0) throw new InputError("feedback needs a request with words");
  if (feedback.strengthen.length + feedback.weaken.length === 0) throw new InputError("feedback names no word: give --strengthen and/or --weaken words of the request");
  for (const w of [...feedback.strengthen, ...feedback.weaken]) {
    if (!ws.has(w)) throw new InputError(`"${w}" is not a word of the request "${feedback.text}" (its words: ${[...ws].join(", ")})`, { field: "words" });
  }
  const both = feedback.strengthen.filter((w) => feedback.weaken.includes(w));
  if (both.length > 0) throw new InputError(`"${both[0]}" is both strengthened and weakened`, { field: "words" });
}

/** The request without some of its words (the complementary side of a one-sided feedback). */
function without(text: string, drop: readonly string[], maxWords: number): string {
  return requestWords(text, maxWords).filter((w) => !drop.includes(w)).join(" ");
}

/**
 * Triplet texts: per strengthened word, up to `textsPerWord` texts containing it and no other word of the request
 * that is not strengthened too (else a positive like "singer-songwriter" for "singer" pulls towards "songwriter",
 * measured: 0.010 → 0.003), the word alone when none does; per weakened word, texts containing it and no strengthened
 * word. A side with no named word is the request without the
 * other side's words (weaken-only: the request minus those words is the positive; strengthen-only: the request minus
 * the strengthened words is the negative).
 */
export function tripletTexts(feedback: WordFeedback, domain: Domain, maxWords: number, perWord: number, seed: number): { positives: string[]; negatives: string[] } {
  const { texts, byWord } = feedbackTexts(domain, maxWords);
  const rng = mulberry32(seed);
  const request = requestWords(feedback.text, maxWords).join(" ");
  const draw = (word: string, avoid: readonly string[]): string[] => {
    const pool = (byWord.get(word) ?? []).map((i) => texts[i]).filter((t) => t !== request && !requestWords(t, maxWords).some((w) => avoid.includes(w)));
    const chosen = shuffleInPlace(rng, pool).slice(0, perWord);
    return chosen.length > 0 ? chosen : [word];
  };
  const unnamed = requestWords(feedback.text, maxWords).filter((w) => !feedback.strengthen.includes(w));
  let positives = feedback.strengthen.flatMap((w) => draw(w, unnamed));
  let negatives = feedback.weaken.flatMap((w) => draw(w, feedback.strengthen));
  if (positives.length === 0) positives = [without(feedback.text, feedback.weaken, maxWords)].filter((t) => t !== "");
  if (negatives.length === 0) negatives = [without(feedback.text, feedback.strengthen, maxWords)].filter((t) => t !== "");
  return { positives, negatives };
}

/**
 * Retrains a user's adapter from one feedback: starts from `base` (their current adapter) or from zero deltas (B = 0,
 * A seeded), runs `steps` Adam steps of the soft triplet loss mean softplus(scale·(cos(a, n) − cos(a, p))) over every
 * (positive, negative) pair, the anchor, positives and negatives all encoded through the adapted encoder; the
 * shared weights never change.
 * @example const r = await trainAdapter(model, { text: "sad piano", strengthen: ["piano"], weaken: [] });
 * r.after.find((w) => w.word === "piano")!.weight > r.before.find((w) => w.word === "piano")!.weight // true (usually)
 */
export async function trainAdapter(model: WhiteboxRecommender, feedback: WordFeedback, options: Partial<AdapterOptions> = {}, base?: AdapterHandle): Promise<AdapterTrainingResult> {
  const parsed = AdapterOptionsSchema.safeParse({ ...ADAPTER_DEFAULTS, ...options });
  if (!parsed.success) throw new InputError(`bad adapter options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const o = parsed.data;
  const t0 = performance.now();
  const domain = model.fittedDomain;
  const encoder = model.encoder!;
  const maxWords = model.maxWords;
  checkFeedback(feedback, maxWords);
  const d = encoder.shape.width;
  const { positives, negatives } = tripletTexts(feedback, domain, maxWords, o.textsPerWord, o.seed);
  if (positives.length === 0 || negatives.length === 0) throw new InputError(`feedback on "${feedback.text}" leaves no ${positives.length === 0 ? "positive" : "negative"} text: name a word to keep`);
  const baseHandle = base !== undefined && base.model === model.name ? base : undefined;
  const [before] = await model.attend([{ text: feedback.text, ...(baseHandle !== undefined ? { adapter: baseHandle } : {}) }]);
  const packed = await packWords([feedback.text, ...positives, ...negatives], domain, maxWords);
  const nP = positives.length;
  const nN = negatives.length;

  const rng = mulberry32(o.seed);
  const vars: Record<string, tf.Variable> = {};
  for (const target of LORA_TARGETS) {
    const a0 = baseHandle?.arrays[`${target}/a`];
    const b0 = baseHandle?.arrays[`${target}/b`];
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
    const handle: AdapterHandle = { user: baseHandle?.user ?? "", model: model.name, version: (baseHandle?.version ?? 0) + 1, arrays };
    const [after] = await model.attend([{ text: feedback.text, adapter: handle }]);
    return { arrays, before, after, seconds: (performance.now() - t0) / 1000, positives, negatives };
  } finally {
    optimizer.dispose();
    for (const v of Object.values(vars)) v.dispose();
  }
}

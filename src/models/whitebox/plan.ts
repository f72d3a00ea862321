/**
 * @file What a word feedback retrains on, without TF.js (the server plans on its main thread and trains in a
 * worker): the feedback checked against the request's words, the triplet texts (White-boxing: anchor = the request,
 * positives = texts with the words to strengthen, negatives = texts with the words to weaken) and their packed word
 * vectors, with the adapter options.
 */
import { z } from "zod";
import type { Matrix } from "../../core/matrix.js";
import { mulberry32, shuffleInPlace } from "../../core/random.js";
import { InputError } from "../../errors.js";
import type { AdapterHandle } from "../recommender.js";
import type { TextIndex } from "./text-index.js";
import { packWordsWith, requestWords, type PackedWords } from "./tokens.js";

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
export function tripletTexts(feedback: WordFeedback, index: TextIndex, maxWords: number, perWord: number, seed: number): { positives: string[]; negatives: string[] } {
  const { texts, byWord } = index;
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

/** Parses adapter options over the defaults (InputError naming the bad field). */
export function adapterOptions(options: Partial<AdapterOptions> = {}): AdapterOptions {
  const parsed = AdapterOptionsSchema.safeParse({ ...ADAPTER_DEFAULTS, ...options });
  if (!parsed.success) throw new InputError(`bad adapter options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** What one retraining reads: the packed anchor (row 0), positives (next nP rows) and negatives (last nN rows). */
export interface AdapterJob {
  readonly packed: PackedWords;
  readonly nP: number;
  readonly nN: number;
  readonly options: AdapterOptions;
  /** The listener's current adapter arrays to continue from (none: zero deltas). */
  readonly base?: Readonly<Record<string, Float32Array>>;
}

/**
 * Picks the triplet texts of a feedback and packs them with their word vectors (no TF.js): what
 * {@link fitAdapterFactors} trains on. Throws InputError for feedback that names no word of the request, or that
 * leaves no positive or negative text.
 */
export async function planAdapterJob(
  feedback: WordFeedback,
  index: TextIndex,
  maxWords: number,
  vectorsOf: (words: string[]) => Promise<Matrix>,
  options: AdapterOptions,
  base?: AdapterHandle,
): Promise<AdapterJob & { positives: string[]; negatives: string[] }> {
  checkFeedback(feedback, maxWords);
  const { positives, negatives } = tripletTexts(feedback, index, maxWords, options.textsPerWord, options.seed);
  if (positives.length === 0 || negatives.length === 0) throw new InputError(`feedback on "${feedback.text}" leaves no ${positives.length === 0 ? "positive" : "negative"} text: name a word to keep`);
  const packed = await packWordsWith([feedback.text, ...positives, ...negatives], maxWords, vectorsOf);
  return { packed, nP: positives.length, nN: negatives.length, options, positives, negatives, ...(base !== undefined && base.model === "whitebox" ? { base: base.arrays } : {}) };
}

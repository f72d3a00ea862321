/**
 * @file APRON's scoring in plain JS (no TF.js): a history's per-head attention over the prototypes, the profile
 * (their mean), edits applied, then the feed-forward head over every item. Evaluation, Delta@20 and serving all
 * score through this one class.
 */
import type { ProfileEdits } from "../recommender.js";
import { denseForward, sparseRowsForward } from "../tf/dense-params.js";
import { editHeads, editProfile } from "./profile.js";

/** The trained arrays APRON scores with. */
export interface ApronArrays {
  readonly heads: number;
  readonly headDims: number;
  readonly hidden: number;
  readonly items: number;
  readonly prototypes: number;
  /** heads x items x prototypes: each item's attention over the prototypes, per head (rows sum to 1). */
  readonly attention: Float32Array;
  /** heads x prototypes x headDims: the prototypes' keys, which are also their values (one shared matrix). */
  readonly keys: Float32Array;
  /** (heads·headDims) x hidden, and its bias. */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  /** hidden x items, and its bias. */
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  /** items x hidden, when the head also reads the history directly: each history item's row, averaged, adds to the hidden layer's input. */
  readonly direct?: Float32Array;
  /** (heads·headDims) x items, when the profile adds a linear term to the logits instead of feeding the hidden layer. */
  readonly profileOut?: Float32Array;
}

/** A profile as the scorer holds it: per-head weights and their mean. */
export interface HeadProfile {
  /** heads x prototypes, each row a distribution. */
  readonly heads: Float32Array;
  /** The mean over heads: the profile a listener reads and edits. */
  readonly weights: Float32Array;
}

/** Scores histories and profiles with trained APRON arrays. */
export class ApronScorer {
  constructor(
    readonly arrays: ApronArrays,
    /** The prototypes' tags, in prototype order (edits name them). */
    readonly tags: readonly string[],
  ) {
    if (tags.length !== arrays.prototypes) throw new RangeError(`${tags.length} tags for ${arrays.prototypes} prototypes`);
  }

  /** The profile of a (non-empty, distinct) history: per head, the mean of its items' attention rows. */
  profileOf(history: ReadonlySet<number>): HeadProfile {
    const { heads: H, items: n, prototypes: K, attention } = this.arrays;
    const heads = new Float32Array(H * K);
    const scale = 1 / Math.max(history.size, 1);
    for (let h = 0; h < H; h++) {
      for (const i of history) {
        const base = (h * n + i) * K;
        for (let p = 0; p < K; p++) heads[h * K + p] += scale * attention[base + p];
      }
    }
    return { heads, weights: meanOverHeads(heads, H, K) };
  }

  /** The profile after a listener's edits (see editProfile); unchanged without edits. */
  edited(profile: HeadProfile, edits: ProfileEdits | undefined): HeadProfile {
    if (edits === undefined || Object.keys(edits.prototypeWeights).length === 0) return profile;
    const weights = editProfile(profile.weights, this.tags, edits);
    return { heads: editHeads(profile.heads, profile.weights, weights, this.arrays.prototypes), weights };
  }

  /**
   * Every item's score for a profile: the heads' weighted keys (as values), concatenated, through the head. A model
   * with a history path also adds the mean of the history's direct rows to the hidden layer's input (the history
   * the profile came from: an edit changes the profile, never the history).
   */
  scores(profile: HeadProfile, history: ReadonlySet<number>): Float32Array {
    const { heads: H, headDims: dh, prototypes: K, keys, w1, hidden, items, w2, b2, direct } = this.arrays;
    const b1 = direct === undefined || history.size === 0 ? this.arrays.b1 : sparseRowsForward(history, 1 / history.size, direct, this.arrays.b1, hidden, "linear");
    const u = new Float32Array(H * dh);
    for (let h = 0; h < H; h++) {
      for (let p = 0; p < K; p++) {
        const w = profile.heads[h * K + p];
        if (w === 0) continue;
        const base = (h * K + p) * dh;
        for (let j = 0; j < dh; j++) u[h * dh + j] += w * keys[base + j];
      }
    }
    const { profileOut } = this.arrays;
    if (profileOut !== undefined) {
      const logits = denseForward(Float32Array.from(b1, Math.tanh), w2, b2, items, "linear");
      const term = denseForward(u, profileOut, new Float32Array(items), items, "linear");
      for (let i = 0; i < items; i++) logits[i] += term[i];
      return logits;
    }
    return denseForward(denseForward(u, w1, b1, hidden, "tanh"), w2, b2, items, "linear");
  }
}

function meanOverHeads(heads: Float32Array, h: number, k: number): Float32Array {
  const out = new Float32Array(k);
  for (let i = 0; i < h; i++) for (let p = 0; p < k; p++) out[p] += heads[i * k + p] / h;
  return out;
}

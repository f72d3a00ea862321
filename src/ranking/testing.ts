/**
 * @file Test helpers of the ranking layer: a hand-built JAM model over a catalog's items, standing in for a trained
 * one where a test is about ranking, not training; a hand-built whitebox model likewise; a small APRON recipe and
 * domain for profile tests.
 */
import type { Matrix } from "../core/matrix.js";
import type { PairPrior } from "../models/pair-prior.js";
import { JamServing } from "../models/jam/serving.js";
import type { CatalogItem } from "../store/catalog.js";
import { JamServingModel } from "./serving/jam.js";
import { makeSyntheticDomain } from "../models/testing/synthetic-domain.js";
import { mulberry32 } from "../core/random.js";
import { ENCODER_PARAMS, shapeOf } from "../models/whitebox/params.js";
import type { EncoderWeights } from "../models/whitebox/forward.js";
import { WhiteboxServing } from "../models/whitebox/serving.js";
import { WhiteboxServingModel } from "./serving/whitebox.js";

/**
 * A JAM model (cross mixing) whose request projection is the identity, with two modalities: the encoded tags and
 * the encoded titles of `items`, a small popularity prior, and users given as (id, item index) pairs whose vector
 * is 3x that item's tag vector.
 */
export function handJamModel(
  items: readonly CatalogItem[],
  encoder: { id: string; dims: number; encode: (texts: readonly string[]) => Matrix },
  options: { users?: readonly (readonly [string, number])[]; ids?: readonly string[]; pair?: PairPrior } = {},
): JamServingModel {
  const d = encoder.dims;
  const identity = new Float32Array(d * d);
  for (let i = 0; i < d; i++) identity[i * d + i] = 1;
  const tagVectors = encoder.encode(items.map((it) => it.tags.join(" "))).data;
  const users = options.users ?? [];
  const userVectors = new Float32Array(users.length * d);
  users.forEach(([, item], u) => userVectors.set(tagVectors.subarray(item * d, (item + 1) * d).map((v) => 3 * v), u * d));
  return new JamServingModel(new JamServing({
    model: "jam-cross",
    mixing: "cross",
    topK: 2,
    dims: d,
    modalities: ["tagtext", "name"],
    itemIds: options.ids ?? items.map((it) => it.id),
    itemVectors: [tagVectors, encoder.encode(items.map((it) => it.title ?? it.name)).data],
    bias: Float32Array.from(items, (it) => it.popularity / 500),
    encoderId: encoder.id,
    requestDims: d,
    requestTransform: { scale: 1, post: 1 },
    requestW: identity,
    requestB: new Float32Array(d),
    ...(users.length > 0 ? { userIds: users.map(([id]) => id), userVectors } : {}),
    training: {},
    ...(options.pair !== undefined ? { pair: options.pair } : {}),
  }));
}

/** A small APRON on the synthetic domain (16 listeners x 40 items): trains in about a second. */
export const SMALL_APRON = { prototypes: 8, heads: 2, headDims: 4, featureDims: 4, hidden: 16, epochs: 30, patience: 30, batchSize: 8, learningRate: 0.01, controlTop: 5 };

/** The synthetic domain with listen links, as a catalog's profile domain. */
export function profileDomain() {
  const d = makeSyntheticDomain();
  return { ...d, items: { ...d.items, links: d.items.ids.map((id) => `https://example.test/${id}`) } };
}

/**
 * A whitebox serving form over `items` with seeded random encoder weights (width 16, 2 heads) and random unit item
 * embeddings: a stand-in where a test is about serving, adapters and explanations, not about training quality. Its
 * feedback texts are the items' tags and `texts`.
 */
export function handWhiteboxModel(items: readonly CatalogItem[], encoder: { id: string; dims: number }, seed = 1, texts: readonly string[] = []): WhiteboxServingModel {
  const rng = mulberry32(seed);
  const shape = { inputDims: encoder.dims, width: 16, heads: 2, outputDims: 16 };
  const weights = Object.fromEntries(
    ENCODER_PARAMS.map((p) => {
      const sh = shapeOf(p, shape);
      const n = sh.reduce((a, b) => a * b, 1);
      if (p === "ln1/g" || p === "ln2/g") return [p, new Float32Array(n).fill(1)];
      const limit = sh.length === 2 ? Math.sqrt(6 / (sh[0] + sh[1])) : p === "pool/q" ? 0.5 : 0;
      return [p, Float32Array.from({ length: n }, () => (2 * rng() - 1) * limit)];
    }),
  ) as EncoderWeights;
  const itemVectors = new Float32Array(items.length * 16);
  for (let i = 0; i < items.length; i++) {
    const v = Array.from({ length: 16 }, () => 2 * rng() - 1);
    const n = Math.hypot(...v);
    v.forEach((x, j) => (itemVectors[i * 16 + j] = x / n));
  }
  return new WhiteboxServingModel(
    new WhiteboxServing({
      itemIds: items.map((it) => it.id), encoderId: encoder.id, shape, maxWords: 12, towerScale: 1, weights, itemVectors,
      tieBreak: new Float32Array(items.length), feedbackTexts: [...new Set([...items.flatMap((it) => it.tags), ...texts])], training: { hand: true },
    }),
  );
}

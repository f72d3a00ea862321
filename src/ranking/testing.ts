/**
 * @file Test helpers of the ranking layer: a hand-built JAM model over a catalog's items, standing in for a trained
 * one where a test is about ranking, not training; a small APRON recipe and domain for profile tests.
 */
import type { Matrix } from "../core/matrix.js";
import type { PairPrior } from "../models/pair-prior.js";
import { JamServing } from "../models/jam/serving.js";
import type { CatalogItem } from "../store/catalog.js";
import { JamServingModel } from "./serving/jam.js";
import { makeSyntheticDomain } from "../models/testing/synthetic-domain.js";

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

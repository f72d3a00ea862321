/**
 * @file APRON where there is no listening data to train on (Jamendo): the prototypes alone. Each item attends over
 * the prototypes by its own tags (its attention row is its tag distribution), so a listener's profile is the mean
 * tag distribution of the items they like; an item's score is the profile's weight on its tags (Σ over its
 * prototype tags of their weights, / sqrt(its prototype tag count), so an item is not favoured for carrying many
 * tags) plus a popularity tie-break of at most 1e-3. Zeroing a prototype removes exactly its term: a listener's
 * edit of a tag takes that tag's items down, and nothing else moves but the renormalisation.
 *
 * It is built, not trained: the arrays are an ApronScorer's in "linear" form (one head whose keys are the identity,
 * a profile-to-logits map made of the tags, no hidden layer to speak of), so it saves, loads, edits and serves
 * through the same code as a trained APRON.
 */
import { InputError } from "../../errors.js";
import type { Domain } from "../../domains/types.js";
import { buildPrototypes, itemPlays } from "./prototypes.js";
import type { ApronArrays } from "./scorer.js";

/** The options a tag profile is saved with (an ApronOptions subset the loader reads to size its arrays). */
export function tagProfileOptions(prototypes: number) {
  return { heads: 1, headDims: prototypes, hidden: 1, prototypes, historyPath: true, profileHead: "linear" as const };
}

/**
 * The arrays and prototypes of a tag profile over `domain`'s items and their training tag counts (`tagCounts`);
 * `k` caps the prototypes (Jamendo's 187 tags all fit the default of 200).
 * @example const { arrays, prototypes } = tagProfileArrays(jamendoProfileDomain, 200); arrays.prototypes // 187
 */
export function tagProfileArrays(domain: Domain, k: number) {
  const protos = buildPrototypes(domain, k);
  const K = protos.list.length;
  const n = domain.items.ids.length;
  const m = protos.membership.data;
  const attention = new Float32Array(n * K);
  const profileOut = new Float32Array(K * n);
  for (let i = 0; i < n; i++) {
    let carried = 0;
    for (let p = 0; p < K; p++) if (m[i * K + p] > 0) carried++;
    // An item with no prototype tag attends uniformly: liking it says nothing about any tag.
    for (let p = 0; p < K; p++) attention[i * K + p] = carried > 0 ? (m[i * K + p] > 0 ? 1 / carried : 0) : 1 / K;
    for (let p = 0; p < K; p++) if (m[i * K + p] > 0) profileOut[p * n + i] = 1 / Math.sqrt(carried);
  }
  if (K === 0) throw new InputError(`domain ${domain.name} has no tags to build a profile from`);
  const keys = new Float32Array(K * K);
  for (let p = 0; p < K; p++) keys[p * K + p] = 1;
  const plays = itemPlays(domain);
  const maxLog = Math.max(1e-9, ...Array.from(plays, (v) => Math.log1p(Math.max(0, v))));
  const b2 = Float32Array.from(plays, (v) => (1e-3 * Math.log1p(Math.max(0, v))) / maxLog);
  const arrays: ApronArrays = {
    heads: 1,
    headDims: K,
    hidden: 1,
    items: n,
    prototypes: K,
    attention,
    keys,
    w1: new Float32Array(K),
    b1: new Float32Array(1),
    w2: new Float32Array(n),
    b2,
    direct: new Float32Array(n),
    profileOut,
  };
  return { arrays, prototypes: protos.list };
}

/**
 * @file Constrained beam search: decode only along the prefix trie, so every finished sequence is an item that
 * exists, and prune excluded items inside the search (a subtree whose items are all excluded is never entered), so
 * k allowed items come out whenever k exist. The decoder is any step model (decoder.ts in practice).
 */
import type { PrefixTrie } from "./trie.js";

/** What the search needs from a decoder: next-token logits in a state, and the state after a token. */
export interface StepModel<S> {
  /** Writes into `out[j]` the logit of `tokens[j]` in `state`. */
  logits(state: S, tokens: Int32Array, out: Float32Array): void;
  /** The state after emitting `token` in `state` (a fresh object: states are shared between beams). */
  next(state: S, token: number): S;
}

/** Options of {@link beamSearch}. */
export interface BeamOptions {
  /** Items wanted (>= 1). */
  readonly k: number;
  /** Prefixes kept per step; raised to k when smaller (fewer than k beams could not finish k items). */
  readonly beam: number;
  /** Items never returned: their subtrees are pruned as they empty. */
  readonly exclude?: Iterable<number>;
  /**
   * Items an answer may hold, checked at the leaves (for callers that only have a predicate). When it rejects so
   * many that fewer than k remain, the search reruns with a wider beam until k are found or every item was seen.
   */
  readonly accept?: (item: number) => boolean;
  /** An additive term of the logit of entering `node` (the count prior), before the softmax over siblings. */
  readonly bias?: (node: number) => number;
}

/** The search's answer: items best first (ties by lower index) with their log-probabilities, and its cost. */
export interface BeamResult {
  readonly items: Int32Array;
  /** Sum over the item's tokens of log p(token | prefix, request), each softmax over the trie's children there. */
  readonly scores: Float32Array;
  /** Decoder states computed (one per kept prefix per step): the search's main cost. */
  readonly expansions: number;
}

interface Beam<S> {
  readonly node: number;
  readonly score: number;
  readonly state: S;
}

/** In place: log-softmax of the first n values of `x`. */
export function logSoftmaxInPlace(x: Float32Array, n: number): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (x[j] > max) max = x[j];
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(x[j] - max);
  const lse = max + Math.log(sum);
  for (let j = 0; j < n; j++) x[j] -= lse;
}

/**
 * The top-k items of one request under the decoder, searched along the trie from `root` (the decoder's state
 * before the first token). Scores only fall as a path grows (log-probabilities are <= 0), so a prefix scoring below
 * the k-th finished item is dropped: the search ends when no kept prefix can still enter the top k.
 * @example beamSearch(trie, decoder, decoder.root(vector), { k: 10, beam: 20, exclude: new Set([3]) }).items.length // 10
 */
export function beamSearch<S>(trie: PrefixTrie, model: StepModel<S>, root: S, options: BeamOptions): BeamResult {
  if (!Number.isInteger(options.k) || options.k < 1) throw new RangeError(`k must be an integer >= 1, got ${options.k}`);
  const dead = trie.deadNodes(options.exclude);
  let width = Math.max(options.beam, options.k);
  let expansions = 0;
  for (;;) {
    const run = searchOnce(trie, model, root, options.k, width, dead, options.accept, options.bias);
    expansions += run.expansions;
    if (run.items.length >= options.k || !run.rejected || width >= trie.items) return { ...run, expansions };
    width = Math.min(trie.items, width * 4);
  }
}

function searchOnce<S>(
  trie: PrefixTrie,
  model: StepModel<S>,
  root: S,
  k: number,
  width: number,
  dead: (node: number) => boolean,
  accept: ((item: number) => boolean) | undefined,
  bias: ((node: number) => number) | undefined,
): BeamResult & { rejected: boolean } {
  const { childStart, childCount, childToken, childNode, leafItem } = trie;
  const logits = new Float32Array(trie.maxChildren);
  let beams: Beam<S>[] = dead(0) ? [] : [{ node: 0, score: 0, state: root }];
  const finished: { item: number; score: number }[] = [];
  let expansions = 0;
  let rejected = false;
  const byScore = (a: { score: number }, b: { score: number }) => b.score - a.score;
  while (beams.length > 0) {
    const open: { parent: Beam<S>; node: number; token: number; score: number }[] = [];
    for (const beam of beams) {
      const start = childStart[beam.node];
      const n = childCount[beam.node];
      const tokens = childToken.subarray(start, start + n);
      model.logits(beam.state, tokens, logits);
      if (bias !== undefined) for (let j = 0; j < n; j++) logits[j] += bias(childNode[start + j]);
      // Normalised over all the node's children, excluded or not: an item's score does not depend on exclusions.
      logSoftmaxInPlace(logits, n);
      for (let j = 0; j < n; j++) {
        const node = childNode[start + j];
        if (dead(node)) continue;
        const score = beam.score + logits[j];
        const item = leafItem[node];
        if (item < 0) open.push({ parent: beam, node, token: tokens[j], score });
        else if (accept === undefined || accept(item)) finished.push({ item, score });
        else rejected = true;
      }
    }
    finished.sort((a, b) => byScore(a, b) || a.item - b.item);
    if (finished.length > width) finished.length = width;
    const bar = finished.length >= k ? finished[k - 1].score : -Infinity;
    const kept = open.filter((o) => o.score >= bar).sort((a, b) => byScore(a, b) || a.node - b.node);
    if (kept.length > width) kept.length = width;
    beams = kept.map((o) => ({ node: o.node, score: o.score, state: model.next(o.parent.state, o.token) }));
    expansions += beams.length;
  }
  const top = finished.slice(0, k);
  return { items: Int32Array.from(top, (f) => f.item), scores: Float32Array.from(top, (f) => f.score), expansions, rejected };
}

/**
 * One item's score under the decoder, step by step: the log-probability of each of its tokens (they sum to the
 * score {@link beamSearch} gives it), walking its path from `root`.
 * @example sequenceScore(trie, decoder, decoder.root(vector), 42) // Float32Array [-0.4, -1.2, -0.1]
 */
export function sequenceScore<S>(trie: PrefixTrie, model: StepModel<S>, root: S, item: number, bias?: (node: number) => number): Float32Array {
  const tokens = trie.tokensOf(item);
  const out = new Float32Array(tokens.length);
  let node = 0;
  let state = root;
  tokens.forEach((token, t) => {
    const start = trie.childStart[node];
    const n = trie.childCount[node];
    const kids = trie.childToken.subarray(start, start + n);
    const logits = new Float32Array(n);
    model.logits(state, kids, logits);
    if (bias !== undefined) for (let c = 0; c < n; c++) logits[c] += bias(trie.childNode[start + c]);
    logSoftmaxInPlace(logits, n);
    const j = kids.indexOf(token);
    out[t] = logits[j];
    node = trie.childNode[start + j];
    if (t < tokens.length - 1) state = model.next(state, token);
  });
  return out;
}

/**
 * @file A trained Text2Tracks model as plain arrays: the item identifiers, their prefix trie and the decoder's
 * weights. It answers a request by constrained beam search (no TF.js), and scores a given item by decoding its
 * identifier. Both the model (index.ts) and the serving port rank through it, and it is what both save.
 */
import { z } from "zod";
import { DataError, InputError } from "../../errors.js";
import { loadModelArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { beamSearch, sequenceScore, type BeamResult } from "./beam-search.js";
import { DECODER_ARRAYS, decoderShapes, GruDecoder, type DecoderState, type DecoderWeights } from "./decoder.js";
import { countsFromArrays, countsToArrays, nodeCounts, priorFeature, smoothingMass, type TextCounts } from "./count-prior.js";
import { ID_SCHEME_NAMES, type ItemIds } from "./ids/index.js";
import { PrefixTrie } from "./trie.js";

const FORMAT = "askmusic/text2tracks@1";

/** Everything {@link Text2TracksServing} holds. */
export interface Text2TracksData {
  /** External item ids; item i (a dense index, a row) is itemIds[i]. */
  readonly itemIds: readonly string[];
  /** The encoder whose request vectors the decoder was trained on. */
  readonly encoderId: string;
  readonly ids: ItemIds;
  readonly weights: DecoderWeights;
  /** Prefixes kept per decoding step (raised to k when k is larger). */
  readonly beam: number;
  /** What training reported, for display. */
  readonly training: Readonly<Record<string, unknown>>;
  /** The count prior's table (train pairs per request text), when trained with it. */
  readonly counts?: TextCounts;
  /** With the count prior: per item its smoothing count (count-prior.ts itemSmoothing); absent = α each. */
  readonly smoothing?: Float32Array;
}

/** A request bound to the decoder: its initial state and, with the count prior, the logit term of each node. */
export interface PreparedRoot {
  readonly state: DecoderState;
  readonly bias?: (node: number) => number;
}

/** Options of {@link Text2TracksServing.top}. */
export interface TopOptions {
  readonly k: number;
  /** [the model's beam] */
  readonly beam?: number;
  /** Items never returned, pruned inside the trie. */
  readonly exclude?: Iterable<number>;
  /** Items an answer may hold, checked as they are decoded. */
  readonly accept?: (item: number) => boolean;
}

const MetaSchema = z.object({
  format: z.literal(FORMAT),
  itemIds: z.array(z.string()).min(1),
  encoderId: z.string(),
  scheme: z.enum(ID_SCHEME_NAMES),
  source: z.string(),
  tokens: z.array(z.string()).min(1),
  requestDims: z.number().int().min(1),
  hidden: z.number().int().min(1),
  embed: z.number().int().min(1),
  words: z.array(z.string()),
  requestScale: z.number().positive(),
  beam: z.number().int().min(1),
  training: z.record(z.unknown()),
  /** The count prior's texts (its counts are the arrays prior/*); absent = no prior. */
  priorTexts: z.array(z.string()).optional(),
  /** Whether the arrays hold prior/smoothing (per item); absent = uniform α (models saved before it). */
  priorSmoothing: z.boolean().optional(),
});

/**
 * Text2Tracks ready to answer: `top` decodes the best k existing items; `score` gives an item's log-probability.
 * @example
 * const m = await Text2TracksServing.load(dir);
 * m.top(vector, "80s", { k: 10, exclude: [4051] }).items // Int32Array [812, 40, ...]
 */
export class Text2TracksServing {
  readonly trie: PrefixTrie;
  private readonly decoder: GruDecoder;
  /** With the count prior: per trie node the smoothing mass below it. */
  private readonly mass: Float64Array | undefined;

  constructor(readonly data: Text2TracksData) {
    if (data.ids.sequences.length !== data.itemIds.length) throw new RangeError(`${data.ids.sequences.length} identifiers for ${data.itemIds.length} items`);
    if (data.weights.vocab !== data.ids.tokens.length) throw new RangeError(`the decoder has ${data.weights.vocab} tokens, the ${data.ids.scheme} ids ${data.ids.tokens.length}`);
    this.trie = PrefixTrie.build(data.ids.sequences);
    this.decoder = new GruDecoder(data.weights);
    if (data.smoothing !== undefined && data.smoothing.length !== data.itemIds.length) throw new RangeError(`${data.smoothing.length} smoothing counts for ${data.itemIds.length} items`);
    this.mass = data.counts !== undefined ? smoothingMass(this.trie, data.smoothing) : undefined;
  }

  /** The decoder's state for a request (its raw vector and words); throws InputError for a vector of the wrong size. */
  root(vector: Float32Array, text: string): PreparedRoot {
    const want = this.data.weights.requestDims;
    if (vector.length !== want) throw new InputError(`text2tracks: request vector has ${vector.length} values, the model expects ${want}`, { field: "vector" });
    const state = this.decoder.root(vector, text);
    if (this.data.counts === undefined || this.mass === undefined) return { state };
    // A text never seen in train has no counts: its prior is the smoothing alone (popularity), as at training.
    const counts = nodeCounts(this.trie, this.data.counts, text) ?? new Map<number, number>();
    const { pw } = this.data.weights;
    const depth = this.trie.depth;
    const mass = this.mass;
    return { state, bias: (node) => pw[depth[node] - 1] * priorFeature(counts.get(node) ?? 0, mass[node]) };
  }

  /** The best `k` allowed items, best first, with their log-probabilities (constrained beam search). */
  top(vector: Float32Array, text: string, options: TopOptions): BeamResult {
    return this.search(this.root(vector, text), options);
  }

  /** {@link Text2TracksServing.top} from a request's decoder state (computed once per request). */
  search(root: PreparedRoot, options: TopOptions): BeamResult {
    return beamSearch(this.trie, this.decoder, root.state, { k: options.k, beam: options.beam ?? this.data.beam, exclude: options.exclude, accept: options.accept, bias: root.bias });
  }

  /** Exact scores (log-probabilities of their identifiers) of the given items. */
  score(root: PreparedRoot, items: ArrayLike<number>): Float32Array {
    return Float32Array.from({ length: items.length }, (_, i) => sequenceScore(this.trie, this.decoder, root.state, items[i], root.bias).reduce((a, b) => a + b, 0));
  }

  /**
   * One item's score as parts: the log-probability of each token of its identifier, named by position and token
   * (e.g. { "1 1:17": -0.9, "2 2:3": -0.4, "3 3:60": -0.2 }); they sum to its score.
   */
  explain(root: PreparedRoot, item: number): Record<string, number> {
    const steps = sequenceScore(this.trie, this.decoder, root.state, item, root.bias);
    const tokens = this.data.ids.sequences[item];
    return Object.fromEntries(Array.from(steps, (s, t) => [`${t + 1} ${this.data.ids.tokens[tokens[t]]}`, s]));
  }

  /** Writes the model into `dir` (model.json + weights.f32, each atomically). */
  async save(dir: string): Promise<void> {
    const { data } = this;
    const w = data.weights;
    const shapes = decoderShapes(w);
    const seqs = data.ids.sequences;
    const flat = new Float32Array(seqs.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of seqs) {
      flat.set(s, at); // token ids are < 2^24, exact in float32
      at += s.length;
    }
    const arrays: NamedArray[] = [
      ...DECODER_ARRAYS.map((k) => ({ name: `decoder/${k}`, shape: shapes[k], data: w[k] })),
      { name: "ids/lengths", shape: [seqs.length], data: Float32Array.from(seqs, (s) => s.length) },
      { name: "ids/tokens", shape: [flat.length], data: flat },
    ];
    const prior = data.counts !== undefined ? countsToArrays(data.counts) : undefined;
    if (prior !== undefined) {
      arrays.push(
        { name: "prior/offsets", shape: [prior.offsets.length], data: prior.offsets },
        { name: "prior/items", shape: [prior.items.length], data: prior.items },
        { name: "prior/counts", shape: [prior.values.length], data: prior.values },
        ...(data.smoothing !== undefined ? [{ name: "prior/smoothing", shape: [data.smoothing.length], data: data.smoothing }] : []),
      );
    }
    const meta: z.input<typeof MetaSchema> = {
      format: FORMAT,
      itemIds: [...data.itemIds],
      encoderId: data.encoderId,
      scheme: data.ids.scheme,
      source: data.ids.source,
      tokens: [...data.ids.tokens],
      requestDims: w.requestDims,
      hidden: w.hidden,
      embed: w.embed,
      words: [...w.vocabulary],
      requestScale: w.requestScale,
      beam: data.beam,
      training: { ...data.training },
      ...(prior !== undefined ? { priorTexts: prior.texts, ...(data.smoothing !== undefined ? { priorSmoothing: true } : {}) } : {}),
    };
    await saveArrays(dir, meta, arrays);
  }

  /** Reads what {@link Text2TracksServing.save} wrote; a missing or inconsistent file is a DataError naming it. */
  static async load(dir: string): Promise<Text2TracksServing> {
    const { meta, file, need } = await loadModelArrays(dir, MetaSchema, FORMAT);
    const n = meta.itemIds.length;
    const lengths = need("ids/lengths", [n]);
    const dims = { requestDims: meta.requestDims, hidden: meta.hidden, embed: meta.embed, vocab: meta.tokens.length, words: meta.words.length, depth: Math.max(...lengths) };
    const shapes = decoderShapes(dims);
    const w = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, need(`decoder/${k}`, shapes[k])])) as Record<(typeof DECODER_ARRAYS)[number], Float32Array>;
    let counts: TextCounts | undefined;
    let smoothing: Float32Array | undefined;
    if (meta.priorTexts !== undefined) {
      const offsets = need("prior/offsets", [meta.priorTexts.length + 1]);
      const pairs = offsets[meta.priorTexts.length];
      counts = countsFromArrays(meta.priorTexts, offsets, need("prior/items", [pairs]), need("prior/counts", [pairs]));
      if (meta.priorSmoothing === true) smoothing = need("prior/smoothing", [n]);
    }
    const total = lengths.reduce((a, b) => a + b, 0);
    const flat = need("ids/tokens", [total]);
    let at = 0;
    const sequences = Array.from(lengths, (len) => {
      const s = Int32Array.from(flat.subarray(at, at + len));
      at += len;
      return s;
    });
    try {
      return new Text2TracksServing({
        itemIds: meta.itemIds,
        encoderId: meta.encoderId,
        ids: { scheme: meta.scheme, source: meta.source, tokens: meta.tokens, sequences },
        weights: { ...dims, requestScale: meta.requestScale, vocabulary: meta.words, ...w },
        beam: meta.beam,
        training: meta.training,
        ...(counts !== undefined ? { counts } : {}),
        ...(smoothing !== undefined ? { smoothing } : {}),
      });
    } catch (err) {
      throw new DataError(`${file}: ${(err as Error).message}`, { path: file, cause: err });
    }
  }
}

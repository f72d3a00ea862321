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

  constructor(readonly data: Text2TracksData) {
    if (data.ids.sequences.length !== data.itemIds.length) throw new RangeError(`${data.ids.sequences.length} identifiers for ${data.itemIds.length} items`);
    if (data.weights.vocab !== data.ids.tokens.length) throw new RangeError(`the decoder has ${data.weights.vocab} tokens, the ${data.ids.scheme} ids ${data.ids.tokens.length}`);
    this.trie = PrefixTrie.build(data.ids.sequences);
    this.decoder = new GruDecoder(data.weights);
  }

  /** The decoder's state for a request (its raw vector and words); throws InputError for a vector of the wrong size. */
  root(vector: Float32Array, text: string): DecoderState {
    const want = this.data.weights.requestDims;
    if (vector.length !== want) throw new InputError(`text2tracks: request vector has ${vector.length} values, the model expects ${want}`, { field: "vector" });
    return this.decoder.root(vector, text);
  }

  /** The best `k` allowed items, best first, with their log-probabilities (constrained beam search). */
  top(vector: Float32Array, text: string, options: TopOptions): BeamResult {
    return this.search(this.root(vector, text), options);
  }

  /** {@link Text2TracksServing.top} from a request's decoder state (computed once per request). */
  search(root: DecoderState, options: TopOptions): BeamResult {
    return beamSearch(this.trie, this.decoder, root, { k: options.k, beam: options.beam ?? this.data.beam, exclude: options.exclude, accept: options.accept });
  }

  /** Exact scores (log-probabilities of their identifiers) of the given items. */
  score(root: DecoderState, items: ArrayLike<number>): Float32Array {
    return Float32Array.from({ length: items.length }, (_, i) => sequenceScore(this.trie, this.decoder, root, items[i]).reduce((a, b) => a + b, 0));
  }

  /**
   * One item's score as parts: the log-probability of each token of its identifier, named by position and token
   * (e.g. { "1 1:17": -0.9, "2 2:3": -0.4, "3 3:60": -0.2 }); they sum to its score.
   */
  explain(root: DecoderState, item: number): Record<string, number> {
    const steps = sequenceScore(this.trie, this.decoder, root, item);
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
    };
    await saveArrays(dir, meta, arrays);
  }

  /** Reads what {@link Text2TracksServing.save} wrote; a missing or inconsistent file is a DataError naming it. */
  static async load(dir: string): Promise<Text2TracksServing> {
    const { meta, file, need } = await loadModelArrays(dir, MetaSchema, FORMAT);
    const dims = { requestDims: meta.requestDims, hidden: meta.hidden, embed: meta.embed, vocab: meta.tokens.length, words: meta.words.length };
    const shapes = decoderShapes(dims);
    const w = Object.fromEntries(DECODER_ARRAYS.map((k) => [k, need(`decoder/${k}`, shapes[k])])) as Record<(typeof DECODER_ARRAYS)[number], Float32Array>;
    const n = meta.itemIds.length;
    const lengths = need("ids/lengths", [n]);
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
      });
    } catch (err) {
      throw new DataError(`${file}: ${(err as Error).message}`, { path: file, cause: err });
    }
  }
}

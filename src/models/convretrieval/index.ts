/**
 * @file convretrieval: LP-MusicDialog's conversational retrieval model. A dialogue-history encoder maps the current
 * utterance, the earlier utterances and the liked / disliked tracks so far into the item space, where items are their
 * text vectors (`tagtext`) through a residual item map; trained with InfoNCE (in-batch negatives) on generated
 * CPCD-format dialogues (`askmusic synth-dialogs`), never on the split it ranks.
 */
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { mulberry32, randInt, shuffleInPlace } from "../../core/random.js";
import { loadCpcdDialogs } from "../../datasets/cpcd/index.js";
import type { CpcdDialog } from "../../datasets/types.js";
import { cpcdTrackText } from "../../domains/cpcd.js";
import type { Domain } from "../../domains/types.js";
import { DataError, InputError, ModelFitError } from "../../errors.js";
import { rankByScoring } from "../rank.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext, ScoreComponents, ScoreRequest } from "../recommender.js";
import { requestVectors } from "../request-vectors.js";
import { tfReady, type tf as TF } from "../tf/backend.js";
import { loadArrays, saveArrays } from "../tf/weights-io.js";

const FORMAT = "askmusic/convretrieval@1";
/** CPCD's protocol hands a model the first 3 liked results of each earlier turn (its seeds): train on the same. */
const SEEDS_PER_TURN = 3;
/** The history's parts, in feature order: the current utterance, earlier utterances, liked tracks, disliked tracks. */
const PARTS = ["utterance", "earlier", "liked", "disliked"] as const;

/** convretrieval options. */
export const ConvRetrievalOptionsSchema = z
  .object({
    /** CPCD-format JSONL of generated dialogues to train on (required by `fit`; `eval --train-dialogs`). */
    trainDialogs: z.string().min(1).optional(),
    /** [maxDialogues=1000] Dialogues read from the file (the first ones): encoding their texts is the slow part. */
    maxDialogues: z.number().int().min(10).default(1000),
    /** [epochs=2] Epochs; the epoch with the lowest selection loss is kept (epoch 0 = the untrained start). */
    epochs: z.number().int().min(0).max(100).default(2),
    /** [batchSize=256] In-batch negatives per positive = batchSize - 1. */
    batchSize: z.number().int().min(8).max(4096).default(256),
    /** [learningRate=1e-3] Adam. */
    learningRate: z.number().positive().max(1).default(1e-3),
    /** [temperature=0.05] InfoNCE temperature over cosine similarities. */
    temperature: z.number().positive().max(1).default(0.05),
    /** [selectionShare=0.1] Training dialogues held out (by position) to select the epoch on. */
    selectionShare: z.number().min(0.02).max(0.5).default(0.1),
  })
  .strict();
export type ConvRetrievalOptions = z.input<typeof ConvRetrievalOptionsSchema>;

/** Fits of this process by domain, then by options and seed (see `fit`). Weights are never mutated after a fit. */
const fitted = new WeakMap<Domain, Map<string, { w: Float32Array; v: Float32Array; notes: Record<string, number | string> }>>();

/** One training example: a turn's history features and its answer key (goal tracks not yet seeded). */
interface Example {
  readonly features: Float32Array;
  /** Row indices into the training item matrix. */
  readonly positives: readonly number[];
}

/**
 * score(request, item) = cos(W·[u; mean earlier u; mean liked; mean disliked], x_item + V·x_item), with u the USE
 * vectors of utterances and x the items' `tagtext` vectors. W starts as [I; 0.3 I; 0.5 I; 0] and V at 0, so the
 * untrained model is dense retrieval with the history mixed in; training moves both by InfoNCE.
 * @example
 * const m = new ConvRetrievalRecommender({ trainDialogs: "train.jsonl" });
 * await m.fit(cpcdDomain, { seed: 42 });
 * (await m.rank([{ text: "more like this", turns: [{ user: "some jazz", liked: [3] }] }], { k: 10 }))[0].items;
 */
export class ConvRetrievalRecommender implements Recommender {
  readonly name = "convretrieval";
  /** Reads the words and the earlier turns (their words, liked and disliked items); user, history, profile ignored. */
  readonly context: ContextUse = { uses: ["text", "turns"], needs: ["text"] };
  private readonly options: z.output<typeof ConvRetrievalOptionsSchema>;
  private domain: Domain | undefined;
  private dims = 0;
  /** (4·dims) × dims, row-major: history features → item space. */
  private w: Float32Array | undefined;
  /** dims × dims: the item map's residual. */
  private v: Float32Array | undefined;
  /** The domain's items mapped and L2-normalised (rows = items). */
  private keys: Matrix | undefined;

  constructor(options: ConvRetrievalOptions = {}) {
    const parsed = ConvRetrievalOptionsSchema.safeParse(options);
    if (!parsed.success) throw new InputError(`bad convretrieval options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  async fit(domain: Domain, fit: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const file = this.options.trainDialogs;
    if (file === undefined) throw new InputError("convretrieval trains on generated dialogues: pass their file (askmusic eval cpcd --train-dialogs dialogs.jsonl, made by askmusic synth-dialogs)", { field: "train-dialogs" });
    const items = this.itemMatrix(domain);
    this.dims = items.cols;
    // One fit per (domain, file, options, seed) in a process: `eval --models convretrieval,state+convretrieval` trains
    // once, and the fusion reuses it (the weights depend on nothing else).
    const key = JSON.stringify({ options: this.options, seed: fit.seed });
    const memo = fitted.get(domain)?.get(key);
    if (memo !== undefined) {
      this.w = memo.w;
      this.v = memo.v;
      this.bind(domain);
      fit.log?.("convretrieval: reusing the fit of this run (same domain, dialogues, options and seed)");
      return { trainSeconds: (performance.now() - t0) / 1000, notes: memo.notes };
    }
    // Integrity: a dialogue of the evaluated split never trains the model, whatever file it came in.
    const evaluated = new Set(domain.evaluatedDialogIds ?? []);
    const dialogs = (await loadCpcdDialogs(file)).filter((d) => !evaluated.has(d.id)).slice(0, this.options.maxDialogues);
    if (dialogs.length < 10) throw new InputError(`convretrieval: ${file} has ${dialogs.length} usable dialogues (not in the evaluated split); generate more with askmusic synth-dialogs`, { field: "train-dialogs" });
    const nSelect = Math.max(1, Math.round(dialogs.length * this.options.selectionShare));
    const { examples, itemVectors } = await this.examples(dialogs, domain, fit);
    const select = examples.filter((e) => e.dialog < nSelect).map((e) => e.example);
    const train = examples.filter((e) => e.dialog >= nSelect).map((e) => e.example);
    if (train.length === 0 || select.length === 0) throw new InputError(`convretrieval: ${file} yields no turn with a goal track left to find`, { field: "train-dialogs" });
    fit.log?.(`convretrieval: ${train.length} training turns, ${select.length} selection turns from ${dialogs.length} dialogues (${itemVectors.rows} goal/seed tracks)`);
    const notes = await this.train(train, select, itemVectors, fit);
    this.bind(domain);
    const byKey = fitted.get(domain) ?? new Map();
    byKey.set(key, { w: this.w!, v: this.v!, notes });
    fitted.set(domain, byKey);
    return { trainSeconds: (performance.now() - t0) / 1000, notes };
  }

  /** Training examples: every turn with goal tracks left after the seeds so far, its features and positives. */
  private async examples(dialogs: readonly CpcdDialog[], domain: Domain, fit: FitOptions): Promise<{ examples: { dialog: number; example: Example }[]; itemVectors: Matrix }> {
    const trackRow = new Map<string, number>();
    const trackTexts: string[] = [];
    const utterances = new Set<string>();
    const trackOf = (d: CpcdDialog, id: string) => {
      const t = d.tracks.get(id);
      if (t === undefined) return undefined;
      if (!trackRow.has(id)) {
        trackRow.set(id, trackTexts.length);
        trackTexts.push(cpcdTrackText(t));
      }
      return trackRow.get(id)!;
    };
    for (const d of dialogs) {
      for (const t of d.turns) utterances.add(t.userQuery);
      for (const id of d.goalPlaylist) trackOf(d, id);
      for (const t of d.turns) for (const id of [...t.liked.slice(0, SEEDS_PER_TURN), ...t.disliked]) trackOf(d, id);
    }
    fit.onProgress?.("convretrieval texts", 0, 2);
    const utteranceList = [...utterances];
    const uVec = await domain.encodeQueries(utteranceList);
    fit.onProgress?.("convretrieval texts", 1, 2);
    const itemVectors = await domain.encodeQueries(trackTexts);
    fit.onProgress?.("convretrieval texts", 2, 2);
    if (uVec.cols !== this.dims || itemVectors.cols !== this.dims) {
      throw new DataError(`convretrieval: the domain's query encoder gives ${uVec.cols}-d vectors but its items' tagtext has ${this.dims}: both must come from one encoder`, { path: this.options.trainDialogs ?? "" });
    }
    const uRow = new Map(utteranceList.map((u, i) => [u, i]));
    const out: { dialog: number; example: Example }[] = [];
    dialogs.forEach((d, di) => {
      const seeds = new Set<string>();
      d.turns.forEach((turn, t) => {
        // The gold of turn t, as CPCD scores it: the goal minus every seed of turns 0..t (by cluster).
        for (const id of turn.liked.slice(0, SEEDS_PER_TURN)) seeds.add(d.tracks.get(id)?.clusterId ?? id);
        const positives = d.goalPlaylist.filter((id) => !seeds.has(d.tracks.get(id)?.clusterId ?? id) && trackRow.has(id)).map((id) => trackRow.get(id)!);
        if (positives.length === 0) return;
        const earlier = d.turns.slice(0, t);
        const rowsOf = (ids: readonly string[]) => ids.filter((id) => trackRow.has(id)).map((id) => trackRow.get(id)!);
        const features = historyFeatures(
          this.dims,
          rowView(uVec, uRow.get(turn.userQuery)!),
          earlier.map((e) => rowView(uVec, uRow.get(e.userQuery)!)),
          rowsOf(earlier.flatMap((e) => e.liked.slice(0, SEEDS_PER_TURN))).map((r) => rowView(itemVectors, r)),
          rowsOf(earlier.flatMap((e) => e.disliked)).map((r) => rowView(itemVectors, r)),
        );
        out.push({ dialog: di, example: { features, positives } });
      });
    });
    return { examples: out, itemVectors };
  }

  private async train(train: readonly Example[], select: readonly Example[], items: Matrix, fit: FitOptions): Promise<Record<string, number | string>> {
    const tf = await tfReady();
    const D = this.dims;
    const F = PARTS.length * D;
    const w0 = new Float32Array(F * D);
    for (let i = 0; i < D; i++) {
      w0[i * D + i] = 1; // current utterance
      w0[(D + i) * D + i] = 0.3; // earlier utterances
      w0[(2 * D + i) * D + i] = 0.5; // liked tracks
    }
    const W = tf.variable(tf.tensor2d(w0, [F, D]));
    const V = tf.variable(tf.zeros([D, D]));
    const itemsT = tf.tensor2d(items.data, [items.rows, items.cols]);
    const optimizer = tf.train.adam(this.options.learningRate);
    const rng = mulberry32(fit.seed);
    const tau = this.options.temperature;
    const B = this.options.batchSize;
    try {
      const batchLoss = (batch: readonly Example[], positives: readonly number[]): TF.Scalar =>
        tf.tidy(() => {
          const f = tf.tensor2d(concatRows(batch.map((e) => e.features), F), [batch.length, F]);
          const x = tf.gather(itemsT, tf.tensor1d(Int32Array.from(positives), "int32")) as TF.Tensor2D;
          const q = l2(tf, f.matMul(W as TF.Tensor2D) as TF.Tensor2D);
          const k = l2(tf, x.add(x.matMul(V as TF.Tensor2D)) as TF.Tensor2D);
          // The same track twice in a batch is not a negative of itself.
          const mask = new Float32Array(batch.length * batch.length);
          for (let i = 0; i < batch.length; i++) for (let j = 0; j < batch.length; j++) if (i !== j && positives[i] === positives[j]) mask[i * batch.length + j] = -1e9;
          const logits = q.matMul(k, false, true).div(tau).add(tf.tensor2d(mask, [batch.length, batch.length]));
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, batch.length, 1, "int32"), batch.length), logits) as TF.Scalar;
        });
      // Selection: the same loss on held-out dialogues, with a fixed positive per example, in fixed batches.
      const selectRng = mulberry32(fit.seed ^ 0x5bd1e995);
      const selectPositives = select.map((e) => e.positives[randInt(selectRng, e.positives.length)]);
      const selectionLoss = (): number => {
        let sum = 0;
        let n = 0;
        for (let s = 0; s < select.length; s += B) {
          const batch = select.slice(s, s + B);
          if (batch.length < 2) continue;
          const l = batchLoss(batch, selectPositives.slice(s, s + B));
          sum += l.dataSync()[0] * batch.length;
          n += batch.length;
          l.dispose();
        }
        return n > 0 ? sum / n : Number.NaN;
      };
      let best = { epoch: 0, loss: selectionLoss(), w: await W.data(), v: await V.data() };
      fit.log?.(`convretrieval epoch 0 (start): selection InfoNCE ${best.loss.toFixed(4)}`);
      const order = train.map((_, i) => i);
      for (let epoch = 1; epoch <= this.options.epochs; epoch++) {
        shuffleInPlace(rng, order);
        let sum = 0;
        let steps = 0;
        const total = Math.ceil(order.length / B);
        for (let s = 0; s < order.length; s += B) {
          const idx = order.slice(s, s + B);
          if (idx.length < 2) continue;
          const batch = idx.map((i) => train[i]);
          const positives = batch.map((e) => e.positives[randInt(rng, e.positives.length)]);
          const loss = optimizer.minimize(() => batchLoss(batch, positives), true, [W, V]);
          const value = loss!.dataSync()[0];
          loss!.dispose();
          if (!Number.isFinite(value)) throw new ModelFitError(`convretrieval: the InfoNCE loss became ${value} at epoch ${epoch}; lower --learningRate`);
          sum += value;
          steps++;
          fit.onProgress?.(`convretrieval epoch ${epoch}`, steps, total);
        }
        const sel = selectionLoss();
        fit.log?.(`convretrieval epoch ${epoch}: train InfoNCE ${(sum / Math.max(1, steps)).toFixed(4)}, selection ${sel.toFixed(4)}`);
        if (sel < best.loss) best = { epoch, loss: sel, w: await W.data(), v: await V.data() };
      }
      this.w = Float32Array.from(best.w);
      this.v = Float32Array.from(best.v);
      return { best_epoch: best.epoch, selection_infonce: Number(best.loss.toFixed(4)), train_turns: train.length, selection_turns: select.length };
    } finally {
      W.dispose();
      V.dispose();
      itemsT.dispose();
      optimizer.dispose();
    }
  }

  /** Maps and normalises the domain's items once. */
  private bind(domain: Domain): void {
    const items = this.itemMatrix(domain);
    const D = this.dims;
    const v = this.v!;
    const keys = matrix(items.rows, D);
    for (let r = 0; r < items.rows; r++) {
      const x = items.data.subarray(r * D, (r + 1) * D);
      const out = keys.data.subarray(r * D, (r + 1) * D);
      out.set(x);
      for (let i = 0; i < D; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        const vr = v.subarray(i * D, (i + 1) * D);
        for (let j = 0; j < D; j++) out[j] += xi * vr[j];
      }
      normalizeInPlace(out);
    }
    this.keys = keys;
    this.domain = domain;
  }

  private itemMatrix(domain: Domain): Matrix {
    const items = domain.items.features.tagtext;
    if (items === undefined) throw new InputError(`convretrieval ranks items by their tagtext vectors; domain ${domain.name} has none`, { field: "features" });
    return items;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async score(requests: readonly ScoreRequest[]): Promise<Matrix> {
    const { keys, domain } = this.require();
    const D = this.dims;
    const items = this.itemMatrix(domain);
    const out = matrix(requests.length, keys.rows);
    if (requests.length === 0) return out;
    const current = await requestVectors(requests, domain);
    const earlierTexts = [...new Set(requests.flatMap((r) => (r.turns ?? []).map((t) => t.user)))];
    const earlier = await requestVectors(earlierTexts.map((text) => ({ text })), domain);
    const earlierRow = new Map(earlierTexts.map((t, i) => [t, i]));
    requests.forEach((r, ri) => {
      const turns = r.turns ?? [];
      const f = historyFeatures(
        D,
        rowView(current, ri),
        turns.map((t) => rowView(earlier, earlierRow.get(t.user)!)),
        turns.flatMap((t) => t.liked ?? []).map((i) => rowView(items, i)),
        turns.flatMap((t) => t.disliked ?? []).map((i) => rowView(items, i)),
      );
      const q = normalizeInPlace(vecMatRows(f, this.w!, D));
      const row = out.data.subarray(ri * keys.rows, (ri + 1) * keys.rows);
      for (let j = 0; j < keys.rows; j++) {
        let s = 0;
        const k = keys.data.subarray(j * D, (j + 1) * D);
        for (let c = 0; c < D; c++) s += q[c] * k[c];
        row[j] = s;
      }
    });
    return out;
  }

  async explain(request: ScoreRequest, item: number): Promise<ScoreComponents> {
    const s = await this.score([request]);
    return { parts: { history: s.data[item] } };
  }

  async save(dir: string): Promise<void> {
    this.require();
    const D = this.dims;
    await saveArrays(dir, { format: FORMAT, dims: D, domain: this.domain!.name, options: this.options }, [
      { name: "w", shape: [PARTS.length * D, D], data: this.w! },
      { name: "v", shape: [D, D], data: this.v! },
    ]);
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const { meta, arrays } = await loadArrays(dir);
    if (meta.format !== FORMAT) throw new DataError(`${dir}: not a convretrieval model (format ${String(meta.format)})`, { path: dir });
    const w = arrays.get("w");
    const v = arrays.get("v");
    const D = Number(meta.dims);
    if (w === undefined || v === undefined || w.data.length !== PARTS.length * D * D || v.data.length !== D * D) throw new DataError(`${dir}: convretrieval weights are missing or of the wrong size`, { path: dir });
    if (this.itemMatrix(domain).cols !== D) throw new DataError(`${dir}: the model is ${D}-d, domain ${domain.name}'s tagtext ${this.itemMatrix(domain).cols}-d`, { path: dir });
    this.dims = D;
    this.w = Float32Array.from(w.data);
    this.v = Float32Array.from(v.data);
    this.bind(domain);
  }

  dispose(): void {
    this.keys = undefined;
  }

  private require(): { keys: Matrix; domain: Domain } {
    if (this.keys === undefined || this.domain === undefined) throw new ModelFitError("convretrieval is not fitted: call fit or load first");
    return { keys: this.keys, domain: this.domain };
  }
}

/** [u; mean earlier; mean liked; mean disliked], zeros for an empty part. */
function historyFeatures(D: number, u: Float32Array, earlier: readonly Float32Array[], liked: readonly Float32Array[], disliked: readonly Float32Array[]): Float32Array {
  const f = new Float32Array(PARTS.length * D);
  f.set(u, 0);
  [earlier, liked, disliked].forEach((vs, p) => {
    if (vs.length === 0) return;
    const off = (p + 1) * D;
    for (const v of vs) for (let i = 0; i < D; i++) f[off + i] += v[i] / vs.length;
  });
  return f;
}

/** x (length rows of w) · w (rows × cols, row-major). */
function vecMatRows(x: Float32Array, w: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const wr = w.subarray(i * cols, (i + 1) * cols);
    for (let j = 0; j < cols; j++) out[j] += xi * wr[j];
  }
  return out;
}

function normalizeInPlace(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  // A zero vector stays zero (scores 0), never NaN.
  const s = 1 / Math.max(Math.sqrt(n), 1e-10);
  for (let i = 0; i < v.length; i++) v[i] *= s;
  return v;
}

function rowView(m: Matrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

function concatRows(rows: readonly Float32Array[], cols: number): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(r, i * cols));
  return out;
}

function l2(tf: typeof TF, t: TF.Tensor2D): TF.Tensor2D {
  return t.div(tf.sqrt(t.square().sum(1, true).add(1e-12)));
}

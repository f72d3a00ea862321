/**
 * @file Mult-VAE (Liang et al., "Variational Autoencoders for Collaborative Filtering", WWW 2018): a user's binarised
 * history -> a Gaussian latent -> a multinomial over every item; the CF baseline APRON is measured against.
 */
import { z } from "zod";
import { matrix, type Matrix } from "../../core/matrix.js";
import { mulberry32, randNormal } from "../../core/random.js";
import type { Domain } from "../../domains/types.js";
import { InputError, ModelFitError } from "../../errors.js";
import { distinctHistory } from "../history-items.js";
import { rankByScoring } from "../rank.js";
import type { ContextUse, FitOptions, FitReport, RankOptions, RankedList, Recommender, RequestContext } from "../recommender.js";
import { tf, tfReady } from "../tf/backend.js";
import { denseForward, glorot, ParamSet, sparseRowsForward } from "../tf/dense-params.js";
import { matMulConstA, matMulFast } from "../tf/ops.js";
import { binaryRows, runUserEpochs, USER_EPOCH_SHAPE, type UserBatch } from "../tf/user-epochs.js";
import { loadModelArrays, saveArrays } from "../tf/weights-io.js";
import { meanNdcgAtK } from "../validation.js";

const FORMAT = "askmusic/multvae@1";

/** Mult-VAE options (the paper's [n -> 600 -> 200 -> 600 -> n], tanh, dropout 0.5, β annealed to 0.2). */
export const MultVaeOptionsSchema = z
  .object({
    ...USER_EPOCH_SHAPE,
    /** [600] Hidden layer of encoder and decoder. */
    hidden: z.number().int().min(1),
    /** [200] Latent size. */
    latent: z.number().int().min(1),
    /** [0.2] The KL weight's cap. */
    betaCap: z.number().min(0),
    /** [2000] Steps over which β grows linearly from 0 to its cap (the paper anneals over 200k steps of ML-20M). */
    annealSteps: z.number().int().min(1),
  })
  .strict();
export type MultVaeOptions = z.input<ReturnType<typeof MultVaeOptionsSchema.partial>>;

// The recipe measured on lfm2k-cf (BENCHMARKS.md): training stopped by patience well before the epoch cap.
const DEFAULTS: z.output<typeof MultVaeOptionsSchema> = {
  epochs: 120,
  patience: 15,
  batchSize: 128,
  learningRate: 1e-3,
  dropout: 0.5,
  hidden: 600,
  latent: 200,
  betaCap: 0.2,
  annealSteps: 2000,
};

const MetaSchema = z.object({ format: z.literal(FORMAT), domain: z.string(), items: z.number().int(), options: MultVaeOptionsSchema });

/**
 * Mult-VAE over a domain's training interactions, selected by NDCG@100 on `domain.val` after each epoch (patience),
 * never refitted. Reads the listening history only (binarised, L2-normalised as in the paper); ignores its weights,
 * the words, the user, turns, profile edits and adapters. Scores with the latent mean, in plain JS.
 * @example
 * const m = new MultVaeRecommender({ epochs: 50 }); await m.fit(domain, { seed: 42 });
 * (await m.rank([{ text: "", history: { items: [12, 40] } }], { k: 10, exclude: [new Set([12, 40])] }))[0].items;
 */
export class MultVaeRecommender implements Recommender {
  readonly name = "multvae";
  readonly context: ContextUse = { uses: ["history"], needs: ["history"] };
  private readonly options: z.output<typeof MultVaeOptionsSchema>;
  private weights: Record<string, Float32Array> | undefined;
  private nItems = 0;
  private domainName = "";

  constructor(options: MultVaeOptions = {}) {
    const parsed = MultVaeOptionsSchema.safeParse({ ...DEFAULTS, ...options });
    if (!parsed.success) throw new InputError(`bad multvae options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.options = parsed.data;
  }

  rank(requests: readonly RequestContext[], options: RankOptions): Promise<RankedList[]> {
    return rankByScoring(this, requests, options);
  }

  async fit(domain: Domain, fitOptions: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    await tfReady();
    const x = domain.interactions;
    const n = domain.items.ids.length;
    if (x === undefined) throw new ModelFitError(`multvae: domain ${domain.name} has no interactions (users x items) to fit on`);
    if (x.cols !== n) throw new ModelFitError(`multvae: domain ${domain.name} has ${n} items but its interactions have ${x.cols} columns`);
    this.nItems = n;
    this.domainName = domain.name;
    const o = this.options;
    const rng = mulberry32(fitOptions.seed);
    const params = new ParamSet();
    const zeros = (k: number) => new Float32Array(k);
    const We = params.add("We", [n, o.hidden], glorot(rng, n, o.hidden));
    const be = params.add("be", [o.hidden], zeros(o.hidden));
    const Wmu = params.add("Wmu", [o.hidden, o.latent], glorot(rng, o.hidden, o.latent));
    const bmu = params.add("bmu", [o.latent], zeros(o.latent));
    const Wlv = params.add("Wlv", [o.hidden, o.latent], glorot(rng, o.hidden, o.latent));
    const blv = params.add("blv", [o.latent], zeros(o.latent));
    const Wd1 = params.add("Wd1", [o.latent, o.hidden], glorot(rng, o.latent, o.hidden));
    const bd1 = params.add("bd1", [o.hidden], zeros(o.hidden));
    const Wd2 = params.add("Wd2", [o.hidden, n], glorot(rng, o.hidden, n));
    const bd2 = params.add("bd2", [n], zeros(n));
    const optimizer = tf.train.adam(o.learningRate);
    const selection = domain.val.filter((q) => q.relevant.length > 0 && (q.history?.items.length ?? 0) > 0);
    try {
      const step = (batch: UserBatch, index: number) => {
        const beta = Math.min(o.betaCap, (o.betaCap * index) / o.annealSteps);
        // Inputs are L2-normalised after dropout, as in the paper's encoder.
        const input = Float32Array.from(batch.input);
        for (let b = 0; b < batch.users; b++) {
          const r = input.subarray(b * n, (b + 1) * n);
          let c = 0;
          for (const v of r) c += v;
          const s = 1 / Math.sqrt(Math.max(c, 1));
          for (let j = 0; j < n; j++) r[j] *= s;
        }
        const noise = Float32Array.from({ length: batch.users * o.latent }, () => randNormal(rng));
        let parts = { nll: 0, kl: 0 };
        const loss = tf.tidy(() => {
          const xin = tf.tensor2d(input, [batch.users, n]);
          const target = tf.tensor2d(batch.target, [batch.users, n]);
          const eps = tf.tensor2d(noise, [batch.users, o.latent]);
          const { value, grads } = tf.variableGrads(() => {
            const h = tf.tanh(tf.add(matMulConstA(xin, We as tf.Tensor2D), be)) as tf.Tensor2D;
            const mu = tf.add(matMulFast(h, Wmu as tf.Tensor2D), bmu);
            const logvar = tf.add(matMulFast(h, Wlv as tf.Tensor2D), blv);
            const zed = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5))));
            const d = tf.tanh(tf.add(matMulFast(zed as tf.Tensor2D, Wd1 as tf.Tensor2D), bd1)) as tf.Tensor2D;
            const logits = tf.add(matMulFast(d, Wd2 as tf.Tensor2D), bd2);
            const nll = tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), target))), batch.users);
            const kl = tf.div(tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logvar), tf.add(tf.square(mu), tf.exp(logvar))))), batch.users);
            parts = { nll: nll.dataSync()[0], kl: kl.dataSync()[0] };
            return tf.add(nll, tf.mul(kl, beta)) as tf.Scalar;
          });
          optimizer.applyGradients(grads as tf.NamedTensorMap as never);
          return value.dataSync()[0];
        });
        return { loss, parts };
      };
      const result = await runUserEpochs(
        {
          name: "multvae",
          epochs: o.epochs,
          patience: o.patience,
          batchSize: o.batchSize,
          dropout: o.dropout,
          rows: binaryRows(x),
          nItems: n,
          rng,
          learningRate: o.learningRate,
          step,
          select:
            selection.length > 0
              ? async () => {
                  this.weights = params.arrays();
                  return meanNdcgAtK(this, selection, domain, 100);
                }
              : undefined,
          snapshot: () => params.snapshot(),
          restore: (w) => params.restore(w),
        },
        fitOptions,
      );
      this.weights = params.arrays();
      return {
        trainSeconds: (performance.now() - t0) / 1000,
        notes: {
          epochs: result.epochs,
          bestEpoch: result.bestEpoch,
          selection_ndcg100: result.bestSelectionNdcg100 ?? "n/a (no selection users)",
          secondsPerEpoch: result.trainSeconds / Math.max(result.epochs, 1),
          lastLoss: result.lastLoss,
        },
      };
    } finally {
      optimizer.dispose();
      params.dispose();
    }
  }

  async score(requests: readonly RequestContext[]): Promise<Matrix> {
    const w = this.require();
    const { hidden, latent } = this.options;
    const n = this.nItems;
    const out = matrix(requests.length, n);
    requests.forEach((r, q) => {
      const items = distinctHistory(r, q, n, this.name, this.domainName);
      const h = sparseRowsForward(items, 1 / Math.sqrt(items.size), w.We, w.be, hidden, "tanh");
      const mu = denseForward(h, w.Wmu, w.bmu, latent, "linear");
      const d = denseForward(mu, w.Wd1, w.bd1, hidden, "tanh");
      out.data.set(denseForward(d, w.Wd2, w.bd2, n, "linear"), q * n);
    });
    return out;
  }

  async save(dir: string): Promise<void> {
    const w = this.require();
    const { hidden, latent } = this.options;
    const n = this.nItems;
    const shapes: Record<string, number[]> = { We: [n, hidden], be: [hidden], Wmu: [hidden, latent], bmu: [latent], Wd1: [latent, hidden], bd1: [hidden], Wd2: [hidden, n], bd2: [n] };
    await saveArrays(
      dir,
      { format: FORMAT, domain: this.domainName, items: n, options: this.options },
      Object.entries(shapes).map(([name, shape]) => ({ name, shape, data: w[name] })),
    );
  }

  async load(dir: string, domain: Domain): Promise<void> {
    const { meta, need } = await loadModelArrays(dir, MetaSchema, FORMAT);
    const n = domain.items.ids.length;
    const { hidden, latent } = meta.options;
    if (meta.options.hidden !== this.options.hidden || meta.options.latent !== this.options.latent) Object.assign(this.options, { hidden, latent });
    this.weights = {
      We: need("We", [n, hidden]),
      be: need("be", [hidden]),
      Wmu: need("Wmu", [hidden, latent]),
      bmu: need("bmu", [latent]),
      Wd1: need("Wd1", [latent, hidden]),
      bd1: need("bd1", [hidden]),
      Wd2: need("Wd2", [hidden, n]),
      bd2: need("bd2", [n]),
    };
    this.nItems = n;
    this.domainName = domain.name;
  }

  dispose(): void {
    this.weights = undefined;
  }

  private require(): Record<string, Float32Array> {
    if (this.weights === undefined) throw new ModelFitError("multvae model used before fit() or load()");
    return this.weights;
  }
}

/**
 * @file JAM's options (validated with zod) and the defaults shared by jam-avg, jam-cross and jam-moe.
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import { PAIR_FEATURES } from "../pair-features.js";
import { BPR_TRAINING_SHAPE } from "../tf/training-loop.js";

/** How an item's projected modality vectors become one item vector. */
export const MIXINGS = ["avg", "cross", "moe"] as const;
export type Mixing = (typeof MIXINGS)[number];

/** Options of a JAM model. Every field has a default (see {@link JAM_DEFAULTS}). */
export const JamOptionsSchema = z
  .object({
    /** Shared embedding size d of users, requests and item modalities. [128] */
    dims: z.number().int().min(1),
    /**
     * Frozen inputs wider than this are reduced to it by a fixed PCA fit on the item matrix (unsupervised, seeded)
     * before training: 4x fewer FLOPs per step at 512 → 128, little lost. 0 = no reduction. [128]
     */
    inputDims: z.number().int().min(0),
    // epochs (the cosine schedule spans them), patience, batchSize, negatives, learningRate, weightDecay:
    ...BPR_TRAINING_SHAPE,
    /** "cosine": lr decays to 0 over `epochs` (JAM's schedule); "constant". ["cosine"] */
    schedule: z.enum(["cosine", "constant"]),
    /** MoE: experts (modalities) kept per (request, item) pair. [2] */
    topK: z.number().int().min(1),
    /**
     * Per-item score offset: "none"; "popularity" = a learned weight x standardised log(1 + train popularity);
     * "learned" = that plus a free learned bias per item. ["learned"]
     */
    itemBias: z.enum(["none", "popularity", "learned"]),
    /**
     * Share of each batch's negative pool drawn in proportion to (train popularity + 1)^0.75 instead of uniformly:
     * harder negatives (popular items that are not this request's). [0]
     */
    popularNegatives: z.number().min(0).max(1),
    /**
     * Learned ID embeddings (trainable d-dim vectors, init ±0.01), fit on the same training queries as every other
     * weight — no extra input: "items" adds an `id` item modality (fused like the frozen ones, so it gets a
     * fusion weight too), "users" adds a per-user vector to the user embedding, "both" does both. ["both"]
     */
    idEmbeddings: z.enum(["none", "items", "users", "both"]),
    /**
     * Selection queries scored after each epoch: at most this many, an evenly strided deterministic subset of
     * domain.val (0 = all). Scoring every item for every selection query each epoch is a large share of fit time.
     * [1000]
     */
    selectionQueries: z.number().int().min(0),
    /**
     * Append a user-history block to the user input: per frozen item modality, the mean input of the items the user's
     * training queries list as relevant (train split only; see `userHistory` in index.ts). This is an input derived
     * from the training split on top of the frozen features (the official JAM has no such block): set false for
     * the strict "identical inputs" comparison. [true: lfm2k-tagq selection NDCG@10 0.2231 → 0.2513 at 8 epochs]
     */
    userHistory: z.boolean(),
    /** Item modalities (keys of items.features); undefined = every feature the domain has, in key order. */
    itemFeatures: z.array(z.string()).min(1).optional(),
    /** Key of users.features used as the user input; ignored when the domain has no users. ["cf"] */
    userFeature: z.string(),
    /**
     * Count features of the (request, item) pair added to the score with learned weights (pair-prior.ts): the
     * listener's log plays of the item (`history`), how often train requests with these words list it
     * (`cooccurrence`), and the listener's own earlier train choices (`tagged`). Features the domain has no data for
     * are dropped at fit time. Saved models from before the prior load without one. [all three]
     */
    pairFeatures: z.array(z.enum(PAIR_FEATURES)).default([]),
    /**
     * Share of each positive's negatives drawn from the request's support (items with any pair count that are not
     * its positives) instead of the pool: uniform negatives almost never carry a count, so without them the prior's
     * weights only learn "counted beats uncounted", never how counts trade off against each other. [0.5]
     */
    pairNegatives: z.number().min(0).max(1).default(0),
  })
  .strict();
export type JamOptions = z.output<typeof JamOptionsSchema>;

/** Defaults for every mixing. */
export const JAM_DEFAULTS: JamOptions = Object.freeze({
  dims: 128,
  inputDims: 128,
  // With the pair prior an epoch costs 2-2.5x what it did (feature rows, informative negatives); 4 epochs of the
  // cosine schedule keep training time within 20% of the 12-epoch fits before it and beat what those reached
  // (lfm2k-tagq val NDCG@10 0.4339 against 0.2555: BENCHMARKS.md, "Beating counting on lfm2k-tagq").
  epochs: 4,
  patience: 3,
  batchSize: 512, // as JAM
  negatives: 4, // as JAM
  learningRate: 1e-2, // with only ~8 epochs affordable on 2 cores, 2e-3 plateaued at 0.13 selection NDCG@10
  weightDecay: 0.1, // as JAM
  schedule: "cosine",
  topK: 2,
  itemBias: "learned",
  popularNegatives: 0,
  idEmbeddings: "both",
  selectionQueries: 1000,
  userHistory: true,
  itemFeatures: undefined,
  userFeature: "cf",
  pairFeatures: [...PAIR_FEATURES],
  pairNegatives: 0.5,
});

/**
 * Per-domain defaults laid over {@link JAM_DEFAULTS} at fit time (explicit options still win), each chosen on that
 * domain's own selection queries. jamendo: no users, and requests generated from tags, where learned item ID
 * vectors add nothing (selection NDCG@10 after one epoch 0.3820 with them, 0.3849 without) at twice the time per
 * epoch (82 s vs 41 s for 55,525 items); 6 epochs of the cosine schedule reach its plateau in ~5 minutes.
 */
export const DOMAIN_DEFAULTS: Readonly<Record<string, Partial<JamOptions>>> = Object.freeze({
  jamendo: { idEmbeddings: "none", epochs: 6, pairFeatures: [] },
});

/** Parses user options over the defaults; bad or unknown keys throw InputError naming them. */
export function parseJamOptions(options: Readonly<Record<string, unknown>>): JamOptions {
  const parsed = JamOptionsSchema.safeParse({ ...JAM_DEFAULTS, ...options });
  if (!parsed.success) {
    throw new InputError(`bad jam options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/**
 * @file Maps the exact CLI model names to factories: one plain table, so later models register with one line.
 */
import { InputError, NotFoundError } from "../errors.js";
import { ApronRecommender } from "./apron/index.js";
import { Bm25Recommender } from "./bm25/index.js";
import { ConvRetrievalRecommender } from "./convretrieval/index.js";
import { DenseRecommender } from "./dense/index.js";
import { EaseRecommender } from "./ease/index.js";
import { HistoryTagRecommender } from "./history-tag/index.js";
import { ItemKnnRecommender } from "./itemknn/index.js";
import { JamRecommender } from "./jam/index.js";
import { MultVaeRecommender } from "./multvae/index.js";
import { PopularityRecommender } from "./popularity/index.js";
import type { Recommender } from "./recommender.js";
import { TagPopularityRecommender } from "./tag-popularity/index.js";
import { TagMatchRecommender } from "./tagmatch/index.js";
import { TalkRecRecommender } from "./talkrec/index.js";
import { Text2TracksRecommender } from "./text2tracks/index.js";
import { TwoTowerRecommender } from "./twotower/index.js";
import { UserHistoryRecommender } from "./user-history/index.js";
import { WhiteboxRecommender } from "./whitebox/index.js";

/** Model-specific options (e.g. `{ epochs: 5 }`); each model validates its own and rejects unknown keys. */
export type ModelOptions = Readonly<Record<string, unknown>>;

/** A factory from options to an unfitted model. */
export type ModelFactory = (options?: ModelOptions) => Recommender;

// Casts are at this one boundary: each constructor parses its options with zod and throws InputError on bad ones.
/** A factory for a model that takes no options: any option is an InputError naming the model. */
function noOptions(name: string, create: () => Recommender): ModelFactory {
  return (o) => {
    if (o !== undefined && Object.keys(o).length > 0) throw new InputError(`${name} takes no options, got: ${Object.keys(o).join(", ")}`);
    return create();
  };
}

const MODELS: Readonly<Record<string, ModelFactory>> = Object.freeze({
  popularity: noOptions("popularity", () => new PopularityRecommender()),
  "user-history": noOptions("user-history", () => new UserHistoryRecommender()),
  "tag-popularity": noOptions("tag-popularity", () => new TagPopularityRecommender()),
  "history-tag": (o) => new HistoryTagRecommender(o as never),
  itemknn: (o) => new ItemKnnRecommender(o as never),
  bm25: (o) => new Bm25Recommender(o as never),
  dense: (o) => new DenseRecommender(o as never),
  twotower: (o) => new TwoTowerRecommender(o as never),
  talkrec: (o) => new TalkRecRecommender(o as never),
  "jam-avg": (o) => new JamRecommender("avg", o),
  "jam-cross": (o) => new JamRecommender("cross", o),
  "jam-moe": (o) => new JamRecommender("moe", o),
  ease: (o) => new EaseRecommender(o as never),
  multvae: (o) => new MultVaeRecommender(o as never),
  apron: (o) => new ApronRecommender("apron", o as never),
  "apron-nocontrol": (o) => new ApronRecommender("apron-nocontrol", o as never),
  tagmatch: noOptions("tagmatch", () => new TagMatchRecommender()),
  "text2tracks-semantic": (o) => new Text2TracksRecommender("semantic", o),
  "text2tracks-content": (o) => new Text2TracksRecommender("content", o),
  "text2tracks-int": (o) => new Text2TracksRecommender("int", o),
  "text2tracks-title": (o) => new Text2TracksRecommender("title", o),
  "text2tracks-semantic-plain": (o) => new Text2TracksRecommender("semantic", o, "plain"),
  whitebox: (o) => new WhiteboxRecommender(o as never),
  convretrieval: (o) => new ConvRetrievalRecommender(o as never),
});

/**
 * The registered model names, in registration order.
 * @example knownModels() // ["popularity", "bm25", "dense", "twotower", "talkrec", "jam-avg", "jam-cross", "jam-moe", "ease"]
 */
export function knownModels(): string[] {
  return Object.keys(MODELS);
}

/**
 * Creates an unfitted model by its CLI name. Unknown names throw NotFoundError listing the known ones.
 * @example createRecommender("bm25").name // "bm25"
 */
export function createRecommender(name: string, options?: ModelOptions): Recommender {
  const factory = Object.hasOwn(MODELS, name) ? MODELS[name] : undefined;
  if (factory === undefined) throw new NotFoundError("model", name, knownModels());
  return factory(options);
}

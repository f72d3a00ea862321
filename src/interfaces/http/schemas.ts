/**
 * @file JSON Schemas of the HTTP API: Fastify validates requests and serializes responses with them, and the
 * OpenAPI document is generated from the same objects, so the documentation cannot drift from the checks.
 */
import { CONTEXT_PARTS } from "../../models/recommender.js";
import { MAX_REQUEST_CHARS } from "../../ranking/catalog-ranker.js";

/** A JSON Schema object (2020-12 subset that Ajv and OpenAPI 3.1 share). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Catalog names double as directory names (same rule as `CATALOG_NAME` of the catalog port). */
const catalogName = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description: "Catalog name, e.g. jamendo" } as const;
const itemId = { type: "string", minLength: 1, maxLength: 200, description: "Item id within its catalog, e.g. track_0000948" } as const;

export const askBody: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["request"],
  properties: {
    request: { type: "string", minLength: 1, maxLength: MAX_REQUEST_CHARS, description: "What to listen to, in your own words" },
    catalog: { ...catalogName, description: "Catalog to search (default: the server's default catalog)" },
    k: { type: "integer", minimum: 1, maximum: 100, default: 10, description: "Number of results" },
    diversity: {
      description: "How diverse the top list must be: false for the ranked order as it is; an object changes the defaults (2 per album, 3 per artist, near-duplicate titles folded, no MMR)",
      oneOf: [
        { type: "boolean", const: false },
        {
          type: "object",
          additionalProperties: false,
          properties: {
            maxPerAlbum: { type: "integer", minimum: 0, maximum: 100, description: "At most this many results of one album (0: no limit)" },
            maxPerArtist: { type: "integer", minimum: 0, maximum: 100, description: "At most this many results of one artist (0: no limit)" },
            foldTitles: { type: "boolean", description: "Keep only the first of results whose titles differ only by a version note" },
            mmr: { type: "number", minimum: 0, maximum: 1, description: "Maximal marginal relevance trade-off λ over the items' text vectors (0 or 1: off)" },
          },
        },
      ],
    },
  },
};

/** Feedback values on the wire; "clear" removes an earlier like or dislike. */
export const FEEDBACK_VALUES = ["like", "dislike", "clear"] as const;
export type FeedbackValue = (typeof FEEDBACK_VALUES)[number];

export const feedbackBody: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["itemId", "value"],
  properties: {
    catalog: { ...catalogName, description: "Catalog of the item (default: the server's default catalog)" },
    itemId,
    value: { type: "string", enum: [...FEEDBACK_VALUES] },
  },
};

export const itemParams: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["catalog", "id"],
  properties: { catalog: catalogName, id: itemId },
};

export const assetParams = (names: readonly string[]): JsonSchema => ({
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: { name: { type: "string", enum: [...names] } },
});

export const item: JsonSchema = {
  type: "object",
  required: ["id", "name", "tags", "popularity"],
  properties: {
    id: { type: "string" },
    name: { type: "string", description: "Display name (title — artist, or the id)" },
    title: { type: "string" },
    artist: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
    url: { type: "string", description: "A page where the item can be listened to" },
    popularity: { type: "number" },
  },
};

const feedbackState = { type: ["string", "null"], enum: ["like", "dislike", null], description: "The caller's feedback on this item (null: none or anonymous)" } as const;

const contextParts = { type: "array", items: { type: "string", enum: [...CONTEXT_PARTS] } } as const;

export const askResponse: JsonSchema = {
  type: "object",
  required: ["catalog", "ranker", "context", "entities", "request", "personalized", "results", "candidates", "tookMs"],
  properties: {
    catalog: { type: "string" },
    ranker: { type: "string", description: 'What ranked: a trained model (e.g. "jam-cross") or "text-match"' },
    context: {
      type: "object",
      required: ["used", "ignored"],
      description:
        "The parts of the request's context (text, user, history, turns, profile, adapter) it carried, split into those that shaped this answer (read by the model, or by the ranker's taste: a token's likes are the history) and those nothing read",
      properties: { used: contextParts, ignored: contextParts },
    },
    entities: {
      type: "array",
      description: "Artists the request names, matched in the catalog exactly (similarity 1) or fuzzily",
      items: { type: "object", required: ["artist", "similarity"], properties: { artist: { type: "string" }, similarity: { type: "number" } } },
    },
    diversity: {
      type: ["object", "null"],
      description: "The diversity rules the top list was built with; null when diversity was off",
      properties: { maxPerAlbum: { type: "integer" }, maxPerArtist: { type: "integer" }, foldTitles: { type: "boolean" }, mmr: { type: "number" } },
    },
    request: {
      type: "object",
      required: ["text", "excludeTags", "excludeArtists", "unmatched", "understood"],
      properties: {
        text: { type: "string", description: "The request without its negated phrases (what was encoded)" },
        excludeTags: { type: "array", items: { type: "string" }, description: "Tags no result carries" },
        excludeArtists: { type: "array", items: { type: "string" }, description: "Artists no result is by" },
        unmatched: { type: "array", items: { type: "string" }, description: "Negated phrases that matched no tag or artist" },
        understood: {
          type: "object",
          description: "What the request was understood to ask for in the catalog's tags; results carrying them get the `understood` score component",
          required: ["wanted", "references", "outside"],
          properties: {
            wanted: {
              type: "array",
              description: "Catalog tags wanted, strongest first",
              items: {
                type: "object",
                required: ["tag", "weight", "from", "source"],
                properties: {
                  tag: { type: "string" },
                  weight: { type: "number", description: "1 for a tag named literally; at most 0.5 for one implied by a synonym, activity or tempo word; less for tags learned to go with a wanted one" },
                  from: { type: "string", description: "The words it came from (for source related: the tag it goes with)" },
                  source: { type: "string", enum: ["literal", "synonym", "activity", "tempo", "decade", "related", "reference"] },
                },
              },
            },
            references: { type: "array", items: { type: "string" }, description: "What follows like, similar to, in the style of: artists or songs to sound like" },
            outside: {
              type: "array",
              description: "Referenced artists this catalog does not have, described by their Last.fm-2k tags (ranked by those tags the catalog has)",
              items: { type: "object", required: ["name", "tags"], properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } } },
            },
          },
        },
      },
    },
    personalized: {
      type: ["object", "null"],
      description: "Present when a valid token was sent: the feedback that shaped this answer",
      required: ["user", "likes", "dislikes"],
      properties: { user: { type: "string" }, likes: { type: "integer" }, dislikes: { type: "integer" } },
    },
    results: {
      type: "array",
      items: {
        type: "object",
        required: ["rank", "score", "components", "item", "feedback"],
        properties: {
          rank: { type: "integer" },
          score: { type: "number", description: "Sum of the components" },
          components: {
            type: "object",
            additionalProperties: { type: "number" },
            description:
              "weight × value of each score component: with a trained model its own parts (request, user, prior), else semantic, lexical, popularity; plus understood, taste and entity when they apply",
          },
          modalityWeights: {
            type: "object",
            additionalProperties: { type: "number" },
            description: "With a JAM model: the weight of each item modality in this (request, item) score, in [0, 1], summing to 1",
          },
          wordAttributions: {
            type: "array",
            description: "With a model that attends over the request's words: each word's weight for this item",
            items: { type: "object", required: ["word", "weight"], properties: { word: { type: "string" }, weight: { type: "number" } } },
          },
          prototypeWeights: {
            type: "object",
            additionalProperties: { type: "number" },
            description: "With a profile model: the prototype (tag) weights of the profile behind this score, after the listener's edits",
          },
          because: {
            type: "array",
            description: "Because you listen to: the liked items that added most to this item's taste component, each with its exact share of it (at most 3)",
            items: { type: "object", required: ["id", "name", "part"], properties: { id: { type: "string" }, name: { type: "string" }, part: { type: "number" } } },
          },
          item,
          feedback: feedbackState,
        },
      },
    },
    candidates: { type: "integer", description: "Items considered after the hard constraints" },
    tookMs: { type: "number" },
  },
};

const feedbackWord = { type: "string", minLength: 1, maxLength: 64, description: "A word of the request, as the model splits it (lower case)" } as const;
const wordList = (what: string) => ({ type: "array", maxItems: 12, uniqueItems: true, items: feedbackWord, default: [], description: `Words of the request that should count ${what}` }) as const;
const attention = {
  type: "array",
  description: "The request's words with their attention weights (summing to 1)",
  items: { type: "object", required: ["word", "weight"], properties: { word: { type: "string" }, weight: { type: "number" } } },
} as const;

export const wordFeedbackBody: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["request"],
  properties: {
    catalog: { ...catalogName, description: "Catalog whose whitebox model the feedback is about (default: the server's default catalog)" },
    request: { type: "string", minLength: 1, maxLength: MAX_REQUEST_CHARS, description: "The request whose words the feedback is about" },
    strengthen: wordList("more"),
    weaken: wordList("less"),
    reset: { type: "boolean", default: false, description: "Delete the caller's adapter instead (their requests go back to the shared model)" },
  },
};

export const wordFeedbackResponse: JsonSchema = {
  type: "object",
  required: ["catalog", "version"],
  properties: {
    catalog: { type: "string" },
    version: { type: "integer", description: "The caller's adapter version now stored (0 after a reset)" },
    seconds: { type: "number", description: "Retraining time, planning and the worker's training included" },
    before: { ...attention, description: "The request's word attention before retraining (under the caller's previous adapter)" },
    after: { ...attention, description: "The request's word attention under the new adapter (what the caller's next asks use)" },
  },
};

export const feedbackResponse: JsonSchema = {
  type: "object",
  required: ["catalog", "itemId", "feedback"],
  properties: { catalog: { type: "string" }, itemId: { type: "string" }, feedback: feedbackState },
};

export const catalogsResponse: JsonSchema = {
  type: "object",
  required: ["default", "catalogs"],
  properties: {
    default: { type: "string" },
    catalogs: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "count", "version", "builtAt", "encoderId", "ranker", "models", "profiles"],
        properties: {
          name: { type: "string" },
          profiles: { type: "boolean", description: "Whether the catalog has a profile model (GET/PUT /v1/users/me/profile)" },
          ranker: { type: "string", description: 'The trained model ranking this catalog, or "text-match"' },
          models: { type: "array", items: { type: "string" }, description: "The models trained for this catalog, best first (the order of --model auto)" },
          count: { type: "integer" },
          version: { type: "string" },
          builtAt: { type: "string" },
          encoderId: { type: "string" },
        },
      },
    },
  },
};

export const deleteMeResponse: JsonSchema = {
  type: "object",
  required: ["deleted", "rows"],
  properties: {
    deleted: { type: "string", description: "The deleted user's id" },
    rows: { type: "object", additionalProperties: { type: "integer" }, description: "Rows deleted per table (feedback, users, ...)" },
  },
};

export const meResponse: JsonSchema = {
  type: "object",
  required: ["id", "createdAt", "feedback"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    createdAt: { type: "string" },
    feedback: {
      type: "array",
      items: {
        type: "object",
        required: ["catalog", "itemId", "value", "updatedAt"],
        properties: {
          catalog: { type: "string" },
          itemId: { type: "string" },
          name: { type: "string", description: "The item's display name, when the catalog is served" },
          value: { type: "string", enum: ["like", "dislike"] },
          updatedAt: { type: "string" },
        },
      },
    },
  },
};

export const healthResponse: JsonSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string", enum: ["ok"] } },
};

export const readyResponse: JsonSchema = {
  type: "object",
  required: ["status", "state", "catalogs"],
  properties: {
    status: { type: "string", enum: ["ready"] },
    state: { type: "string", description: "State database kind (sqlite, postgres, memory)" },
    catalogs: {
      type: "array",
      items: { type: "object", required: ["name", "version", "count"], properties: { name: { type: "string" }, version: { type: "string", description: "The version served (a rebuild is picked up within seconds)" }, count: { type: "integer" } } },
    },
  },
};

export const problemSchema: JsonSchema = {
  type: "object",
  required: ["type", "title", "status", "code"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: { type: "string", description: "input, not_found, unauthorized, rate_limited, too_large, internal, ..." },
    field: { type: "string", description: "The request member that was wrong, e.g. /body/k" },
  },
};

/** Prototype tag -> weight in [0, 1] (0 removes the prototype from the profile). */
const prototypeWeights = {
  type: "object",
  maxProperties: 500,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: { type: "number", minimum: 0, maximum: 1 },
  description: "Prototype tag -> weight from 0 to 1 (0 removes it); the other weights are rescaled so the profile sums to 1",
} as const;

export const profileQuery: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    catalog: { ...catalogName, description: "Catalog of the profile (default: the server's default catalog)" },
    // Query values arrive as strings and the server coerces no types (bodies must be exact): digits, checked 1-100.
    k: { type: "string", pattern: "^[0-9]{1,3}$", description: "Number of recommendations, 1 to 100 (default 20)" },
  },
};

export const profileBody: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["weights"],
  properties: {
    catalog: { ...catalogName, description: "Catalog of the profile (default: the server's default catalog)" },
    weights: { ...prototypeWeights, description: "The listener's edits, replacing the stored ones ({} clears them): prototype tag -> weight from 0 to 1" },
    k: { type: "integer", minimum: 1, maximum: 100, default: 20, description: "Number of recommendations" },
  },
};

const linkedItem = {
  type: "object",
  required: ["id", "name", "link"],
  properties: { id: { type: "string" }, name: { type: "string" }, link: { type: "string", description: "Where to listen (e.g. the artist's Last.fm page)" } },
} as const;

export const profileResponse: JsonSchema = {
  type: "object",
  required: ["catalog", "edits", "prototypes", "recommendations", "historyUsed", "historyUnknown"],
  properties: {
    catalog: { type: "string" },
    edits: { ...prototypeWeights, description: "The stored edits applied" },
    prototypes: {
      type: "array",
      description: "Every prototype, strongest first; the weights sum to 1",
      items: {
        type: "object",
        required: ["tag", "weight", "edited", "exemplar"],
        properties: { tag: { type: "string" }, weight: { type: "number" }, edited: { type: "boolean", description: "Set by the listener" }, exemplar: linkedItem },
      },
    },
    recommendations: {
      type: "array",
      description: "What the profile recommends, best first (never a liked item)",
      items: { type: "object", required: ["id", "name", "link", "score"], properties: { ...linkedItem.properties, score: { type: "number" } } },
    },
    historyUsed: { type: "integer", description: "Likes the profile was read from" },
    historyUnknown: { type: "integer", description: "Likes of items the profile model does not know (left out)" },
  },
};

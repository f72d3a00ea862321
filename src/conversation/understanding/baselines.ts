/**
 * @file The floors dialogue understanding must beat: the majority label (the most frequent label of the training
 * part, predicted for every utterance) and a keyword matcher (hand-written cue words per label, no learning).
 */
import type { Attribute, UserIntent, UtteranceLabels } from "../types.js";
import type { UtteranceInContext } from "./features.js";

/**
 * The most frequent intent and attribute of `train`, as a predictor.
 * @example majorityBaseline(train)(u) // { intents: ["add_filter"], attributes: ["artist"] } on cpcd-intent
 */
export function majorityBaseline(train: readonly UtteranceInContext[]): (u: UtteranceInContext) => UtteranceLabels {
  const top = (lists: readonly (readonly string[])[]) => {
    const counts = new Map<string, number>();
    for (const l of lists) for (const x of l) counts.set(x, (counts.get(x) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  };
  const intent = top(train.map((u) => u.intents ?? [])) as UserIntent;
  const attribute = top(train.map((u) => u.attributes ?? [])) as Attribute | undefined;
  return () => ({ intents: [intent], attributes: attribute === undefined ? [] : [attribute] });
}

const INTENT_CUES: readonly [UserIntent, RegExp][] = [
  ["greeting", /\b(?:hi|hello|hey|howdy|good (?:morning|afternoon|evening))\b/i],
  ["remove_filter", /\b(?:remove|without|no more|less|not so|instead|rather than|don'?t want|skip the)\b/i],
  ["reject_response", /\b(?:don'?t like|not (?:a fan|really|my)|dislike|hate|nah|not for me|boring)\b/i],
  ["accept_response", /\b(?:love|great|nice|awesome|good|perfect|cool|thanks?|thank you|yes|yeah|like (?:it|them|these|those|that))\b/i],
  ["continue", /\b(?:more|another|else|continue|keep (?:going|them)|next)\b/i],
  ["add_filter", /\b(?:add|some|play|include|want|looking for|how about|can you|could you|give me|songs?|music|tracks?)\b/i],
  ["item_attribute_question", /\b(?:who (?:sings|is)|what (?:year|album|genre)|when was)\b/i],
];

const ATTRIBUTE_CUES: readonly [Attribute, RegExp][] = [
  ["genre", /\b(?:rock|pop|jazz|blues|hip ?hop|rap|metal|punk|country|folk|classical|edm|house|techno|electronic|r&b|soul|funk|reggae|indie|disco|gospel|grunge|emo|latin|k-?pop|lo-?fi|ambient|alternative)\b/i],
  ["mood", /\b(?:happy|sad|chill|relax(?:ing)?|calm|upbeat|energetic|mellow|angry|dark|romantic|melancholy|uplifting|moody|hype)\b/i],
  ["theme", /\b(?:party|workout|gym|study|road ?trip|christmas|wedding|love songs?|summer|sleep|driving|dance|running|halloween|birthday)\b/i],
  ["year", /\b(?:(?:19|20)?\d0'?s|(?:19|20)\d\d|decade|old(?:ies)?|recent|new(?:er)?|classic)\b/i],
  ["tempo", /\b(?:fast|slow|tempo|bpm|upbeat|pace)\b/i],
  ["vocal", /\b(?:vocals?|singers?|voice|female|male|sung|instrumental)\b/i],
  ["instrument", /\b(?:guitar|piano|drums?|violin|sax(?:ophone)?|bass|synth|orchestra|strings|trumpet)\b/i],
  ["culture", /\b(?:korean|japanese|latin|african|nigerian|french|spanish|brazilian|indian|arabic|british|german|mexican)\b/i],
  ["popularity", /\b(?:popular|hits?|trending|top|famous|underground|mainstream|well known|obscure)\b/i],
  ["similar_artist", /\b(?:similar to|like|sounds like|style of)\s+[A-Z]/],
  ["track", /\b(?:song called|track called|the song)\b|"[^"]+"/i],
  ["artist", /\b(?:by|artist|band|singer)\b|\s[A-Z][\p{L}]+/u],
];

/**
 * Cue words per label; a user turn with no intent cue is `others`, the first turn is also `initial_query`.
 * @example keywordBaseline({ dialogId: "", text: "hi, some jazz please", previousSystem: "", position: 0 })
 * // { intents: ["initial_query", "greeting", "add_filter"], attributes: ["genre"] }
 */
export function keywordBaseline(u: UtteranceInContext): UtteranceLabels {
  const intents: UserIntent[] = u.position === 0 ? ["initial_query"] : [];
  for (const [label, re] of INTENT_CUES) if (re.test(u.text)) intents.push(label);
  if (intents.length === 0) intents.push("others");
  const attributes = ATTRIBUTE_CUES.filter(([, re]) => re.test(u.text)).map(([label]) => label);
  return { intents, attributes };
}

/**
 * @file Phrasing statistics of real user utterances (cpcd-intent): the short openers listeners use for each kind of
 * turn ("Great!", "hi,", "Love these."), and how often they write in lower case or leave out the final punctuation.
 * The realiser draws from them so generated utterances read like typed chat, not like one template.
 */
import type { CpcdIntentRow } from "../../datasets/types.js";

/** Turn kinds whose openers are collected. */
export const OPENER_KINDS = ["greeting", "accept_response", "reject_response", "continue", "others"] as const;
export type OpenerKind = (typeof OPENER_KINDS)[number];

/** What the realiser draws from. */
export interface PhrasingStats {
  /** Kind → [opener, count] with count >= the floor, most frequent first. */
  readonly openers: Readonly<Record<OpenerKind, readonly (readonly [string, number])[]>>;
  /** Share of user utterances that start in lower case. */
  readonly lowercaseStart: number;
  /** Share of user utterances without final punctuation (. ! ?). */
  readonly noFinalPunctuation: number;
}

/** A few openers per kind, so a catalog without cpcd-intent still talks (tests, fixtures). */
export const FALLBACK_PHRASING: PhrasingStats = {
  openers: {
    greeting: [["Hi", 1], ["Hello!", 1], ["Hey there,", 1]],
    accept_response: [["Great!", 1], ["I like these.", 1], ["Nice,", 1]],
    reject_response: [["Not really my thing.", 1], ["Hmm, no.", 1]],
    continue: [["Some more please", 1], ["More like this!", 1]],
    others: [["ok", 1], ["yes, please", 1]],
  },
  lowercaseStart: 0.3,
  noFinalPunctuation: 0.4,
};

/**
 * The leading fragment of an utterance up to its first , . ! ? (kept), when it has 1 to 4 words; else undefined.
 * @example openerOf("Great! could we get some more like Vampire Weekend?") // "Great!"
 */
export function openerOf(text: string): string | undefined {
  const m = /^\s*([^,.!?]{1,40}?[,.!?]+)/.exec(text);
  if (m === null) return undefined;
  const words = m[1].trim().split(/\s+/);
  return words.length >= 1 && words.length <= 4 ? m[1].trim() : undefined;
}

/**
 * Counts openers by turn kind over user rows. Only openers seen in at least `minDialogues` different dialogues are
 * kept: common phrasing, never one listener's words.
 * @example estimatePhrasing(rows).openers.accept_response[0] // ["Great!", 212] (say)
 */
export function estimatePhrasing(rows: readonly CpcdIntentRow[], minDialogues = 3): PhrasingStats {
  const users = rows.filter((r) => r.role === "user");
  const seen = new Map<string, Map<string, Set<string>>>();
  let lower = 0;
  let bare = 0;
  for (const r of users) {
    const text = r.content.trim();
    if (/^[a-z]/.test(text)) lower++;
    if (!/[.!?]$/.test(text)) bare++;
    const opener = openerOf(text);
    if (opener === undefined) continue;
    for (const kind of OPENER_KINDS) {
      if (!r.intents.includes(kind)) continue;
      const byOpener = seen.get(kind) ?? new Map<string, Set<string>>();
      const dialogs = byOpener.get(opener) ?? new Set<string>();
      dialogs.add(r.dialogId);
      byOpener.set(opener, dialogs);
      seen.set(kind, byOpener);
    }
  }
  const openers = {} as Record<OpenerKind, (readonly [string, number])[]>;
  for (const kind of OPENER_KINDS) {
    const kept = [...(seen.get(kind) ?? new Map<string, Set<string>>())]
      .filter(([, d]) => d.size >= minDialogues)
      .map(([o, d]) => [o, d.size] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    openers[kind] = kept.length > 0 ? kept : [...FALLBACK_PHRASING.openers[kind]];
  }
  return { openers, lowercaseStart: users.length > 0 ? lower / users.length : 0, noFinalPunctuation: users.length > 0 ? bare / users.length : 0 };
}

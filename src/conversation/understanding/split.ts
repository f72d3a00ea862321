/**
 * @file The documented split of cpcd-intent by dialogue: a held-out part nothing is tuned on, a selection part the
 * few choices (regularisation, thresholds) are made on, and the training part. By a hash of the dialogue id, so the
 * split is the same on every machine and no dialogue has turns on two sides.
 */
import { createHash } from "node:crypto";

export type IntentSplit = "train" | "selection" | "heldout";

/**
 * The part of cpcd-intent a dialogue belongs to: u = first 4 bytes of sha256("cpcd-intent:" + dialogId) as an
 * unsigned integer / 2^32; u < 0.2 held-out, u < 0.35 selection, else train (about 20 / 15 / 65 %).
 * @example intentSplitOf("b8e368058df16085") // "train" | "selection" | "heldout", the same everywhere
 */
export function intentSplitOf(dialogId: string): IntentSplit {
  const u = createHash("sha256").update(`cpcd-intent:${dialogId}`).digest().readUInt32BE(0) / 2 ** 32;
  return u < 0.2 ? "heldout" : u < 0.35 ? "selection" : "train";
}

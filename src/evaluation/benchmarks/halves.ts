/**
 * @file The two halves of a split by a hash of the qid: develop on one, report the other (which nothing was tuned
 * on) beside the whole. A query's half depends on its qid only, so it never moves when the file is reordered or
 * other queries are added.
 */
import { createHash } from "node:crypto";

/** `dev`: the half to develop and tune on; `holdout`: the half nothing is tuned on. */
export const HALVES = ["dev", "holdout"] as const;
export type Half = (typeof HALVES)[number];

/**
 * The half a qid belongs to: the low bit of the first byte of sha256("askmusic-half|" + qid); 0 is `dev`.
 * @example halfOf("mc--0xzrMun0Rs") // "dev" or "holdout", always the same
 */
export function halfOf(qid: string): Half {
  return (createHash("sha256").update(`askmusic-half|${qid}`).digest()[0] & 1) === 0 ? "dev" : "holdout";
}

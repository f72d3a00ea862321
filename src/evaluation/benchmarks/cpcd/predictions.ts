/**
 * @file CPCD's official prediction file (JSONL, one line per turn:
 * `{"docid": "<dialog_id>:<turn>", "neighbor": [{"docid": "<track id>"}, ...]}`): writing it, and reading it back as
 * google-research-datasets/cpcd's data.py `load_results` does, so a file can be scored exactly as eval.py would.
 */
import { z } from "zod";
import { readJsonl } from "../../../datasets/jsonl.js";
import { dataErrorAt } from "../../../datasets/tsv.js";
import { CPCD_MIN_PREDICTIONS } from "./protocol.js";

/**
 * One line of the prediction file (no trailing newline).
 * @example predictionLine("e504147b42cb891e", 2, ["a", "b"]) // '{"docid":"e504147b42cb891e:2","neighbor":[{"docid":"a"},{"docid":"b"}]}'
 */
export function predictionLine(dialogId: string, turn: number, trackIds: readonly string[]): string {
  return JSON.stringify({ docid: `${dialogId}:${turn}`, neighbor: trackIds.map((docid) => ({ docid })) });
}

/**
 * The shortest prefix of a ranking (track ids, best first) that still gives eval.py every prediction it reads: once
 * {@link CPCD_MIN_PREDICTIONS} distinct clusters outside `seeds` are in, nothing after them reaches a cutoff
 * (metrics stop at k = 100 of the filtered list). The whole ranking when it never gets there.
 * @example scoringPrefix(ranked, clusterOf, new Set(["c-seed"])).length // 101 when one seed sits in the top 101
 */
export function scoringPrefix(trackIds: readonly string[], clusterOf: (trackId: string) => string, seeds: ReadonlySet<string>): string[] {
  const kept = new Set<string>();
  for (let i = 0; i < trackIds.length; i++) {
    const c = clusterOf(trackIds[i]);
    if (!seeds.has(c)) kept.add(c);
    if (kept.size === CPCD_MIN_PREDICTIONS) return trackIds.slice(0, i + 1);
  }
  return [...trackIds];
}

const resultSchema = z.object({
  docid: z.string(),
  neighbor: z.array(z.object({ docid: z.string() })),
});

/**
 * Reads a prediction file as data.py `load_results` does: each line's `docid` is split at its first ":" into dialogue
 * id and turn index; per dialogue, turns 0..max get their neighbors' track ids, a missing turn gets an empty list;
 * a docid given twice keeps its last line. Dialogues come in order of first appearance.
 * @throws DataError `"<file>:<line>: ..."` for malformed JSON, a missing field, or a docid without `:<integer>`.
 * @example (await readPredictionFile("bm25.jsonl")).get("e504147b42cb891e")?.[1]?.slice(0, 2) // ["0S-693Od2DY", "3wAIsvrG_p4"]
 */
export async function readPredictionFile(file: string): Promise<Map<string, string[][]>> {
  const perTurn = new Map<string, Map<number, string[]>>();
  for await (const { value, lineNo } of readJsonl(file, resultSchema)) {
    const colon = value.docid.indexOf(":");
    const turnText = colon >= 0 ? value.docid.slice(colon + 1) : "";
    if (colon < 0 || !/^\d+$/.test(turnText.trim())) {
      throw dataErrorAt(file, lineNo, `field docid: expected "<dialog_id>:<turn index>", got "${value.docid.slice(0, 80)}"`);
    }
    const dialogId = value.docid.slice(0, colon);
    let turns = perTurn.get(dialogId);
    if (turns === undefined) perTurn.set(dialogId, (turns = new Map()));
    turns.set(Number(turnText.trim()), value.neighbor.map((n) => n.docid));
  }
  const out = new Map<string, string[][]>();
  for (const [dialogId, turns] of perTurn) {
    const last = Math.max(...turns.keys());
    out.set(dialogId, Array.from({ length: last + 1 }, (_, t) => turns.get(t) ?? []));
  }
  return out;
}

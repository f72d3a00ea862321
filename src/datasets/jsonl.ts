/**
 * @file Streaming JSONL reader with zod validation; every error names file and 1-based line.
 */
import type { z } from "zod";
import { DataError } from "../errors.js";
import { dataErrorAt, readLines } from "./tsv.js";

/** One validated JSONL record and where it came from. */
export interface JsonlRecord<T> {
  readonly value: T;
  readonly lineNo: number;
}

/**
 * Streams the records of a JSONL file, each parsed and validated by `schema`. Blank lines are skipped.
 * @throws DataError `"<file>:<line>: malformed JSON: ..."` or `"<file>:<line>: <field>: <problem>"`; a missing file;
 *   an empty file (no records) when `allowEmpty` is not set.
 * @example
 * for await (const { value } of readJsonl(file, z.object({ qid: z.string() }))) console.log(value.qid);
 */
export async function* readJsonl<S extends z.ZodTypeAny>(
  file: string,
  schema: S,
  options: { allowEmpty?: boolean } = {},
): AsyncGenerator<JsonlRecord<z.output<S>>> {
  let count = 0;
  for await (const { text, lineNo } of readLines(file)) {
    if (text.trim() === "") continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw dataErrorAt(file, lineNo, `malformed JSON: ${(err as Error).message}`, err);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? `field ${issue.path.join(".")}: ` : "";
      throw dataErrorAt(file, lineNo, `${where}${issue.message}`);
    }
    count++;
    yield { value: parsed.data, lineNo };
  }
  if (count === 0 && !options.allowEmpty) {
    throw new DataError(`${file}: empty file (no JSON records); check that it is the right file`, { path: file });
  }
}

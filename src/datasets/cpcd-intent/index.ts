/**
 * @file cpcd_intent.csv loader: CPCD turns labelled with intents/actions and music attributes (Python-list cells).
 */
import type { Config } from "../../config.js";
import { readCsv } from "../csv.js";
import { resolveDataFile } from "../mirror.js";
import { dataErrorAt, parseIntField } from "../tsv.js";
import type { CpcdIntentRow } from "../types.js";

export const CPCD_INTENT_FILE = "cpcd-intent/cpcd_intent.csv";
const HEADER = ["index", "dialog_id", "unique_id", "role", "content", "intent", "music_attribute"] as const;

/**
 * Loads the 9,338 labelled turns of `cpcd-intent/cpcd_intent.csv`, in file order.
 *
 * Integrity: these are utterances of CPCD dialogues, including those of CPCD's dev and test files. Whatever trains on
 * them for a domain that evaluates CPCD dialogues (`Domain.evaluatedDialogIds`, filled from the evaluated split)
 * must first drop those dialogues with {@link withoutDialogs}, by `dialog_id`.
 * @throws DataError `"<file>:<line>: ..."` for a wrong column count, a bad role or index, or a label cell that is
 *   not a Python list of strings; a checksum mismatch or missing file.
 * @example
 * (await loadCpcdIntent(config))[0];
 * // { index: 2, dialogId: "b8e368058df16085", uniqueId: "b8e368058df16085:0:user", role: "user",
 * //   content: "hi, I'd like to listen to Mike Oldfield music, ...", intents: ["initial_query", "greeting", "add_filter"],
 * //   musicAttributes: ["artist", "year"] }
 */
export async function loadCpcdIntent(config: Config): Promise<CpcdIntentRow[]> {
  return parseCpcdIntentFile(await resolveDataFile(config, CPCD_INTENT_FILE));
}

/** Parses a file in the cpcd_intent.csv format (exported for tests and for other copies of the file). */
export async function parseCpcdIntentFile(file: string): Promise<CpcdIntentRow[]> {
  const rows: CpcdIntentRow[] = [];
  let header = true;
  for await (const { fields, lineNo } of readCsv(file)) {
    if (header) {
      // Tolerate a UTF-8 byte-order mark before the first column name.
      if (fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, "") : f)).join(",") !== HEADER.join(",")) {
        throw dataErrorAt(file, lineNo, `expected header "${HEADER.join(",")}", got "${fields.join(",").slice(0, 200)}"`);
      }
      header = false;
      continue;
    }
    if (fields.length !== HEADER.length) throw dataErrorAt(file, lineNo, `expected ${HEADER.length} columns, got ${fields.length}`);
    const [index, dialogId, uniqueId, role, content, intent, attrs] = fields;
    if (role !== "user" && role !== "system") throw dataErrorAt(file, lineNo, `column role: expected "user" or "system", got "${role}"`);
    if (dialogId === "" || uniqueId === "") throw dataErrorAt(file, lineNo, "columns dialog_id and unique_id must not be empty");
    const list = (cell: string, column: string) => {
      try {
        return parsePythonStringList(cell);
      } catch (err) {
        throw dataErrorAt(file, lineNo, `column ${column}: ${(err as Error).message}`, err);
      }
    };
    rows.push(
      Object.freeze({
        index: parseIntField(index, file, lineNo, "index"),
        dialogId,
        uniqueId,
        role,
        content,
        intents: Object.freeze(list(intent, "intent")),
        musicAttributes: Object.freeze(list(attrs, "music_attribute")),
      }),
    );
  }
  if (header) throw dataErrorAt(file, 1, "empty file (expected a header line)");
  if (rows.length === 0) throw dataErrorAt(file, 2, "no data rows after the header");
  return rows;
}

/**
 * The rows whose dialogue is not among `dialogIds`: what a trainer may learn from when `dialogIds` are being
 * evaluated (pass `domain.evaluatedDialogIds`).
 * @example
 * withoutDialogs(rows, ["b8e368058df16085"]).some((r) => r.dialogId === "b8e368058df16085"); // false
 */
export function withoutDialogs(rows: readonly CpcdIntentRow[], dialogIds: readonly string[] | undefined): CpcdIntentRow[] {
  const drop = new Set(dialogIds ?? []);
  return rows.filter((r) => !drop.has(r.dialogId));
}

/**
 * Parses a Python list literal of strings, as pandas writes them: `['a', "b's"]`, `[]`. Escapes `\\`, `\'`, `\"`,
 * `\n`, `\t` are understood. An empty cell is an empty list.
 * @throws Error describing the first problem (the caller adds file and line).
 * @example
 * parsePythonStringList("['initial_query', 'greeting']"); // ["initial_query", "greeting"]
 */
export function parsePythonStringList(cell: string): string[] {
  const s = cell.trim();
  if (s === "") return [];
  if (!s.startsWith("[") || !s.endsWith("]")) throw new Error(`expected a Python list like ['a', 'b'], got "${s.slice(0, 80)}"`);
  const out: string[] = [];
  let i = 1;
  const end = s.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(s[i])) i++;
  };
  skipSpace();
  while (i < end) {
    const q = s[i];
    if (q !== "'" && q !== '"') throw new Error(`expected a quoted string at position ${i} of "${s.slice(0, 80)}"`);
    i++;
    let value = "";
    for (;;) {
      if (i >= end) throw new Error(`unterminated string in "${s.slice(0, 80)}"`);
      const c = s[i++];
      if (c === q) break;
      if (c === "\\") {
        const e = s[i++];
        value += e === "n" ? "\n" : e === "t" ? "\t" : e;
      } else value += c;
    }
    out.push(value);
    skipSpace();
    if (i < end) {
      if (s[i] !== ",") throw new Error(`expected "," at position ${i} of "${s.slice(0, 80)}"`);
      i++;
      skipSpace();
    }
  }
  return out;
}

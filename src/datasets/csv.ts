/**
 * @file A small streaming RFC-4180 reader (quoted fields with commas, tabs, `""` and newlines), with line numbers.
 */
import { createReadStream } from "node:fs";
import { assertReadableFile, dataErrorAt, type TextEncoding } from "./tsv.js";

/** One record; `lineNo` is the 1-based line where it starts (a quoted newline makes a record span lines). */
export interface CsvRecord {
  readonly fields: string[];
  readonly lineNo: number;
}

/** Options of {@link readCsv}. */
export interface CsvOptions {
  /** Field separator (default ","; song-describer uses "\t" with the same quoting). */
  readonly delimiter?: string;
  /** Default "utf8". */
  readonly encoding?: TextEncoding;
}

/**
 * Streams the records of a delimited file with RFC-4180 quoting. A field that starts with `"` runs to the matching
 * `"` (`""` is a literal quote) and may contain delimiters and newlines; a quote elsewhere in an unquoted field is
 * kept as data. `\r\n` and `\n` both end a record. Blank lines are skipped. Errors (text after a closing quote,
 * unterminated quote) throw `"<file>:<line>: ..."`.
 * @example
 * for await (const { fields, lineNo } of readCsv("/data/x.csv")) console.log(lineNo, fields);
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  await assertReadableFile(file);
  const parser = new CsvParser(file, options.delimiter ?? ",");
  for await (const chunk of createReadStream(file, { encoding: options.encoding ?? "utf8" })) {
    yield* parser.push(chunk as string);
  }
  yield* parser.end();
}

/** Parses CSV text held in memory (tests, small files). */
export function parseCsvText(text: string, file = "<text>", delimiter = ","): CsvRecord[] {
  const parser = new CsvParser(file, delimiter);
  return [...parser.push(text), ...parser.end()];
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a `"` inside a quoted field: either `""` (literal) or the closing quote. */
  QuoteInQuoted,
}

/** Incremental state machine: chunks may split anywhere, even between `\r` and `\n` or inside `""`. */
class CsvParser {
  private state = State.FieldStart;
  private field = "";
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new RangeError(`CSV delimiter must be one character other than quote/newline, got ${JSON.stringify(delimiter)}`);
    }
  }

  *push(chunk: string): Generator<CsvRecord> {
    const d = this.delimiter;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      switch (this.state) {
        case State.Quoted:
          if (c === '"') this.state = State.QuoteInQuoted;
          else {
            if (c === "\n") this.line++;
            this.field += c;
          }
          break;
        case State.QuoteInQuoted:
          if (c === '"') {
            this.field += '"';
            this.state = State.Quoted;
          } else if (c === d) {
            this.endField();
          } else if (c === "\n") {
            yield* this.endRecord();
          } else if (c === "\r") {
            // part of a CRLF terminator: the "\n" that follows ends the record
          } else {
            throw dataErrorAt(this.file, this.line, `unexpected ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field must be doubled: "")`);
          }
          break;
        case State.FieldStart:
          if (c === '"') {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            break;
          }
        // falls through: the first character of an unquoted field
        case State.Unquoted:
          if (c === d) this.endField();
          else if (c === "\n") yield* this.endRecord();
          else if (c === "\r") {
            // dropped: CRLF terminator (a bare CR inside unquoted text is not meaningful in these files)
          } else {
            this.field += c;
            this.state = State.Unquoted;
          }
          break;
      }
    }
  }

  *end(): Generator<CsvRecord> {
    if (this.state === State.Quoted) {
      throw dataErrorAt(this.file, this.quoteLine, "unterminated quoted field (no closing quote before the end of the file)");
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) yield* this.endRecord();
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.state = State.FieldStart;
  }

  private *endRecord(): Generator<CsvRecord> {
    this.endField();
    const fields = this.fields;
    const lineNo = this.recordLine;
    this.fields = [];
    this.line++;
    this.recordLine = this.line;
    if (fields.length === 1 && fields[0] === "") return; // blank line
    yield { fields, lineNo };
  }
}

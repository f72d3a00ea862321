/**
 * @file Typed errors. The CLI prints `message` on one line and exits non-zero; the HTTP API maps them to 4xx.
 */

/** Base class: a stable machine-readable `code`, a message that says what to do, and the `cause` kept. */
export class AskmusicError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A data file is missing, unreadable, corrupt (checksum mismatch) or malformed. */
export class DataError extends AskmusicError {
  readonly path: string;
  readonly expected?: string;
  readonly actual?: string;
  constructor(message: string, details: { path: string; expected?: string; actual?: string; cause?: unknown }) {
    super("data", message, { cause: details.cause });
    this.path = details.path;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/** An unknown user, item, model, catalog or benchmark. `known` lists valid names where that is useful. */
export class NotFoundError extends AskmusicError {
  readonly kind: string;
  readonly known: readonly string[];
  constructor(kind: string, name: string, known: readonly string[] = []) {
    const list = known.length > 0 ? `; must be one of: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""}` : "";
    super("not_found", `unknown ${kind} "${name}"${list}`);
    this.kind = kind;
    this.known = known;
  }
}

/** Bad user input: empty or oversized request, malformed JSON (with file and line), bad flag value. */
export class InputError extends AskmusicError {
  readonly field?: string;
  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super("input", message, { cause: options.cause });
    this.field = options.field;
  }
}

/** Training failed (e.g. a NaN loss): names the model and the step. */
export class ModelFitError extends AskmusicError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_fit", message, options);
  }
}

/**
 * @file Progress lines for long work, on stderr so stdout stays machine-readable. Throttled to a few per second.
 */
/** Progress callback for long work: `done` of `total` units of `phase`. */
export type Progress = (phase: string, done: number, total: number) => void;

/** A Progress that prints `phase: done/total (pct%)` to a stream at most every `intervalMs`, and always at the end. */
export function progressPrinter(stream: NodeJS.WritableStream = process.stderr, intervalMs = 500): Progress {
  let last = 0;
  let lastPhase = "";
  return (phase, done, total) => {
    const now = Date.now();
    const finished = done >= total;
    if (!finished && phase === lastPhase && now - last < intervalMs) return;
    last = now;
    lastPhase = phase;
    const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : "";
    stream.write(`${phase}: ${done}/${total}${pct}\n`);
  };
}

/** A Progress that does nothing (tests, quiet mode). */
export const silentProgress: Progress = () => {};

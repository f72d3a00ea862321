/**
 * @file Progress of long work, on stderr so stdout stays machine-readable: a `cli-progress` bar per phase on a
 * terminal, throttled plain lines elsewhere (logs, CI, tests).
 */
import { Presets, SingleBar } from "cli-progress";
/** Progress callback for long work: `done` of `total` units of `phase`. */
export type Progress = (phase: string, done: number, total: number) => void;

/**
 * On a terminal, a bar per phase (with ETA); otherwise a Progress that prints `phase: done/total (pct%)` at most
 * every `intervalMs`, and always at the end.
 * @example const progress = progressPrinter(); progress("encoding", 500, 1000); // "encoding: 500/1000 (50%)" in a log
 */
export function progressPrinter(stream: NodeJS.WritableStream = process.stderr, intervalMs = 500): Progress {
  if ((stream as NodeJS.WriteStream).isTTY) return barPrinter(stream as NodeJS.WriteStream);
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

/** One `cli-progress` bar per phase: a new phase (or a finished one) closes the previous bar on its own line. */
function barPrinter(stream: NodeJS.WriteStream): Progress {
  let bar: SingleBar | undefined;
  let current = "";
  return (phase, done, total) => {
    if (phase !== current || !bar) {
      bar?.stop();
      current = phase;
      bar = new SingleBar({ stream, format: `${phase.replace(/[{}]/g, "")} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`, hideCursor: false, fps: 5 }, Presets.shades_classic);
      bar.start(Math.max(total, 1), done);
    } else {
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    }
    if (done >= total) {
      bar.stop();
      bar = undefined;
      current = "";
    }
  };
}

/** A Progress that does nothing (tests, quiet mode). */
export const silentProgress: Progress = () => {};

/**
 * Progress of an eval run on stderr: on a terminal, a bar redrawn in place (`\r`) with rate and
 * ETA; otherwise (CI logs, pipes) a plain line at every 5% so logs stay short. Time comes in
 * through `now` so the output is testable.
 */

export interface ProgressReporterOptions {
  /** Requests this run will send (resumed ones excluded). */
  total: number;
  isTty: boolean;
  write: (text: string) => void;
  /** Milliseconds; `Date.now` in the CLI. */
  now: () => number;
  /** Terminal width for the bar; default 80. */
  columns?: number;
}

export interface ProgressReporter {
  /** One request finished; `isError` when it failed. */
  advance(isError: boolean): void;
  /** Ends the bar line (TTY) or prints the final line. */
  finish(message: string): void;
}

/** `1:05`, `12:00:03`; `--:--` when unknown. */
export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null || !Number.isFinite(milliseconds)) return '--:--';
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** Minimum milliseconds between two TTY redraws, so thousands of fast requests do not flood. */
const REDRAW_MS = 100;
const PLAIN_STEP_PERCENT = 5;

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const started = options.now();
  let done = 0;
  let errors = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastStep = 0;

  const eta = (): number | null => {
    const elapsed = options.now() - started;
    return done === 0 ? null : (elapsed / done) * (options.total - done);
  };
  const status = (): string => {
    const percent = options.total === 0 ? 100 : Math.floor((done / options.total) * 100);
    const errorText = errors > 0 ? `, ${errors} error${errors === 1 ? '' : 's'}` : '';
    return `${done}/${options.total} ${percent}%${errorText}, elapsed ${formatDuration(options.now() - started)}, ETA ${formatDuration(eta())}`;
  };
  const draw = (): void => {
    const text = status();
    const width = Math.max(10, Math.min(40, (options.columns ?? 80) - text.length - 4));
    const filled = options.total === 0 ? width : Math.round((done / options.total) * width);
    options.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\u001b[K`);
  };

  if (options.isTty) draw();
  return {
    advance(isError) {
      done++;
      if (isError) errors++;
      if (options.isTty) {
        const now = options.now();
        if (now - lastDraw >= REDRAW_MS || done === options.total) {
          lastDraw = now;
          draw();
        }
        return;
      }
      const step =
        options.total === 0
          ? 100
          : Math.floor((done / options.total) * (100 / PLAIN_STEP_PERCENT)) * PLAIN_STEP_PERCENT;
      if (step > lastStep) {
        lastStep = step;
        options.write(`eval: ${status()}\n`);
      }
    },
    finish(message) {
      if (options.isTty) {
        draw();
        options.write('\n');
      }
      options.write(`${message}\n`);
    },
  };
}

/** The progress line of `tts-proxy calibrate`, with an ETA. */

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CalibrateProgress {
  /** One request finished (`isFailure`: it failed and is not recorded). */
  tick(isFailure: boolean): void;
  /** Prints the final line. */
  done(): void;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "calibrate: 37/120 requests (31%) · 2.1/s · ETA 40s": rewritten in place on a TTY, else every 5 s. */
export function createProgress(
  sink: ProgressSink,
  total: number,
  resumed: number,
  now: () => number,
): CalibrateProgress {
  const started = now();
  let finished = resumed;
  let failed = 0;
  let lastPrinted = -Infinity;
  const line = (): string => {
    const sent = finished - resumed;
    const elapsed = now() - started;
    const rate = elapsed > 0 ? (sent / elapsed) * 1000 : 0;
    const eta = rate > 0 ? formatDuration(((total - finished) / rate) * 1000) : '?';
    return `calibrate: ${finished}/${total} requests (${Math.floor((finished / Math.max(1, total)) * 100)}%) · ${rate.toFixed(1)}/s · ETA ${eta}${failed > 0 ? ` · ${failed} failed` : ''}`;
  };
  const print = (isFinal: boolean): void => {
    if (sink.isTTY === true) {
      sink.write(`\r\u001b[2K${line()}${isFinal ? '\n' : ''}`);
    } else if (isFinal || now() - lastPrinted >= 5000) {
      sink.write(`${line()}\n`);
      lastPrinted = now();
    }
  };
  return {
    tick(isFailure: boolean): void {
      finished += 1;
      if (isFailure) failed += 1;
      print(false);
    },
    done: (): void => print(true),
  };
}

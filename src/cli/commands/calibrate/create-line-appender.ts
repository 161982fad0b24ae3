import { appendFile } from 'node:fs/promises';

/** Appends one line at a time, in call order, so concurrent requests never interleave lines. */
export function createLineAppender(file: string): (line: string) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (line) => {
    const written = tail.then(() => appendFile(file, line));
    // The caller sees this append's error; the next append still runs after it.
    tail = written.catch(() => undefined);
    return written;
  };
}

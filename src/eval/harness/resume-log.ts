/**
 * The one resume mechanism of `tts-proxy eval` and `tts-proxy calibrate`: a JSON-lines log with
 * one line per finished request, appended as each finishes, read back by the next run to skip
 * what is done. Reading never fails on a bad line (a crash can tear the last one): bad lines are
 * reported by number and skipped; the latest line of a key supersedes earlier ones (a retried
 * request). An optional header line pins what the entries depend on; the command checks it.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

export interface ResumeLogSpec<Entry, Header> {
  /** One finished request's line. */
  entry: z.ZodType<Entry>;
  keyOf: (entry: Entry) => string;
  /** A line that pins what the entries depend on (tried before `entry`). */
  header?: z.ZodType<Header>;
}

export interface ResumeLog<Entry, Header> {
  /** The latest entry of each key, in file order of their last occurrence. */
  entries: Entry[];
  /** Every header line, in file order. */
  headers: Header[];
  /** 1-based numbers of lines that did not parse (a torn last line after a crash, typically). */
  badLines: number[];
  /** False when the last line is unterminated: the next append must start a fresh line. */
  endsWithNewline: boolean;
}

/** Parses a log's text; never throws on a bad line. */
export function readResumeLog<Entry, Header = never>(
  text: string,
  spec: ResumeLogSpec<Entry, Header>,
): ResumeLog<Entry, Header> {
  const latest = new Map<string, Entry>();
  const headers: Header[] = [];
  const badLines: number[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      badLines.push(index + 1);
      continue;
    }
    const header = spec.header?.safeParse(value);
    if (header?.success) {
      headers.push(header.data);
      continue;
    }
    const parsed = spec.entry.safeParse(value);
    if (!parsed.success) {
      badLines.push(index + 1);
      continue;
    }
    const key = spec.keyOf(parsed.data);
    // Delete first so a superseding line moves the key to its new position.
    latest.delete(key);
    latest.set(key, parsed.data);
  }
  return {
    entries: [...latest.values()],
    headers,
    badLines,
    endsWithNewline: text === '' || text.endsWith('\n'),
  };
}

/** A log file read back, ready for appending. */
export interface OpenResumeLog<Entry, Header> extends ResumeLog<Entry, Header> {
  /**
   * Appends one JSON line synchronously: it is with the OS on return, lines never interleave, and
   * a failure (disk full, the file replaced by a directory) throws at this append, not later.
   */
  append(value: unknown): void;
}

/** Reads `file` (absent = empty) and returns its entries and an appender that ends a torn last line first. */
export function openResumeLog<Entry, Header = never>(
  file: string,
  spec: ResumeLogSpec<Entry, Header>,
): OpenResumeLog<Entry, Header> {
  const log = readResumeLog(existsSync(file) ? readFileSync(file, 'utf8') : '', spec);
  let needsNewline = !log.endsWithNewline;
  return {
    ...log,
    append(value) {
      appendFileSync(file, `${needsNewline ? '\n' : ''}${JSON.stringify(value)}\n`);
      needsNewline = false;
    },
  };
}

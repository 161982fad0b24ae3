/**
 * JSON lines in, JSON lines out, exactly one output line per input line (blank lines included as
 * errors) so outputs can be zipped with inputs. A bad line yields `{"error": "..."}`, never a crash.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export async function mapJsonLines(
  input: Readable,
  output: Writable,
  handle: (value: unknown) => unknown, // may return a promise: it is awaited
): Promise<{ lines: number; errors: number }> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  let errors = 0;
  for await (const line of reader) {
    lines++;
    let result: unknown;
    try {
      result = await handle(JSON.parse(line) as unknown);
    } catch (error) {
      errors++;
      result = {
        error:
          error instanceof SyntaxError
            ? `line ${lines}: not valid JSON`
            : `line ${lines}: ${(error as Error).message}`,
      };
    }
    if (!output.write(JSON.stringify(result) + '\n'))
      await new Promise((resolve) => output.once('drain', resolve));
  }
  return { lines, errors };
}

export function openInput(file: string | undefined): Readable {
  return file === undefined || file === '-'
    ? process.stdin
    : createReadStream(file, { encoding: 'utf8' });
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openResumeLog, readResumeLog } from '../../../../src/eval';

const SPEC = {
  entry: z.strictObject({ key: z.string(), value: z.number() }),
  keyOf: (entry: { key: string }) => entry.key,
  header: z.strictObject({ kind: z.literal('header'), seed: z.number() }),
};
const line = (value: unknown): string => JSON.stringify(value);

describe('readResumeLog', () => {
  it('keeps the latest entry of each key in the order of its last line, and reads headers apart', () => {
    const text = [
      line({ kind: 'header', seed: 7 }),
      line({ key: 'a', value: 1 }),
      line({ key: 'b', value: 2 }),
      line({ key: 'a', value: 3 }),
    ].join('\n');
    expect(readResumeLog(text + '\n', SPEC)).toEqual({
      entries: [
        { key: 'b', value: 2 },
        { key: 'a', value: 3 },
      ],
      headers: [{ kind: 'header', seed: 7 }],
      badLines: [],
      endsWithNewline: true,
    });
  });

  it('skips and reports lines that are torn or of the wrong shape', () => {
    const read = readResumeLog(
      `${line({ key: 'a', value: 1 })}\n{"key": "b"}\n{"key": "c", "va`,
      SPEC,
    );
    expect(read.entries).toEqual([{ key: 'a', value: 1 }]);
    expect(read.badLines).toEqual([2, 3]);
    expect(read.endsWithNewline).toBe(false);
  });
});

describe('openResumeLog', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tts-resume-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an absent file as empty and creates it on the first append', () => {
    const file = path.join(dir, 'new.jsonl');
    const log = openResumeLog(file, SPEC);
    expect(log.entries).toEqual([]);
    log.append({ key: 'a', value: 1 });
    expect(readFileSync(file, 'utf8')).toBe(`${line({ key: 'a', value: 1 })}\n`);
  });

  it('ends a torn last line before the next append, so the new line reads back', () => {
    const file = path.join(dir, 'torn.jsonl');
    writeFileSync(file, `${line({ key: 'a', value: 1 })}\n{"key": "b", "va`);
    const log = openResumeLog(file, SPEC);
    log.append({ key: 'b', value: 2 });
    log.append({ key: 'c', value: 3 });
    expect(openResumeLog(file, SPEC)).toMatchObject({
      entries: [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
        { key: 'c', value: 3 },
      ],
      badLines: [2],
      endsWithNewline: true,
    });
  });

  it('throws at the append that cannot be written', () => {
    const file = path.join(dir, 'gone.jsonl');
    const log = openResumeLog(file, SPEC);
    log.append({ key: 'a', value: 1 });
    rmSync(file);
    mkdirSync(file);
    expect(() => log.append({ key: 'b', value: 2 })).toThrow(/EISDIR/);
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../../src/errors';
import { loadDataset } from '../../../../src/eval';

describe('loadDataset', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tts-dataset-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  it('reads every accepted field, keeps the first `limit` problems and fingerprints the whole file', () => {
    const file = write('mixed.jsonl', [
      JSON.stringify({ unique_id: 'm/1', problem: 'p1', answer: 3, level: 'Level 2' }),
      JSON.stringify({ id: 'gsm/2', question: 'p2', answer: '4', subject: 'Algebra' }),
      JSON.stringify({ problem: 'p3', answer: '5', difficulty: 0.25 }),
    ]);
    const loaded = loadDataset(file, { limit: 2 });
    expect(loaded.problems).toEqual([
      { id: 'm/1', problem: 'p1', answer: '3', level: 2, subject: null, difficulty: null },
      {
        id: 'gsm/2',
        problem: 'p2',
        answer: '4',
        level: null,
        subject: 'Algebra',
        difficulty: null,
      },
    ]);
    expect(loaded.sha256).toBe(loadDataset(file).sha256);
    expect(loadDataset(file).problems).toHaveLength(3);
  });

  it('gives eval and calibrate the same fingerprint for the same content at another path', () => {
    const lines = [JSON.stringify({ problem: 'p', answer: '1' })];
    const first = loadDataset(write('a.jsonl', lines));
    expect(loadDataset(write('b.jsonl', lines)).sha256).toBe(first.sha256);
    expect(first.sha256).toBe(createHash('sha256').update(`${lines[0]}\n`).digest('hex'));
  });

  it('names the flag, the file and the line of a bad row', () => {
    const file = write('bad.jsonl', [
      JSON.stringify({ problem: 'p', answer: '1' }),
      '{"problem": "q"}',
    ]);
    expect(() => loadDataset(file)).toThrow(ConfigError);
    expect(() => loadDataset(file)).toThrow(`${file} line 2: 'answer' is missing`);
  });

  it('says a missing file is missing', () => {
    const file = path.join(dir, 'absent.jsonl');
    expect(() => loadDataset(file)).toThrow(`file not found: ${file}`);
  });
});

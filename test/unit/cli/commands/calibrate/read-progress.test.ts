import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CalibrationRecord } from '../../../../../src/calibrate';
import {
  readProgress,
  type ProgressHeader,
} from '../../../../../src/cli/commands/calibrate/read-progress';

const HEADER: ProgressHeader = {
  model: 'm',
  dataset: '/data/dev.jsonl',
  datasetSha256: 'a'.repeat(64),
  seed: 7,
  config: { 'tts.default_m': 4 },
};

const RECORD: CalibrationRecord = {
  problemId: 'p1',
  method: 'majority',
  budget: 4,
  isCorrect: true,
  policyTokens: 10,
  prmTokens: 0,
  samplesCorrect: 3,
  samplesTotal: 4,
  probe: [{ answer: '2', stepScores: null }],
};

describe('readProgress (the calibrate side of the shared resume log)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tts-progress-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a new file with the header and reads its appended records back', () => {
    const file = path.join(dir, 'fresh.progress.jsonl');
    const first = readProgress(file, HEADER);
    expect(first.records).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0] ?? '')).toEqual({
      kind: 'header',
      ...HEADER,
    });
    first.append(RECORD);
    expect(readProgress(file, HEADER).records).toEqual([RECORD]);
  });

  it('refuses a file written for another setup, naming the difference', () => {
    const file = path.join(dir, 'other.progress.jsonl');
    writeFileSync(file, `${JSON.stringify({ kind: 'header', ...HEADER, seed: 8 })}\n`);
    expect(() => readProgress(file, HEADER)).toThrow(
      `${file} holds a calibration of another setup: seed 8 (this run: 7); delete it or choose another --out`,
    );
  });

  it('refuses records without a header to check them against', () => {
    const file = path.join(dir, 'headless.progress.jsonl');
    readProgress(path.join(dir, 'source.progress.jsonl'), HEADER).append(RECORD);
    const recordLine = readFileSync(path.join(dir, 'source.progress.jsonl'), 'utf8').split('\n')[1];
    writeFileSync(file, `${recordLine ?? ''}\n`);
    expect(() => readProgress(file, HEADER)).toThrow(/has records but no header/);
  });
});

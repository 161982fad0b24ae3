/**
 * `runCalibrate` end to end: the real proxy in-process against the simulator (default config),
 * six simulated problems at budgets 4 (no probe at serving time) and 8 (a probe of 2, from a base
 * table that allows one: the bundled table probes from N=16), every method; then a resume from the progress file, the refusals of a progress file written for
 * another setup, and a failed progress append.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CalibrateResult } from '../../src/cli/commands/calibrate';
import type * as CalibrateModule from '../../src/cli/commands/calibrate';
import type * as SimModule from '../../src/sim';
import { parseStrategyTable } from '../../src/select';
import { DEFAULT_CONFIG } from './start-test-server';

const SIM_INDEX = path.resolve(__dirname, '../../src/sim/index.ts');
const hasSimulator = existsSync(SIM_INDEX);
if (!hasSimulator) {
  console.warn(
    `calibrate integration test skipped: ${SIM_INDEX} does not exist yet (the simulator is not finished)`,
  );
}
const describeWithSim = hasSimulator ? describe : describe.skip;

// Required lazily so that a missing simulator skips the suite instead of failing at import.
function loadCalibrate(): typeof CalibrateModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above)
  return require('../../src/cli/commands/calibrate') as typeof CalibrateModule;
}

describeWithSim('runCalibrate against the simulator', () => {
  let dir: string;
  let datasetPath: string;
  let outPath: string;
  let baseTablePath: string;
  let first: CalibrateResult;
  const progressText: string[] = [];

  async function calibrate(): Promise<CalibrateResult> {
    const { runCalibrate } = loadCalibrate();
    return runCalibrate({
      datasetPath,
      budgets: [4, 8],
      outPath,
      baseTablePath,
      configPath: DEFAULT_CONFIG,
      concurrency: 4,
      seed: 7,
      env: {},
      progress: { write: (text: string) => progressText.push(text), isTTY: false },
      date: '2025-01-01',
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tts-calibrate-'));
    datasetPath = path.join(dir, 'dev.jsonl');
    outPath = path.join(dir, 'strategy.sim.yaml');
    // Budgets stay small for the suite's time: a base table whose probe starts at k=2 (N=8).
    baseTablePath = path.join(dir, 'base.yaml');
    const bundled = await readFile(path.resolve(__dirname, '../../config/strategy.yaml'), 'utf8');
    await writeFile(baseTablePath, bundled.replace(/^ {2}min_samples: 4$/m, '  min_samples: 2'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, like loadCalibrate
    const { generateProblems } = require('../../src/sim') as typeof SimModule;
    const problems = generateProblems({ seed: 11, count: 6 });
    await writeFile(
      datasetPath,
      problems
        .map((p, i) =>
          JSON.stringify({ problem: p.problem, answer: p.answer, unique_id: `sim-${i}` }),
        )
        .join('\n') + '\n',
    );
    first = await calibrate();
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every method at every budget for every problem', () => {
    expect(first.requests).toEqual({ total: 48, resumed: 0, sent: 48, failed: 0 });
    expect(first.failures).toEqual([]);
    expect(first.fit.problems).toBe(6);
  });

  it('writes a strategy table that parses, with a header, rows per served probe and CV accuracies', async () => {
    const text = await readFile(outPath, 'utf8');
    expect(text).toMatch(/^# Strategy table calibrated by `tts-proxy calibrate` on 2025-01-01\./);
    expect(text).toMatch(/SIMULATED upstream/);
    expect(text).toMatch(
      /N=4 \(no probe: one row for every difficulty\): auto \d+\.\d% vs best single method/,
    );
    expect(text).toMatch(/N=8 \(probe of 2\): auto \d+\.\d% vs best single method/);
    expect(text).toMatch(/k per budget: N=4: none, N=8: k=2/);
    const table = parseStrategyTable(text);
    // N ≤ 5 (measured at 4) and N = 6-7 have no probe at serving time: one row each for every
    // difficulty; from N = 8 (k = 2) one row per bin.
    expect(
      table.rows.map((row) => [row.match.difficulties, row.match.budgetMin, row.match.budgetMax]),
    ).toEqual([
      [null, null, 5],
      [null, 6, 7],
      [['easy'], 8, null],
      [['medium'], 8, null],
      [['hard'], 8, null],
    ]);
    expect(table.calibration).toMatchObject({
      problems: 6,
      budgets: [4, 8],
      probeSamples: 2,
      model: 'qwen2.5-1.5b-instruct',
    });
    for (const row of table.rows)
      expect(row.measured?.alternatives).toEqual(
        expect.objectContaining({
          majority: expect.any(Number),
          best_of_n: expect.any(Number),
          beam_search: expect.any(Number),
          dvts: expect.any(Number),
        }),
      );
  });

  it('reports progress with an ETA', () => {
    expect(progressText.join('')).toMatch(/calibrate: 48\/48 requests \(100%\) · [\d.]+\/s · ETA/);
  });

  it('resumes from the progress file: only missing requests are sent again', async () => {
    const progressPath = `${outPath}.progress.jsonl`;
    const lines = (await readFile(progressPath, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(49);
    // Drop the last 5 records and tear the new last line, as an interrupted run would.
    await writeFile(progressPath, `${lines.slice(0, 44).join('\n')}\n{"kind":"rec`);
    const second = await calibrate();
    expect(second.requests).toEqual({ total: 48, resumed: 43, sent: 5, failed: 0 });
    expect(second.table.rows.map((row) => row.method)).toEqual(
      first.table.rows.map((row) => row.method),
    );
    const third = await calibrate();
    expect(third.requests).toEqual({ total: 48, resumed: 48, sent: 0, failed: 0 });
  }, 120_000);

  it('pins the dataset content and the serving config in the progress header', async () => {
    const [header] = (await readFile(`${outPath}.progress.jsonl`, 'utf8')).split('\n');
    expect(JSON.parse(header ?? '')).toMatchObject({
      kind: 'header',
      model: 'qwen2.5-1.5b-instruct',
      datasetSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      seed: 7,
      config: expect.objectContaining({
        'models[].served_name': 'sim-qwen2.5-1.5b-instruct',
        'prms[].name': 'qwen2.5-math-prm-7b',
        'prms[].family': 'qwen2.5-math-prm',
        'tts.default_m': 4,
      }),
    });
  });

  /** A copy of the finished progress file under a new --out, so each refusal starts from it. */
  async function copyOfProgress(name: string): Promise<string> {
    const copy = path.join(dir, name);
    await copyFile(`${outPath}.progress.jsonl`, `${copy}.progress.jsonl`);
    return copy;
  }

  it('resumes from the same dataset content at another path', async () => {
    const { runCalibrate } = loadCalibrate();
    const movedDataset = path.join(dir, 'moved.jsonl');
    await copyFile(datasetPath, movedDataset);
    const out = await copyOfProgress('moved.yaml');
    const result = await runCalibrate({
      datasetPath: movedDataset,
      budgets: [4, 8],
      outPath: out,
      configPath: DEFAULT_CONFIG,
      seed: 7,
      env: {},
      progress: { write: () => true },
    });
    expect(result.requests).toMatchObject({ resumed: 48, sent: 0 });
  }, 60_000);

  it('refuses to resume against changed dataset content', async () => {
    const { runCalibrate } = loadCalibrate();
    const changedDataset = path.join(dir, 'changed.jsonl');
    const lines = (await readFile(datasetPath, 'utf8')).trimEnd().split('\n');
    const firstLine = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    await writeFile(
      changedDataset,
      [JSON.stringify({ ...firstLine, answer: 'not the answer' }), ...lines.slice(1)].join('\n') +
        '\n',
    );
    const out = await copyOfProgress('changed.yaml');
    await expect(
      runCalibrate({
        datasetPath: changedDataset,
        budgets: [4, 8],
        outPath: out,
        configPath: DEFAULT_CONFIG,
        seed: 7,
        env: {},
        progress: { write: () => true },
      }),
    ).rejects.toThrow(/another setup: dataset .* sha256 .*; delete it or choose another --out/);
  });

  it('refuses to resume against another serving config (here the simulated PRM)', async () => {
    const { runCalibrate } = loadCalibrate();
    const out = await copyOfProgress('other-prm.yaml');
    await expect(
      runCalibrate({
        datasetPath,
        budgets: [4, 8],
        outPath: out,
        configPath: DEFAULT_CONFIG,
        seed: 7,
        env: { TTS_PROXY__UPSTREAMS__PRM__SIM__SEED: '99' },
        progress: { write: () => true },
      }),
    ).rejects.toThrow(
      /prms\[\]\.upstream "sim seed 4321 quality default" \(this run: "sim seed 99 quality default"\)/,
    );
  });

  it('refuses a progress file whose header pins no fingerprints (an older version)', async () => {
    const { runCalibrate } = loadCalibrate();
    const out = path.join(dir, 'old.yaml');
    const lines = (await readFile(`${outPath}.progress.jsonl`, 'utf8')).trimEnd().split('\n');
    const oldHeader = JSON.stringify({
      kind: 'header',
      model: 'qwen2.5-1.5b-instruct',
      dataset: path.resolve(datasetPath),
      seed: 7,
    });
    await writeFile(`${out}.progress.jsonl`, [oldHeader, ...lines.slice(1)].join('\n') + '\n');
    await expect(
      runCalibrate({
        datasetPath,
        budgets: [4, 8],
        outPath: out,
        configPath: DEFAULT_CONFIG,
        seed: 7,
        env: {},
        progress: { write: () => true },
      }),
    ).rejects.toThrow(/without the dataset and config fingerprints/);
  });

  // Regression: appends were chained and awaited only after the last request, so a failing disk
  // let the whole run go on unrecorded and reported the error at the very end.
  it('stops at the first failed progress append', async () => {
    const { runCalibrate } = loadCalibrate();
    const out = path.join(dir, 'append-fails.yaml');
    const progressPath = `${out}.progress.jsonl`;
    let ticks = 0;
    const sink = {
      isTTY: true,
      write: (): boolean => {
        ticks += 1;
        // After the first record is written, make the progress file unwritable (a directory).
        if (ticks === 1) {
          rmSync(progressPath);
          mkdirSync(progressPath);
        }
        return true;
      },
    };
    await expect(
      runCalibrate({
        datasetPath,
        budgets: [4],
        methods: ['majority'],
        outPath: out,
        configPath: DEFAULT_CONFIG,
        seed: 7,
        concurrency: 1,
        env: {},
        progress: sink,
      }),
    ).rejects.toThrow(/cannot append to .*append-fails\.yaml\.progress\.jsonl/);
    // One request recorded, the next one's append failed, and nothing ran after it (6 jobs in all).
    expect(ticks).toBe(1);
  }, 60_000);

  it('refuses a progress file written for another calibration', async () => {
    const { runCalibrate } = loadCalibrate();
    await expect(
      runCalibrate({
        datasetPath,
        budgets: [4],
        outPath,
        configPath: DEFAULT_CONFIG,
        seed: 8,
        env: {},
        progress: { write: () => true },
      }),
    ).rejects.toThrow(/seed 7 \(this run: 8\); delete it or choose another --out/);
  });
});

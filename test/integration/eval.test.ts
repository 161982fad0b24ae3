/**
 * `runEval` end to end against the real proxy started in-process (simulated upstreams): the three
 * output files, resuming, and a clean stop part-way through.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { readResults, runEval, type RunEvalOptions } from '../../src/eval';

const DEMO = path.resolve(__dirname, '../../config/demo-problems.jsonl');
const CONFIG = path.resolve(__dirname, '../../config/default.yaml');

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tts-eval-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function options(outDir: string, extra: Partial<RunEvalOptions> = {}): RunEvalOptions {
  return {
    datasetPath: DEMO,
    configPath: CONFIG,
    env: {},
    arms: ['cot', 'best_of_n', 'beam_search'],
    budgets: [4],
    limit: 8,
    concurrency: 4,
    seed: 1,
    outDir,
    ...extra,
  };
}

function resultLines(outDir: string): string[] {
  return readFileSync(path.join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

describe('runEval', () => {
  it('writes results.jsonl, summary.json and report.html, then resumes with no new requests', async () => {
    const outDir = path.join(root, 'full');
    const first = await runEval(options(outDir));
    expect(first).toMatchObject({ newRequests: 24, resumedRequests: 0, isInterrupted: false });

    const lines = resultLines(outDir);
    expect(lines).toHaveLength(24);
    const read = readResults(lines.join('\n') + '\n');
    expect(read.badLines).toEqual([]);
    expect(new Set(read.results.map((r) => r.key)).size).toBe(24);
    expect(read.results.every((r) => r.error === null && r.isSimulated === true)).toBe(true);
    expect(read.results.find((r) => r.arm === 'beam_search')?.method).toBe('beam_search');
    expect(read.results.find((r) => r.arm === 'best_of_n')?.prmTokens).toBeGreaterThan(0);

    const summary = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as {
      cells: { arm: string; requests: number; accuracy: number }[];
      completed_requests: number;
    };
    expect(summary.completed_requests).toBe(24);
    expect(summary.cells.map((cell) => [cell.arm, cell.requests])).toEqual([
      ['cot', 8],
      ['best_of_n', 8],
      ['beam_search', 8],
    ]);
    const html = readFileSync(path.join(outDir, 'report.html'), 'utf8');
    expect(html.match(/<svg class="plot"/g)?.length).toBeGreaterThanOrEqual(3);

    const second = await runEval(options(outDir));
    expect(second).toMatchObject({ newRequests: 0, resumedRequests: 24, isInterrupted: false });
    expect(resultLines(outDir)).toHaveLength(24);
    // Same seeds, same requests: the summary's numbers are unchanged.
    expect(second.summary.cells.map((cell) => cell.accuracy)).toEqual(
      first.summary.cells.map((cell) => cell.accuracy),
    );
  });

  it('keeps what is done when aborted part-way, and the rerun completes the grid', async () => {
    const outDir = path.join(root, 'interrupted');
    const controller = new AbortController();
    let seen = 0;
    const partial = await runEval(
      options(outDir, {
        signal: controller.signal,
        onResult: () => {
          seen++;
          if (seen === 3) controller.abort();
        },
      }),
    );
    expect(partial.isInterrupted).toBe(true);
    expect(partial.newRequests).toBeGreaterThanOrEqual(3);
    expect(partial.newRequests).toBeLessThan(24);
    const kept = resultLines(outDir);
    expect(kept).toHaveLength(partial.newRequests);
    expect(existsSync(path.join(outDir, 'report.html'))).toBe(true);
    const partialSummary = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as {
      run: { is_interrupted: boolean };
    };
    expect(partialSummary.run.is_interrupted).toBe(true);

    const rerun = await runEval(options(outDir));
    expect(rerun).toMatchObject({
      resumedRequests: kept.length,
      newRequests: 24 - kept.length,
      isInterrupted: false,
    });
    const read = readResults(readFileSync(path.join(outDir, 'results.jsonl'), 'utf8'));
    expect(read.results).toHaveLength(24);
    expect(read.badLines).toEqual([]);
  });

  it('lets in-flight requests finish on a graceful stop', async () => {
    const outDir = path.join(root, 'stopped');
    const stop = new AbortController();
    const result = await runEval(
      options(outDir, {
        stopSignal: stop.signal,
        onResult: () => stop.abort(),
      }),
    );
    expect(result.isInterrupted).toBe(true);
    // The first result stops scheduling; the other workers' requests still complete and are kept.
    expect(result.newRequests).toBe(4);
    expect(resultLines(outDir)).toHaveLength(4);
  });

  it('gives every arm the same PRM tokens and FLOPs whatever the arm order (one PRM cache per arm)', async () => {
    const costs = async (arms: string[], dir: string): Promise<Map<string, unknown>> => {
      const outDir = path.join(root, dir);
      // One request at a time, so in a shared cache the earlier arm would warm it for the later one.
      await runEval(options(outDir, { arms, budgets: [4, 8], limit: 4, concurrency: 1 }));
      const read = readResults(readFileSync(path.join(outDir, 'results.jsonl'), 'utf8'));
      return new Map(
        read.results.map((r) => [
          r.key,
          { prm: r.prmTokens, cached: r.prmCachedTokens, flops: r.flops },
        ]),
      );
    };
    const forward = await costs(['beam_search', 'best_of_n', 'dvts'], 'order-a');
    const backward = await costs(['dvts', 'best_of_n', 'beam_search'], 'order-b');
    expect(forward.size).toBe(24);
    expect([...forward.values()].some((cost) => (cost as { prm: number }).prm > 0)).toBe(true);
    expect(new Map([...backward.entries()].sort())).toEqual(new Map([...forward.entries()].sort()));
  });

  it('keeps the first start and the last finish when a resume has nothing to do', async () => {
    const outDir = path.join(root, 'timestamps');
    const first = await runEval(options(outDir, { limit: 2 }));
    const again = await runEval(options(outDir, { limit: 2 }));
    expect(again.newRequests).toBe(0);
    expect(again.summary.run.startedAt).toBe(first.summary.run.startedAt);
    expect(again.summary.run.finishedAt).toBe(first.summary.run.finishedAt);
    expect(first.summary.headline.problems).toBe(2);
  });
});

describe('tts-proxy eval', () => {
  it('fails the run (exit 1, saying why) when every request failed, rather than report 0% as a result', async () => {
    const outDir = path.join(root, 'all-failed');
    const saved = process.env.TTS_PROXY__UPSTREAMS__POLICY__URL;
    // Nothing listens on port 9 of this machine (discard): every request finds the policy unreachable.
    process.env.TTS_PROXY__UPSTREAMS__POLICY__URL = 'http://127.0.0.1:9';
    const stderr: string[] = [];
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(() => true),
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
      }),
    ];
    try {
      await runCli([
        'eval',
        '--dataset',
        DEMO,
        '--arms',
        'cot',
        '--budgets',
        '4',
        '--limit',
        '2',
        '--out',
        outDir,
      ]);
      expect(process.exitCode).toBe(1);
      expect(stderr.join('')).toContain('every request failed');
    } finally {
      for (const spy of spies) spy.mockRestore();
      process.exitCode = undefined;
      if (saved === undefined) delete process.env.TTS_PROXY__UPSTREAMS__POLICY__URL;
      else process.env.TTS_PROXY__UPSTREAMS__POLICY__URL = saved;
    }
  }, 60_000);
});

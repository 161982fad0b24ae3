import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_GAPS } from '../../../src/eval/repro/known-gaps';
import { README_END, README_START } from '../../../src/eval/repro/paper-preset';
import { PAPER_FINDINGS } from '../../../src/eval/repro/paper-targets';
import { formatReproduction, runReproduction } from '../../../src/eval/repro/run-reproduction';

// The paper's findings in the simulated world (quick profile: 100 problems, N = 16 and 64, fixed
// seeds). The full run is `tts-proxy eval --preset paper`.
describe('reproduction of arXiv 2502.06703 in the simulated world', () => {
  it('reproduces every finding but the documented gaps, and reports ours beside the paper', async () => {
    const report = await runReproduction('quick');
    const text = formatReproduction(report);
    for (const finding of PAPER_FINDINGS) expect(text).toContain(`| ${finding.id} |`);
    const failures = report.findings
      .filter((finding) => finding.verdict === 'fail' && KNOWN_GAPS[finding.id] === undefined)
      .map((finding) => `${finding.id}: ${finding.ours}`);
    expect(failures).toEqual([]);
    expect(
      report.findings.filter((finding) => finding.verdict === 'pass').length,
    ).toBeGreaterThanOrEqual(4);
    // Cells of pairs the quick profile runs are compared, not skipped.
    expect(report.cells.filter((cell) => cell.verdict !== 'not run').length).toBeGreaterThan(20);
    // The README shows this same run (its numbers are generated, and must not go stale): when the
    // code changes what the world or the methods do, regenerate them with
    // `node bin/tts-proxy.js eval --preset paper --out runs/paper --readme README.md`.
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END));
    expect(section).toContain(text);
  }, 300_000);
});

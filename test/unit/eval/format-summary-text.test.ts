import { formatSummaryText, summarize, type RunInfo } from '../../../src/eval';
import { cell, problem } from './eval-fixtures';

const run: RunInfo = {
  dataset: 'd',
  model: 'm',
  target: 't',
  seed: 0,
  concurrency: 1,
  startedAt: 's',
  finishedAt: 'f',
  isInterrupted: false,
};

describe('formatSummaryText', () => {
  it('prints one aligned row per cell and the Table-5 headline', () => {
    const problems = [problem('p1'), problem('p2'), problem('p3'), problem('p4')];
    const results = [
      ...cell('cot', 1, '1000'),
      ...cell('majority', 4, '1100'),
      ...cell('dvts', 4, '1110'),
    ];
    const text = formatSummaryText(
      summarize({ run, problems, arms: ['cot', 'majority', 'dvts'], budgets: [4], results }),
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^arm@budget\s+accuracy\s+95% CI/);
    expect(lines[1]).toMatch(/^cot\s+25\.0%/);
    expect(lines[3]).toMatch(/^dvts@4\s+75\.0%\s+30\.1-95\.4\s+2\/0\s+0\.500/);
    expect(text).toContain(
      'CoT 25.0% | majority best 50.0% (N=4) | compute-optimal TTS 75.0% (dvts@4) | performance gain 200.0%',
    );
    expect(text).toContain('(simulated upstream');
  });
});

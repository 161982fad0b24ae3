import { buildReportHtml, summarize, type RunInfo } from '../../../src/eval';
import { cell, problem } from './eval-fixtures';
import { unbalancedTags } from './html-structure';

const run: RunInfo = {
  dataset: 'data/<script>alert(1)</script>.jsonl',
  model: 'qwen2.5-1.5b-instruct',
  target: 'in-process (config/default.yaml)',
  seed: 0,
  concurrency: 4,
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
  isInterrupted: false,
};
const problems = Array.from({ length: 6 }, (_, i) =>
  problem(`p${i + 1}`, {
    level: (i % 3) + 1,
    subject: i % 2 === 0 ? 'Algebra & Geometry' : 'Number Theory',
    difficulty: i / 6,
  }),
);
const results = [
  ...cell('cot', 1, '110000'),
  ...cell('majority', 4, '111000'),
  // Majority@16's vote tables give each problem's Pass@1: p1-p2 easy, p3-p4 medium, p5-p6 hard.
  ...cell('majority', 16, '111100').map((r, i) => ({
    ...r,
    goldShare: [0.9, 0.6, 0.3, 0.2, 0.05, 0][i] ?? 0,
  })),
  ...cell('beam_search', 4, '111100'),
  ...cell('beam_search', 16, '111110'),
];
const summary = summarize({
  run,
  problems,
  arms: ['cot', 'majority', 'beam_search'],
  budgets: [4, 16],
  results,
});
const html = buildReportHtml(summary);

describe('buildReportHtml', () => {
  it('is one well-formed HTML document with a title', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<title>tts-proxy eval: qwen2.5-1.5b-instruct on .*<\/title>/);
    expect(unbalancedTags(html)).toEqual([]);
  });
  it('draws one inline SVG per plot: budget, FLOPs, and a per-level bar chart per budget', () => {
    expect(html.match(/<svg class="plot"/g)).toHaveLength(4);
    expect(html).toContain('Accuracy vs budget');
    expect(html).toContain('Accuracy vs FLOPs');
    expect(html).toContain('Accuracy by level, budget 16');
    // CoT is a dashed horizontal reference line on the budget plot.
    expect(html).toMatch(/<g class="reference"><title>cot: 33.3%<\/title>/);
  });
  it('references nothing outside the file: no scripts, links, URLs or fonts', () => {
    expect(html).not.toMatch(/http/i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=|@font-face/i);
  });
  it('escapes data-derived text', () => {
    expect(html).toContain('data/&lt;script&gt;alert(1)&lt;/script&gt;.jsonl');
    expect(html).toContain('Algebra &amp; Geometry');
  });
  it('shows the numbers: accuracy with CI, paired comparison, gains, breakdown tables', () => {
    expect(html).toContain('83.3% <span class="muted">[43.6, 97.0]</span>');
    expect(html).toContain('<h2>Accuracy by subject</h2>');
    expect(html).toContain('<h2>Accuracy by difficulty (Pass@1 bin)</h2>');
    expect(html).toContain('medium (Pass@1 10-50%)');
    expect(html).toContain('+150.0%');
  });
  it('labels simulated runs and interrupted runs', () => {
    expect(html).toContain('Simulated upstream.');
    const partial = buildReportHtml({
      ...summary,
      isSimulated: false,
      run: { ...run, isInterrupted: true },
    });
    expect(partial).not.toContain('Simulated upstream.');
    expect(partial).toContain('run interrupted');
  });
  it('renders an empty run without failing', () => {
    const empty = buildReportHtml(
      summarize({ run, problems, arms: ['cot', 'dvts'], budgets: [4], results: [] }),
    );
    expect(unbalancedTags(empty)).toEqual([]);
    expect(empty).toContain('no data yet');
  });
});

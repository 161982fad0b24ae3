/**
 * `report.html`: one self-contained page (inline CSS and SVG, no scripts, no fonts, no network)
 * with the paper-style figures (accuracy vs budget with CoT as a line, accuracy vs FLOPs,
 * accuracy per difficulty) and the tables behind them.
 */
import { formatGain, type EfficiencyGain } from './gains';
import type { CellSummary, GroupAccuracy } from './summarize-cell';
import type { EvalSummary } from './summarize';
import { barChart, escapeXml, lineChart, type LineSeries } from './svg-chart';
import type { ArmName } from './eval-types';

const ARM_COLORS: Record<ArmName, string> = {
  cot: '#6b6b6b',
  majority: '#e07b00',
  best_of_n: '#1f77b4',
  beam_search: '#2ca02c',
  dvts: '#9467bd',
  auto: '#d62728',
};

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1320px;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid #d6d6d6;padding:4px 8px;text-align:right;white-space:nowrap}
th{background:#f3f3f3;white-space:normal;vertical-align:bottom}td.left,th.left{text-align:left}
.figures{display:flex;flex-wrap:wrap;gap:16px}.figures svg{border:1px solid #e2e2e2;max-width:100%;height:auto}
.scroll{overflow-x:auto}.banner{background:#fff4d6;border:1px solid #e6c15a;padding:8px 12px;margin:12px 0}
.note{color:#555;font-size:13px;max-width:1000px}.muted{color:#888}code{background:#f4f4f4;padding:0 3px}
`;

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function signedPercent(value: number | null): string {
  return value === null ? '—' : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}

function scientific(value: number | null): string {
  if (value === null) return '—';
  return value === 0 ? '0' : value.toExponential(2);
}

function integer(value: number | null): string {
  return value === null ? '—' : Math.round(value).toLocaleString('en-US');
}

function milliseconds(value: number | null): string {
  if (value === null) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function pValue(value: number): string {
  return value < 0.001 ? '<0.001' : value.toFixed(3);
}

function accuracyWithInterval(cell: {
  accuracy: number | null;
  ci95: { low: number; high: number } | null;
}): string {
  if (cell.accuracy === null || cell.ci95 === null) return '—';
  return `${percent(cell.accuracy)} <span class="muted">[${(cell.ci95.low * 100).toFixed(1)}, ${(cell.ci95.high * 100).toFixed(1)}]</span>`;
}

function cellName(cell: { arm: ArmName; budget: number }): string {
  return cell.arm === 'cot' ? 'cot' : `${cell.arm}@${cell.budget}`;
}

function gainCell(gain: EfficiencyGain): string {
  const title =
    gain.targetAccuracy === null
      ? 'not defined for this data'
      : `matched at ${percent(gain.targetAccuracy)}: arm ${scientific(gain.armCompute)}, majority ${scientific(gain.majorityCompute)}`;
  return `<td title="${escapeXml(title)}">${escapeXml(formatGain(gain))}</td>`;
}

function table(
  headers: readonly string[] | null,
  rows: readonly string[][],
  leftColumns = 1,
): string {
  const head =
    headers === null
      ? ''
      : `<thead><tr>${headers.map((header, index) => `<th${index < leftColumns ? ' class="left"' : ''}>${header}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => (cell.startsWith('<td') ? cell : `<td${index < leftColumns ? ' class="left"' : ''}>${cell}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table>${head}<tbody>${body}</tbody></table></div>`;
}

function runSection(summary: EvalSummary): string {
  const run = summary.run;
  const rows = [
    ['dataset', escapeXml(run.dataset)],
    ['model', escapeXml(run.model)],
    ['proxy', escapeXml(run.target)],
    ['problems', String(summary.problems)],
    ['arms', escapeXml(summary.arms.join(', '))],
    ['budgets', escapeXml(summary.budgets.join(', '))],
    [
      'requests',
      `${summary.completedRequests} of ${summary.expectedRequests} succeeded${run.isInterrupted ? ' (run interrupted; rerun with the same --out to resume)' : ''}`,
    ],
    ['seed / concurrency', `${run.seed} / ${run.concurrency}`],
    ['started / finished', `${escapeXml(run.startedAt)} / ${escapeXml(run.finishedAt)}`],
  ];
  return table(
    null,
    rows.map(([name, value]) => [name ?? '', `<td class="left">${value ?? ''}</td>`]),
  );
}

function headlineSection(summary: EvalSummary): string {
  const headline = summary.headline;
  const efficiency = headline.efficiency;
  const row = [
    percent(headline.cotAccuracy),
    headline.majority === null
      ? '—'
      : `${percent(headline.majority.accuracy)} <span class="muted">(N=${headline.majority.budget})</span>`,
    headline.best === null
      ? '—'
      : `${percent(headline.best.accuracy)} <span class="muted">(${escapeXml(cellName(headline.best))})</span>`,
    signedPercent(headline.performanceGain),
    efficiency === null ? '<td>—</td>' : gainCell(efficiency.byBudget.armBest),
    efficiency === null ? '<td>—</td>' : gainCell(efficiency.byFlops.armBest),
    efficiency === null ? '<td>—</td>' : gainCell(efficiency.byBudget.majorityBest),
    efficiency === null ? '<td>—</td>' : gainCell(efficiency.byFlops.majorityBest),
  ];
  const headers = [
    'CoT',
    'Majority (best)',
    'Compute-optimal TTS',
    'Performance gain',
    'Efficiency gain (budget)',
    'Efficiency gain (FLOPs)',
    'at majority best (budget)',
    'at majority best (FLOPs)',
  ];
  return (
    table(headers, [row], 0) +
    `<p class="note">As the paper's Table 5. Compute-optimal TTS is the best TTS arm at each budget, picked after the fact on this data (optimistic, as in the paper). ` +
    `Over the ${summary.headline.problems} problem(s) with a result in every cell. ${
      summary.headline.efficiencyInterval === null
        ? ''
        : `Efficiency gain by budget (to match TTS's best), 95% bootstrap interval over problems: ${summary.headline.efficiencyInterval.low.toFixed(1)}×–${summary.headline.efficiencyInterval.high.toFixed(1)}×. `
    }Performance gain = (TTS − CoT) / CoT. Efficiency gain = compute majority voting needs to reach the TTS accuracy ÷ the TTS compute, interpolated on log compute; "&gt;" means majority never reached it within its largest budget (a lower bound). "At majority best": compute at majority voting's best point ÷ compute at which TTS first reaches that accuracy (compute-optimal-tts issue #11). CoT is every method's N=1 point (the proxy runs budget 1 as plain CoT).</p>`
  );
}

function figuresSection(summary: EvalSummary): string {
  const cot = summary.cells.find((cell) => cell.arm === 'cot' && cell.accuracy !== null) ?? null;
  const tts = summary.arms.filter((arm) => arm !== 'cot');
  const pointsOf = (arm: ArmName, x: (cell: CellSummary) => number | null): LineSeries => ({
    name: arm,
    color: ARM_COLORS[arm],
    points: summary.cells.flatMap((cell) => {
      const xValue = x(cell);
      if (cell.arm !== arm || cell.accuracy === null || xValue === null) return [];
      return [
        {
          x: xValue,
          y: cell.accuracy,
          ...(cell.ci95 ? { low: cell.ci95.low, high: cell.ci95.high } : {}),
          label: `${cellName(cell)}: ${percent(cell.accuracy)} (n=${cell.requests})`,
        },
      ];
    }),
  });
  const figures = [
    lineChart({
      title: 'Accuracy vs budget',
      xLabel: 'budget N (generations per problem, log2)',
      yLabel: 'accuracy',
      xLogBase: 2,
      series: tts.map((arm) => pointsOf(arm, (cell) => cell.budget)),
      ...(cot?.accuracy != null
        ? { referenceLines: [{ name: 'cot', y: cot.accuracy, color: ARM_COLORS.cot }] }
        : {}),
    }),
    lineChart({
      title: 'Accuracy vs FLOPs',
      xLabel: 'FLOPs per problem (policy + PRM, log10)',
      yLabel: 'accuracy',
      xLogBase: 10,
      series: summary.arms.map((arm) => pointsOf(arm, (cell) => cell.flops.total.mean)),
    }),
    ...difficultyFigures(summary),
  ];
  return `<div class="figures">${figures.join('')}</div>`;
}

/** Which breakdown the bar charts use: MATH level when present, else the difficulty bins. */
function barDimension(summary: EvalSummary): 'level' | 'difficulty' | null {
  if (summary.cells.some((cell) => cell.breakdown.level.length > 0)) return 'level';
  if (summary.cells.some((cell) => cell.breakdown.difficulty.length > 0)) return 'difficulty';
  return null;
}

function difficultyFigures(summary: EvalSummary): string[] {
  const dimension = barDimension(summary);
  if (dimension === null) return [];
  const groups = [
    ...new Set(
      summary.cells.flatMap((cell) => cell.breakdown[dimension].map((group) => group.group)),
    ),
  ].sort();
  const cot = summary.cells.find((cell) => cell.arm === 'cot') ?? null;
  const seriesOf = (cell: CellSummary) => {
    const byGroup = new Map(cell.breakdown[dimension].map((group) => [group.group, group]));
    return {
      name: cellName(cell),
      color: ARM_COLORS[cell.arm],
      values: groups.map((group) => byGroup.get(group)?.accuracy ?? null),
      labels: groups.map((group) => {
        const entry = byGroup.get(group);
        return entry === undefined
          ? null
          : `${cellName(cell)}, ${group}: ${percent(entry.accuracy)} (${entry.correct}/${entry.problems})`;
      }),
    };
  };
  const title = dimension === 'level' ? 'level' : 'difficulty';
  return summary.budgets.map((budget) =>
    barChart({
      title: `Accuracy by ${title}, budget ${budget}`,
      xLabel: dimension === 'level' ? 'MATH level' : 'difficulty (Pass@1 bin)',
      yLabel: 'accuracy',
      groups,
      series: [
        ...(cot ? [cot] : []),
        ...summary.cells.filter((cell) => cell.arm !== 'cot' && cell.budget === budget),
      ].map(seriesOf),
    }),
  );
}

function cellsSection(summary: EvalSummary): string {
  const rows = summary.cells.map((cell) => [
    escapeXml(cellName(cell)),
    accuracyWithInterval(cell),
    `${cell.correct}/${cell.requests}`,
    cell.errors > 0 ? `<b>${cell.errors}</b>` : '0',
    cell.vsCot === null
      ? '—'
      : `${cell.vsCot.wins} / ${cell.vsCot.losses} / ${cell.vsCot.bothCorrect + cell.vsCot.bothWrong}`,
    cell.vsCot === null ? '—' : pValue(cell.vsCot.pValue),
    signedPercent(cell.performanceGain),
    integer(cell.policyCompletionTokens.mean),
    integer(cell.prmTokens.mean),
    scientific(cell.flops.total.mean),
    milliseconds(cell.latencyMs.p50),
    milliseconds(cell.latencyMs.p95),
    escapeXml(cell.methods.map((method) => `${method.method}×${method.count}`).join(', ') || '—') +
      (cell.degraded > 0 ? ` <span class="muted">(${cell.degraded} degraded)</span>` : ''),
  ]);
  return table(
    [
      'arm@budget',
      'accuracy [95% CI]',
      'correct',
      'errors',
      'vs CoT W / L / T',
      'McNemar p',
      'perf. gain',
      'policy tokens',
      'PRM tokens',
      'FLOPs',
      'latency p50',
      'latency p95',
      'method run',
    ],
    rows,
  );
}

function efficiencySection(summary: EvalSummary): string {
  if (summary.efficiency.length === 0)
    return '<p class="note">Efficiency gain needs the <code>majority</code> arm (and ideally <code>cot</code>) in the run.</p>';
  const rows = summary.efficiency.map((entry) => [
    escapeXml(entry.arm),
    gainCell(entry.gains.byBudget.armBest),
    gainCell(entry.gains.byFlops.armBest),
    gainCell(entry.gains.byBudget.majorityBest),
    gainCell(entry.gains.byFlops.majorityBest),
  ]);
  return (
    table(
      [
        'arm',
        'to match arm best (budget)',
        'to match arm best (FLOPs)',
        'at majority best (budget)',
        'at majority best (FLOPs)',
      ],
      rows,
    ) +
    `<p class="note">"To match arm best": compute majority voting needs to reach the arm's best accuracy ÷ the arm's compute there (a reading of the table's wording). ` +
    `"At majority best": compute at majority voting's best point ÷ compute at which the arm first matches it (compute-optimal-tts issue #11). "—": the arm never reaches majority's best. Hover a cell for the matched points.</p>`
  );
}

function breakdownSection(
  summary: EvalSummary,
  dimension: 'level' | 'difficulty' | 'subject',
  heading: string,
): string {
  const groups = [
    ...new Set(
      summary.cells.flatMap((cell) => cell.breakdown[dimension].map((group) => group.group)),
    ),
  ].sort();
  if (groups.length === 0) return '';
  const cellFor = (entry: GroupAccuracy | undefined): string =>
    entry === undefined
      ? '—'
      : `${percent(entry.accuracy)} <span class="muted">${entry.correct}/${entry.problems}</span>`;
  const rows = summary.cells.map((cell) => {
    const byGroup = new Map(cell.breakdown[dimension].map((group) => [group.group, group]));
    return [escapeXml(cellName(cell)), ...groups.map((group) => cellFor(byGroup.get(group)))];
  });
  return `<h2>Accuracy by ${heading}</h2>` + table(['arm@budget', ...groups.map(escapeXml)], rows);
}

/** Builds the whole page. Every data-derived string is escaped. */
export function buildReportHtml(summary: EvalSummary): string {
  const title = `tts-proxy eval: ${summary.run.model} on ${summary.run.dataset}`;
  const banner = summary.isSimulated
    ? '<div class="banner"><b>Simulated upstream.</b> These numbers come from tts-proxy\'s embedded simulator (a synthetic math world), not from a real model. Point the proxy at vLLM to measure your own models.</div>'
    : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeXml(title)}</h1>`,
    banner,
    runSection(summary),
    '<h2>Headline</h2>',
    headlineSection(summary),
    '<h2>Figures</h2>',
    figuresSection(summary),
    '<h2>Per arm and budget</h2>',
    cellsSection(summary),
    `<p class="note">Accuracy counts an errored request as wrong; whiskers and brackets are 95% Wilson intervals. W / L / T: problems this arm got right and CoT wrong / the reverse / same grade; p is the exact two-sided McNemar (binomial) test on those pairs. ` +
      `Tokens, FLOPs and latency are means per successful request (latency as seen by the eval client). ${escapeXml(summary.flopsFormula)}</p>`,
    '<h2>Efficiency gain over majority voting</h2>',
    efficiencySection(summary),
    breakdownSection(summary, 'level', 'level'),
    breakdownSection(summary, 'difficulty', 'difficulty (Pass@1 bin)'),
    breakdownSection(summary, 'subject', 'subject'),
    '</body></html>',
    '',
  ].join('\n');
}

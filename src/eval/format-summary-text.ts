/** A plain-text table of a summary for the terminal, printed when `tts-proxy eval` finishes. */
import { formatGain } from './gains';
import type { EvalSummary } from './summarize';

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, index) =>
      index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
    )
    .join('  ');
}

export function formatSummaryText(summary: EvalSummary): string {
  const header = [
    'arm@budget',
    'accuracy',
    '95% CI',
    'W/L vs CoT',
    'p',
    'policy tok',
    'PRM tok',
    'FLOPs',
    'p50 ms',
    'errors',
  ];
  const rows = summary.cells.map((cell) => [
    cell.arm === 'cot' ? 'cot' : `${cell.arm}@${cell.budget}`,
    percent(cell.accuracy),
    cell.ci95 === null
      ? '-'
      : `${(cell.ci95.low * 100).toFixed(1)}-${(cell.ci95.high * 100).toFixed(1)}`,
    cell.vsCot === null ? '-' : `${cell.vsCot.wins}/${cell.vsCot.losses}`,
    cell.vsCot === null ? '-' : cell.vsCot.pValue < 0.001 ? '<0.001' : cell.vsCot.pValue.toFixed(3),
    cell.policyCompletionTokens.mean === null
      ? '-'
      : String(Math.round(cell.policyCompletionTokens.mean)),
    cell.prmTokens.mean === null ? '-' : String(Math.round(cell.prmTokens.mean)),
    cell.flops.total.mean === null ? '-' : cell.flops.total.mean.toExponential(2),
    cell.latencyMs.p50 === null ? '-' : String(Math.round(cell.latencyMs.p50)),
    String(cell.errors),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => row[index]?.length ?? 0)),
  );
  const lines = [pad(header, widths), ...rows.map((row) => pad(row, widths))];
  const headline = summary.headline;
  const efficiency = headline.efficiency;
  const interval = headline.efficiencyInterval;
  lines.push(
    '',
    `headline over the ${headline.problems} problem(s) with a result in every cell:`,
    `CoT ${percent(headline.cotAccuracy)} | majority best ${headline.majority ? `${percent(headline.majority.accuracy)} (N=${headline.majority.budget})` : '-'} | ` +
      `compute-optimal TTS ${headline.best ? `${percent(headline.best.accuracy)} (${headline.best.arm}@${headline.best.budget})` : '-'} | ` +
      `performance gain ${headline.performanceGain === null ? '-' : `${(headline.performanceGain * 100).toFixed(1)}%`} | ` +
      `efficiency gain ${
        efficiency
          ? `${formatGain(efficiency.byBudget.armBest)} by budget, ${formatGain(efficiency.byFlops.armBest)} by FLOPs ` +
            `to match TTS's best (at majority's best, the authors' definition in compute-optimal-tts #11: ${formatGain(efficiency.byBudget.majorityBest)} by budget, ${formatGain(efficiency.byFlops.majorityBest)} by FLOPs)`
          : '- (needs the majority arm)'
      }`,
    interval === null
      ? 'efficiency gain 95% interval: - (undefined on every resample, or no majority arm)'
      : `efficiency gain by budget (to match TTS's best), 95% bootstrap interval over problems: ${interval.low.toFixed(1)}x-${interval.high.toFixed(1)}x (${interval.resamples} resamples; undefined on ${(interval.undefinedShare * 100).toFixed(0)}%)`,
  );
  if (summary.isSimulated)
    lines.push('(simulated upstream: numbers from the synthetic math world, not a real model)');
  return lines.join('\n') + '\n';
}

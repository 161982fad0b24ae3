/**
 * The strategy table's rows from the fitted cells: one row per budget range and probe bin, or one
 * row for every difficulty where no probe is drawn. Each row's `source` says in words why it holds
 * its method.
 */
import { budgetRanges } from './budget-ranges';
import type { CellChoice } from './choose-cells';
import type { CalibrationCell, FitCalibrationOptions } from './fit-calibration-types';
import { firstProbedBudget } from './first-probed-budget';
import type { PreparedCalibration } from './prepare-calibration';
import { DIFFICULTY_BINS, type StrategyRow } from '../select';

function cellSourceText(cell: CalibrationCell): string {
  const where = `at N=${cell.budget}`;
  switch (cell.fallback) {
    case 'all':
      return `most accurate single method ${where} on all ${cell.problems} problems`;
    case 'too-few-problems':
      return `only ${cell.problems} problem(s) in '${cell.bin ?? 'any'}' ${where} (probe of ${cell.probeSamples}), so the best single method at this budget`;
    case 'not-significant':
      return `no method beat the best single method ${where} significantly on the ${cell.problems} problems in '${cell.bin ?? 'any'}' (probe of ${cell.probeSamples})`;
    case null:
      return `most accurate ${where} on the ${cell.problems} problems a probe of ${cell.probeSamples} put in '${cell.bin ?? 'any'}'`;
  }
}

function rowOf(
  cell: CalibrationCell,
  budgetMin: number | null,
  budgetMax: number | null,
  options: FitCalibrationOptions,
  note: string,
): StrategyRow {
  const isSearch = cell.method === 'beam_search' || cell.method === 'dvts';
  return {
    match: {
      policyFamilies: null,
      sizes: null,
      prms: null,
      difficulties: cell.bin === null ? null : [cell.bin],
      budgetMin,
      budgetMax,
    },
    method: cell.method,
    m: isSearch ? options.rowSettings.m : null,
    aggregation: cell.method === 'majority' ? null : options.rowSettings.aggregation,
    vote: cell.method === 'majority' ? 'majority' : options.rowSettings.vote,
    source: `calibrated (${options.about.dataset}, ${options.about.date}): ${note}${cellSourceText(cell)}`,
    measured: {
      accuracy: cell.accuracy,
      problems: cell.problems,
      meanPolicyTokens: cell.meanPolicyTokens,
      alternatives: { ...cell.alternatives },
    },
  };
}

/**
 * The rows, budget range by budget range. A range whose budget probes gets one row per bin for
 * the budgets that probe; the part of it below the probe threshold (no probe: every request is
 * `unknown_difficulty`) and any range whose budget does not probe get one row for every
 * difficulty, the best single method. One method across the bins also makes `needsDifficulty`
 * false there, so `auto` spends no budget on a probe whose answer could not change the row.
 */
export function buildStrategyRows(
  prepared: PreparedCalibration,
  choice: CellChoice,
  options: FitCalibrationOptions,
): StrategyRow[] {
  const threshold = firstProbedBudget(options.base.probe);
  const rows: StrategyRow[] = [];
  for (const range of budgetRanges(prepared.budgets)) {
    const perBin = choice.cells.get(range.budget);
    const all = perBin?.get(null);
    if (!perBin || !all) continue;
    if (all.probeSamples === 0 || threshold === null) {
      rows.push(
        rowOf(
          all,
          range.min,
          range.max,
          options,
          `no probe at N=${range.budget} (k=0: below probe.min_samples), one method for every difficulty: `,
        ),
      );
      continue;
    }
    let low = range.min;
    if ((range.min ?? 2) < threshold) {
      if (threshold - 1 >= 2)
        rows.push(
          rowOf(
            all,
            range.min,
            threshold - 1,
            options,
            `no probe below N=${threshold}, one method for every difficulty: `,
          ),
        );
      low = threshold;
    }
    for (const bin of DIFFICULTY_BINS) {
      const cell = perBin.get(bin);
      if (cell) rows.push(rowOf(cell, low, range.max, options, ''));
    }
  }
  return rows;
}

/** The header comment of a calibrated strategy table: how it was measured and what the CV says. */
import type { ModelConfig, PrmConfig } from '../../../config';
import type { TableMethod } from '../../../select';
import type { CalibrationFit } from '../../../calibrate';

export interface TableHeaderOptions {
  /** YYYY-MM-DD. */
  date: string;
  model: ModelConfig;
  isSimulated: boolean;
  prm: PrmConfig | null;
  datasetPath: string;
  fit: CalibrationFit;
  /** Problems left out before the fit (without the measurements it needs). */
  skippedProblems: number;
  budgets: readonly number[];
  methods: readonly TableMethod[];
  seed: number;
  /** Extra lines, e.g. what was not measured and why. */
  notes: readonly string[];
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** How the probe was measured and the thresholds fitted, for the table's header comment. */
function probeHeaderLines(fit: CalibrationFit): string[] {
  const perBudget = Object.entries(fit.probeSamples).map(
    ([budget, k]) => `N=${budget}: ${k === 0 ? 'none' : `k=${k}`}`,
  );
  const start = fit.probeStartsAt === null ? 'never' : `from N=${fit.probeStartsAt}`;
  if (Object.values(fit.probeSamples).every((k) => k === 0)) {
    return [
      `Probe (planProbe with this table's probe settings; starts ${start}): ${perBudget.join(', ')}. No calibrated budget probes, so every row is one`,
      'method for every difficulty (what unknown_difficulty gets) and difficulty_thresholds is not fitted (defaults).',
    ];
  }
  return [
    `Probe (planProbe with this table's probe settings; starts ${start}), k per budget: ${perBudget.join(', ')}. Each budget's bins come from`,
    'the first k samples of its own Best-of-N run (majority without a PRM), as a request at that N would probe. difficulty_thresholds',
    'is one set (the table has no per-k thresholds), fitted on the probes of every probing budget pooled, each cut to its own k;',
    `the probe bins agree with the oracle bins on ${percent(fit.binAgreement)}. Budgets without a probe get one row for every difficulty.`,
  ];
}

export function tableHeaderLines(options: TableHeaderOptions): string[] {
  const {
    date,
    model,
    isSimulated,
    prm,
    datasetPath,
    fit,
    skippedProblems,
    budgets,
    methods,
    seed,
    notes,
  } = options;
  return [
    `Strategy table calibrated by \`tts-proxy calibrate\` on ${date}.`,
    `Model: ${model.name} (${model.params_b}B, ${model.family}${isSimulated ? ', SIMULATED upstream' : ''}); PRM: ${prm ? `${prm.name} (${prm.family})` : 'none'}.`,
    `Dataset: ${datasetPath} (${fit.problems} problems used${fit.dropped + skippedProblems > 0 ? `, ${fit.dropped + skippedProblems} left out` : ''}); budgets ${budgets.join(', ')}; methods ${methods.join(', ')}; seed ${seed}.`,
    `Oracle bins by Pass@1 (docs/paper-findings.md#difficulty-bins): easy ${fit.oracleBins.easy}, medium ${fit.oracleBins.medium}, hard ${fit.oracleBins.hard}.`,
    ...probeHeaderLines(fit),
    '2-fold cross-validated accuracy of what auto serves at each N (fit on one half, scored on the other; docs/paper-findings.md#difficulty-without-ground-truth):',
    ...fit.crossValidation.map(
      (cv) =>
        `  N=${cv.budget} (${cv.probeSamples === 0 ? 'no probe: one row for every difficulty' : `probe of ${cv.probeSamples}`}): auto ${percent(cv.autoAccuracy)} vs best single method (${cv.bestFixedMethod}${new Set(cv.foldMethods).size > 1 ? `; the two folds chose ${cv.foldMethods.join(' and ')}` : ''}) ${percent(cv.bestFixedAccuracy)}`,
    ),
    ...notes,
    'Rows and thresholds below are fitted on all problems; `measured` is in-sample.',
  ];
}

/**
 * `tts_strategy: auto` inside a solve: hand the model's table and settings to `autoSearch`
 * (src/select/auto-search.ts: probe, look the row up, run it reusing the probe) and describe what
 * it decided for the response metadata (`tts.auto`).
 */
import { autoSearch, type AutoDecision, type TableMethod } from '../select';
import type { Aggregation, SearchDeps, SearchOptions } from '../tts/search-types';
import type { AutoMetadata, SolveInput } from './solve-types';

export async function runAuto(
  input: SolveInput,
  search: SearchOptions,
  deps: SearchDeps,
  onDecision: (decision: AutoDecision) => void,
): ReturnType<typeof autoSearch> {
  const { backend, plan } = input;
  const info = backend.info;
  const settings = info.auto;
  if (!settings || !plan.auto) throw new Error('runAuto needs auto settings and an auto plan');
  const unavailableMethods = Object.keys(info.unsupportedMethods ?? {}).filter(
    (name): name is TableMethod => name !== 'cot',
  );
  const overrides: { m?: number; aggregation?: Aggregation; vote?: AutoDecision['vote'] } = {
    ...plan.auto.overrides,
  };
  return autoSearch(
    {
      table: settings.table,
      context: {
        policyParamsB: info.paramsB,
        policyFamily: info.family,
        prmFamily: info.prm?.family ?? null,
        budget: plan.n,
      },
      modelName: info.name,
      search,
      defaultM: settings.defaultM,
      prmDefaults: info.prm ? { aggregation: info.prm.aggregation, vote: info.prm.vote } : null,
      unavailableMethods,
      overrides,
      earlyStop: settings.earlyStop,
      openEnded:
        input.looksSingleAnswer === false
          ? (input.scopeReason ?? 'does not look like a single-answer problem')
          : null,
      batchGrowth: settings.batchGrowth,
      onDecision,
    },
    deps,
  );
}

/**
 * What auto decided and why, as the response metadata says it (`tts.auto`); none for an
 * open-ended request, which uses no table row (Best-of-N by reward).
 */
export function autoMetadata(decision: AutoDecision, tableName: string): AutoMetadata | null {
  const { difficulty, lookup, earlyStop } = decision;
  if (lookup === null) return null;
  return {
    probeSamples: decision.probe.samples,
    probeReason: decision.probe.reason,
    difficulty: difficulty
      ? {
          bin: difficulty.bin,
          reason: difficulty.reason,
          signals: {
            samples: difficulty.signals.samples,
            valid_answers: difficulty.signals.validAnswers,
            agreement: difficulty.signals.agreement,
            normalized_entropy: difficulty.signals.normalizedEntropy,
            invalid_share: difficulty.signals.invalidShare,
            mean_final_score: difficulty.signals.meanFinalScore,
          },
        }
      : null,
    bin: lookup.difficulty,
    table: tableName,
    row: { index: lookup.rowIndex, method: lookup.method, source: lookup.row.source },
    sizeClass: lookup.sizeClass,
    prmClass: lookup.prmClass,
    accounting: decision.reuse.accounting,
    earlyStop: earlyStop
      ? {
          rule: earlyStop.rule,
          stopped: earlyStop.samplesSaved > 0,
          reason: earlyStop.reason,
          samplesDrawn: earlyStop.samplesDrawn,
          samplesSaved: earlyStop.samplesSaved,
          posterior: earlyStop.posterior,
        }
      : null,
    budgetSpent: decision.budgetSpent,
  };
}

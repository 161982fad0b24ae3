/**
 * Online A/B: for a sampled fraction of TTS requests, also run the baseline arm (plain CoT) in the
 * background — after the client's answer is on its way, never delaying it — and report agreement
 * and the cost ratios. Bounded: at most `maxConcurrent` shadow runs at once; extra samples are
 * skipped (counted), so shadow traffic cannot take over the GPUs.
 */
import { isEquivalent } from '../answer';
import { solvePlan } from './solve-chat';
import type { SolveInput, SolveResult } from './solve-types';
import type { TtsPlan } from './tts-plan';

export interface ShadowOptions {
  /** Fraction of TTS requests that get a shadow baseline run, in [0, 1]. */
  rate: number;
  arm: 'cot';
  maxConcurrent: number;
  /** Uniform [0, 1) source (injected for tests). */
  random: () => number;
}

export interface ShadowOutcome {
  /** Do the TTS answer and the baseline answer agree (math equivalence)? null if either has none. */
  agree: boolean | null;
  ttsAnswer: string | null;
  baselineAnswer: string | null;
  /** TTS policy completion tokens ÷ baseline's. */
  tokenRatio: number;
  /** TTS FLOPs (policy + PRM) ÷ baseline's. */
  flopsRatio: number;
  /** TTS latency ÷ baseline's. */
  latencyRatio: number;
}

export interface ShadowArm {
  /** Maybe start a shadow run for a finished TTS request; returns whether one was started. */
  maybeRun(input: SolveInput, primary: SolveResult): boolean;
  /** Resolves when every running shadow run has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Cancel the running shadow runs and start no more (shutdown: after the drain, nothing may
   * keep the process past its deadline for a background comparison).
   */
  stop(): void;
  stats(): { started: number; skippedBusy: number; failed: number; running: number };
}

const COT_PLAN: TtsPlan = {
  method: 'cot',
  n: 1,
  m: 1,
  aggregation: 'last',
  vote: 'majority',
  requested: 'cot',
  reason: 'shadow baseline arm',
  sources: {},
  auto: null,
};

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : a > 0 ? Infinity : 1;
}

export function createShadowArm(
  options: ShadowOptions,
  onOutcome: (outcome: ShadowOutcome) => void,
  onError: (error: unknown) => void,
): ShadowArm {
  const running = new Set<Promise<void>>();
  const cancels = new Set<AbortController>();
  let isStopped = false;
  let started = 0;
  let skippedBusy = 0;
  let failed = 0;
  return {
    maybeRun(input, primary) {
      if (
        isStopped ||
        options.rate <= 0 ||
        input.plan.method === 'cot' ||
        options.random() >= options.rate
      )
        return false;
      if (running.size >= options.maxConcurrent) {
        skippedBusy++;
        return false;
      }
      started++;
      // Independent of the client: its signal and progress callback are not passed on; only a
      // shutdown cancels it.
      const { signal: _signal, onEvent: _onEvent, onSearchStart: _onStart, ...rest } = input;
      const cancel = new AbortController();
      cancels.add(cancel);
      const run = solvePlan({
        ...rest,
        signal: cancel.signal,
        plan: COT_PLAN,
        choices: 1,
        returnCandidates: false,
      })
        .then((baseline) => {
          const ttsAnswer = primary.metadata.selectedAnswer;
          const baselineAnswer = baseline.metadata.selectedAnswer;
          onOutcome({
            agree:
              ttsAnswer !== null && baselineAnswer !== null
                ? isEquivalent(ttsAnswer, baselineAnswer, { symmetric: true })
                : null,
            ttsAnswer,
            baselineAnswer,
            tokenRatio: ratio(primary.completionTokens, baseline.completionTokens),
            flopsRatio: ratio(
              primary.metadata.policyFlops + primary.metadata.prmFlops,
              baseline.metadata.policyFlops + baseline.metadata.prmFlops,
            ),
            latencyRatio: ratio(primary.metadata.latencyMs, baseline.metadata.latencyMs),
          });
        })
        .catch((error: unknown) => {
          if (cancel.signal.aborted) return;
          failed++;
          onError(error);
        })
        .finally(() => {
          running.delete(run);
          cancels.delete(cancel);
        });
      running.add(run);
      return true;
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    stop() {
      isStopped = true;
      for (const cancel of cancels) cancel.abort(new Error('the server is shutting down'));
    },
    stats: () => ({ started, skippedBusy, failed, running: running.size }),
  };
}

/**
 * Judges the paper's findings (`paper-targets.ts`) on a reproduction run (`run-view.ts`):
 * our numbers beside the paper's, pass/fail each. A sub-check whose pairs were not run (the
 * quick profile runs a subset) is reported as not run, never as passed.
 */
import { PAPER_FINDINGS, type FindingId, type TargetPolicy, type TargetPrm } from './paper-targets';
import {
  BINS,
  binSize,
  RunView,
  type DifficultyBin,
  type ReproductionRun,
  type Verdict,
} from './run-view';
import { accuracy, type PairResult } from './run-world-grid';

export type { ReproductionRun, Verdict };
export { checkHeadlineCells, type CellResult } from './check-headline-cells';

export interface FindingResult {
  id: FindingId;
  verdict: Verdict;
  /** Our numbers, in words. */
  ours: string;
  claim: string;
}

const MIN_BIN = 10;
const fmt = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

type Check = (view: RunView) => { verdict: Verdict; ours: string };

const qwen = (paramsB: number): TargetPolicy => ({ family: 'qwen2.5', paramsB });
const LLAMA: TargetPolicy = { family: 'llama-3', paramsB: 8 };
const Q72 = 'qwen2.5-math-prm-72b';

/** Combines sub-checks: fail if any failed, pass if all that ran passed, else not run. */
function combine(parts: { verdict: Verdict; text: string }[]): { verdict: Verdict; ours: string } {
  const ran = parts.filter((part) => part.verdict !== 'not run');
  const verdict: Verdict =
    ran.length === 0 ? 'not run' : ran.some((part) => part.verdict === 'fail') ? 'fail' : 'pass';
  return { verdict, ours: parts.map((part) => `${part.text} [${part.verdict}]`).join('; ') };
}

const ok = (condition: boolean): Verdict => (condition ? 'pass' : 'fail');

const CHECKS: Record<FindingId, Check> = {
  'by-prm': (view) => {
    const n = view.largest;
    const gains: { prm: TargetPrm; strong: boolean; gain: number }[] = [];
    const parts: { verdict: Verdict; text: string }[] = [];
    for (const [prm, strong] of [
      ['skywork-prm-7b', true],
      [Q72, true],
      ['math-shepherd-7b', false],
      ['rlhflow-8b', false],
    ] as const) {
      const pair = view.pair(LLAMA, prm);
      if (!pair) {
        parts.push({ verdict: 'not run', text: `${prm}` });
        continue;
      }
      const majority = view.at(pair, 'majority', n);
      const beam = view.at(pair, 'beam_search', n);
      const bon = view.at(pair, 'best_of_n', n);
      const search = Math.max(beam, view.at(pair, 'dvts', n));
      gains.push({ prm, strong, gain: search - majority });
      const text = `${prm}@${n}: majority ${fmt(majority)}, BoN ${fmt(bon)}, beam ${fmt(beam)}, search ${fmt(search)}`;
      parts.push(
        strong
          ? { verdict: ok(search - majority >= 3), text }
          : { verdict: ok(bon - beam >= 0 && beam - majority <= 2), text },
      );
    }
    const strong = gains.filter((g) => g.strong).map((g) => g.gain);
    const weak = gains.filter((g) => !g.strong).map((g) => g.gain);
    if (strong.length > 0 && weak.length > 0)
      parts.push({
        verdict: ok(Math.min(...strong) > Math.max(...weak)),
        text: `search gain over majority: strong ${strong.map(fmt).join('/')} vs weak ${weak.map(fmt).join('/')}`,
      });
    return combine(parts);
  },
  'by-policy-size': (view) => {
    const advantage = (size: number): number | null => {
      const pair = view.pair(qwen(size), Q72);
      return pair ? view.search(pair) - view.averaged(pair, 'best_of_n') : null;
    };
    const parts: { verdict: Verdict; text: string }[] = [];
    const rule = (size: number, pass: (a: number) => boolean, label: string): void => {
      const a = advantage(size);
      parts.push(
        a === null
          ? { verdict: 'not run', text: `${size}B` }
          : { verdict: ok(pass(a)), text: `${size}B search − BoN ${fmt(a)} (${label})` },
      );
    };
    rule(0.5, (a) => a >= 1, '≥ +1');
    rule(1.5, (a) => a >= 1, '≥ +1');
    rule(32, (a) => a <= 1, '≤ +1');
    rule(72, (a) => a <= 0.5, '≤ +0.5');
    const small = advantage(1.5);
    const large = advantage(72);
    if (small !== null && large !== null)
      parts.push({
        verdict: ok(small - large >= 2),
        text: `1.5B − 72B advantage ${fmt(small - large)} (≥ 2)`,
      });
    return combine(parts);
  },
  'by-difficulty': (view) => {
    const parts: { verdict: Verdict; text: string }[] = [];
    const judge = (
      size: number,
      bin: DifficultyBin,
      rule: (p: PairResult) => [boolean, string],
    ): void => {
      const pair = view.pair(qwen(size), Q72);
      if (!pair || binSize(pair, bin) < MIN_BIN) {
        parts.push({
          verdict: 'not run',
          text: `${size}B ${bin}${pair ? ` (n=${binSize(pair, bin)})` : ''}`,
        });
        return;
      }
      const [pass, text] = rule(pair);
      parts.push({ verdict: ok(pass), text: `${size}B ${bin} (n=${binSize(pair, bin)}): ${text}` });
    };
    const numbers = (
      pair: PairResult,
      bin: DifficultyBin,
    ): { bon: number; beam: number; dvts: number } => ({
      bon: view.averaged(pair, 'best_of_n', bin),
      beam: view.averaged(pair, 'beam_search', bin),
      dvts: view.averaged(pair, 'dvts', bin),
    });
    const show = (v: { bon: number; beam: number; dvts: number }): string =>
      `BoN ${fmt(v.bon)} beam ${fmt(v.beam)} DVTS ${fmt(v.dvts)}`;
    judge(1.5, 'easy', (p) => {
      const v = numbers(p, 'easy');
      return [v.bon >= Math.max(v.beam, v.dvts) - 1, show(v)];
    });
    for (const bin of ['medium', 'hard'] as const)
      judge(1.5, bin, (p) => {
        const v = numbers(p, bin);
        return [v.beam - v.bon >= 2, show(v)];
      });
    for (const bin of ['easy', 'medium'] as const)
      judge(14, bin, (p) => {
        const v = numbers(p, bin);
        return [v.dvts >= Math.max(v.beam, v.bon) - 1, show(v)];
      });
    judge(14, 'hard', (p) => {
      const v = numbers(p, 'hard');
      return [v.beam >= Math.max(v.dvts, v.bon) - 1, show(v)];
    });
    for (const bin of BINS)
      judge(72, bin, (p) => {
        const v = numbers(p, bin);
        return [v.bon >= Math.max(v.beam, v.dvts) - 1, show(v)];
      });
    return combine(parts);
  },
  'scoring-voting': (view) => {
    const parts: { verdict: Verdict; text: string }[] = [];
    const rules = (prm: TargetPrm): Map<string, number> | null => {
      const pair = view.pair(qwen(7), prm);
      if (!pair || pair.rules.size === 0) return null;
      return new Map(
        [...pair.rules.entries()].map(([rule, outcomes]) => [rule, accuracy(outcomes)]),
      );
    };
    const spread = (values: Map<string, number>): number =>
      Math.max(...values.values()) - Math.min(...values.values());
    const skywork = rules('skywork-prm-7b');
    const qwenPrm = rules('qwen2.5-math-prm-7b');
    if (skywork) {
      const prmRules = [...skywork.entries()].filter(([rule]) => rule !== 'majority');
      const minMax = skywork.get('min-max') ?? NaN;
      const isLowest = prmRules.every(([, value]) => value >= minMax);
      const voteBeatsMax = (['min', 'last', 'avg'] as const).every(
        (a) => (skywork.get(`${a}-vote`) ?? NaN) >= (skywork.get(`${a}-max`) ?? NaN) - 0.5,
      );
      parts.push({
        verdict: ok(isLowest && voteBeatsMax),
        text: `Skywork: ${[...skywork.entries()].map(([r, v]) => `${r} ${fmt(v)}`).join(', ')}`,
      });
    } else parts.push({ verdict: 'not run', text: 'Skywork' });
    if (qwenPrm)
      parts.push({
        verdict: ok(spread(qwenPrm) <= 1.5),
        text: `Qwen2.5-Math-PRM spread ${fmt(spread(qwenPrm))} (≤ 1.5)`,
      });
    else parts.push({ verdict: 'not run', text: 'Qwen2.5-Math-PRM' });
    if (skywork && qwenPrm)
      parts.push({
        verdict: ok(spread(skywork) > spread(qwenPrm)),
        text: `Skywork spread ${fmt(spread(skywork))} > Qwen spread`,
      });
    return combine(parts);
  },
  'gain-vs-size': (view) => {
    const series = [0.5, 1.5, 3, 7, 14, 32, 72].flatMap((size) => {
      const pair = view.pair(qwen(size), Q72);
      if (!pair) return [];
      const cot = accuracy(pair.cells.get('cot@1'));
      return [{ size, gain: (100 * (view.computeOptimal(pair) - cot)) / cot }];
    });
    if (series.length < 2) return { verdict: 'not run', ours: 'fewer than two sizes run' };
    const monotone = series.every(
      (point, i) => i === 0 || point.gain <= (series[i - 1]?.gain ?? Infinity) + 5,
    );
    const first = series[0];
    const last = series[series.length - 1];
    const parts = [
      {
        verdict: ok(monotone),
        text: `gain ${series.map((p) => `${p.size}B ${fmt(p.gain)}%`).join(', ')}`,
      },
      first && first.size === 0.5
        ? { verdict: ok(first.gain >= 60), text: `0.5B ≥ 60%` }
        : { verdict: 'not run' as Verdict, text: '0.5B' },
      last && last.size === 72
        ? { verdict: ok(last.gain <= 20), text: `72B ≤ 20%` }
        : { verdict: 'not run' as Verdict, text: '72B' },
    ];
    return combine(parts);
  },
  'small-beats-large': (view) => {
    const tts = (size: number): number | null => {
      const pair = view.pair(qwen(size), Q72);
      return pair ? view.computeOptimal(pair) : null;
    };
    const cot = (size: number): number | null => {
      const pair = view.pair(qwen(size), Q72);
      return pair ? accuracy(pair.cells.get('cot@1')) : null;
    };
    const parts: { verdict: Verdict; text: string }[] = [];
    const compare = (small: number, large: number, slack: number): void => {
      const a = tts(small);
      const b = cot(large);
      parts.push(
        a === null || b === null
          ? { verdict: 'not run', text: `${small}B vs ${large}B` }
          : {
              verdict: ok(a >= b - slack),
              text: `${small}B TTS ${fmt(a)} vs ${large}B CoT ${fmt(b)}`,
            },
      );
    };
    compare(1.5, 72, 0);
    compare(0.5, 7, 2);
    return combine(parts);
  },
};

export function checkFindings(run: ReproductionRun): FindingResult[] {
  const view = new RunView(run);
  return PAPER_FINDINGS.map((finding) => ({
    id: finding.id,
    claim: finding.claim,
    ...CHECKS[finding.id](view),
  }));
}

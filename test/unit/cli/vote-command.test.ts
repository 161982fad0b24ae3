import { ConfigError } from '../../../src/errors';
import { createVoteLine, parseSquash, voteLine } from '../../../src/cli/commands/vote-command';

describe('voteLine', () => {
  it('returns every paper vote rule', () => {
    const out = voteLine({
      candidates: [
        { text: '\\boxed{5}', step_scores: [0.9, 0.2] },
        { text: '\\boxed{5}', step_scores: [0.8, 0.3] },
        { text: '\\boxed{7}', step_scores: [0.95, 0.9] },
      ],
    });
    expect(out.answers).toEqual({
      majority: '5',
      prm_min_max: '7',
      prm_min_vote: '7',
      prm_last_max: '7',
      prm_last_vote: '7',
      prm_avg_max: '7',
      prm_avg_vote: '5', // (0.55 + 0.55) beats 0.925
    });
  });

  it("reads answers as the proxy's vote does: after </think>, a box before a later phrase", () => {
    const out = voteLine({
      candidates: [
        { text: 'Maybe \\boxed{3}.</think>\n\nSo \\boxed{4}.', step_scores: [0.5] },
        { text: 'We get $\\boxed{4}$. The final answer is $9$.', step_scores: [0.5] },
      ],
    });
    expect(out.answers.majority).toBe('4');
  });

  it('majority ignores invalid answers', () => {
    expect(
      voteLine({ candidates: [{ text: 'no answer', step_scores: [] }] }).answers.majority,
    ).toBeNull();
  });

  it('accepts raw reward logits: negative, above 1, and missing scores', () => {
    const out = voteLine({
      candidates: [
        { text: '\\boxed{5}', step_scores: [-3.5, -1.25] },
        { text: '\\boxed{7}', step_scores: [4.5, 2.75] },
        { text: '\\boxed{5}', step_scores: null },
        { text: '\\boxed{5}' },
        { text: '\\boxed{9}', score: 12.5 },
      ],
    });
    expect(out.answers.majority).toBe('5');
    expect(out.answers.prm_last_max).toBe('9');
    expect(out.answers.prm_min_max).toBe('9');
  });

  it('ranks a missing score below every logit, however negative', () => {
    const out = voteLine({
      candidates: [
        { text: '\\boxed{1}', step_scores: null },
        { text: '\\boxed{2}', step_scores: [-40] },
      ],
    });
    expect(out.answers.prm_last_max).toBe('2');
  });

  it('rejects scores that are not finite numbers', () => {
    expect(() => voteLine({ candidates: [{ text: 'x', step_scores: ['high'] }] })).toThrow(
      /candidates\.0\.step_scores\.0/,
    );
    expect(() => voteLine({ candidates: [{ text: 'x', score: -1e400 }] })).toThrow(
      /candidates\.0\.score/,
    );
  });

  it('sums sigmoid(score) for PRM-Vote with --squash sigmoid', () => {
    const candidates = [
      { text: '\\boxed{1}', score: -0.1 },
      { text: '\\boxed{1}', score: -0.1 },
      { text: '\\boxed{2}', score: 0.1 },
    ];
    expect(voteLine({ candidates }).answers.prm_last_vote).toBe('2');
    expect(createVoteLine({ squash: 'sigmoid' })({ candidates }).answers.prm_last_vote).toBe('1');
  });
});

describe('PRM-Max under monotone squashes, on runs of our own making', () => {
  const squashes: [string, (score: number) => number][] = [
    ['sigmoid', (score) => 1 / (1 + Math.exp(-score))],
    ['affine', (score) => 3 * score - 7],
    ['cube', (score) => score ** 3],
    ['exp', (score) => Math.exp(score / 4)],
  ];
  const runs = Array.from({ length: 60 }, (_, index) => makeRun(index + 1));

  it.each(squashes)('keeps the min and last PRM-Max winners under %s', (_name, squash) => {
    for (const run of runs) {
      const squashed = {
        candidates: run.candidates.map((candidate) => ({
          ...candidate,
          step_scores: candidate.step_scores?.map(squash) ?? null,
        })),
      };
      const before = voteLine(run).answers;
      const after = voteLine(squashed).answers;
      expect([after.prm_min_max, after.prm_last_max]).toEqual([
        before.prm_min_max,
        before.prm_last_max,
      ]);
    }
  });

  it('gives every PRM-Max winner unchanged with --squash sigmoid', () => {
    const squashing = createVoteLine({ squash: 'sigmoid' });
    for (const run of runs) {
      const plain = voteLine(run).answers;
      const squashed = squashing(run).answers;
      for (const key of ['prm_min_max', 'prm_last_max', 'prm_avg_max']) {
        expect(squashed[key]).toBe(plain[key]);
      }
    }
  });

  it('builds runs with negative, above-one and missing scores', () => {
    const scores = runs.flatMap((run) => run.candidates.flatMap((c) => c.step_scores ?? [NaN]));
    expect(scores.some((score) => score < 0)).toBe(true);
    expect(scores.some((score) => score > 1)).toBe(true);
    expect(scores.some((score) => Number.isNaN(score))).toBe(true);
  });
});

interface Run {
  candidates: { text: string; step_scores: number[] | null }[];
}

/** A seeded run: 4-12 candidates, answers from a small pool, logits in [-8, 8], some unscored. */
function makeRun(seed: number): Run {
  const random = mulberry32(seed);
  const count = 4 + Math.floor(random() * 9);
  const candidates = Array.from({ length: count }, () => {
    const answer = ['\\frac{1}{2}', '0.5', '3', '-2', '\\sqrt{2}'][Math.floor(random() * 5)] ?? '3';
    const steps = 1 + Math.floor(random() * 5);
    const isUnscored = random() < 0.1;
    return {
      text: `Some steps.\n\nThe answer is $\\boxed{${answer}}$.`,
      step_scores: isUnscored
        ? null
        : Array.from({ length: steps }, () => Math.round((random() * 16 - 8) * 1000) / 1000),
    };
  });
  return { candidates };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseSquash', () => {
  it('reads none and sigmoid and refuses anything else', () => {
    expect(parseSquash(undefined)).toBe('none');
    expect(parseSquash('sigmoid')).toBe('sigmoid');
    expect(() => parseSquash('tanh')).toThrow(ConfigError);
  });
});

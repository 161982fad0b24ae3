import {
  fitPlanToScope,
  resolveTtsPlan,
  type ModelInfo,
  type TtsDefaults,
  type TtsPlan,
} from '../../../src/pipeline';

const MODEL: ModelInfo = {
  name: 'small',
  servedName: 'sim-small',
  paramsB: 1.5,
  family: 'qwen2.5',
  prm: {
    name: 'prm',
    family: 'qwen2.5-math-prm',
    paramsB: 7,
    aggregation: 'min',
    vote: 'prm_vote',
  },
  isSimulated: true,
  sampling: {
    temperature: 0.7,
    topP: 1,
    cotTemperature: 0,
    cotTopP: 1,
    maxTokensPerStep: 2048,
    maxTotalTokens: 8192,
    maxDepth: 40,
  },
};
const DEFAULTS: TtsDefaults = {
  defaultStrategy: 'auto',
  defaultBudget: 16,
  maxBudget: 256,
  defaultM: 4,
  defaultTimeoutMs: 1000,
  maxTimeoutMs: 5000,
};
const OPEN = { looksSingleAnswer: false, reason: "opens with 'write'" };
const SINGLE = { looksSingleAnswer: true, reason: 'contains arithmetic' };

function plan(body: Parameters<typeof resolveTtsPlan>[0]['body'], model = MODEL): TtsPlan {
  const resolved = resolveTtsPlan({ header: null, body, alias: null }, model, DEFAULTS);
  if (resolved === null) throw new Error('expected a plan');
  return resolved;
}

describe('fitPlanToScope', () => {
  it('turns auto into Best-of-N by reward for an open-ended request', () => {
    const fitted = fitPlanToScope(plan({ n: 8 }), MODEL, OPEN);
    expect(fitted).toMatchObject({ method: 'best_of_n', n: 8, m: 1, vote: 'prm_max', auto: null });
    expect(fitted.aggregation).toBe('min');
    expect(fitted.reason).toContain("open-ended request (the last user turn opens with 'write')");
  });

  it('uses majority sampling without a PRM', () => {
    const noPrm = { ...MODEL, prm: null };
    expect(fitPlanToScope(plan({ n: 8 }, noPrm), noPrm, OPEN)).toMatchObject({
      method: 'majority',
      vote: 'majority',
    });
  });

  it('keeps a strategy the client named, and every single-answer plan', () => {
    const beam = plan({ n: 8, strategy: 'beam_search' });
    expect(fitPlanToScope(beam, MODEL, OPEN)).toBe(beam);
    const auto = plan({ n: 8 });
    expect(fitPlanToScope(auto, MODEL, SINGLE)).toBe(auto);
  });
});

describe('resolveTtsPlan with a model default budget', () => {
  it('labels the budget as the model default and fits it to a lower key limit', () => {
    const resolved = resolveTtsPlan(
      { header: null, body: null, alias: null, modelDefault: { n: 12 } },
      MODEL,
      { ...DEFAULTS, defaultStrategy: 'best_of_n' },
      8,
    );
    expect(resolved).toMatchObject({ n: 8, sources: { n: 'model-default' } });
  });

  it('lets any request budget win over the model default', () => {
    const resolved = resolveTtsPlan(
      { header: null, body: { n: 4 }, alias: null, modelDefault: { n: 12 } },
      MODEL,
      DEFAULTS,
    );
    expect(resolved).toMatchObject({ n: 4, sources: { n: 'body' } });
  });
});

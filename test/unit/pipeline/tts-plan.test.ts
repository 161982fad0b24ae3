import { InvalidRequestError, UnsupportedFeatureError } from '../../../src/errors';
import {
  resolveTimeout,
  resolveTtsPlan,
  type ModelInfo,
  type TtsDefaults,
} from '../../../src/pipeline';
import { BUNDLED_AUTO, TEST_PRM, testModelInfo } from '../model-info-fixture';

const SMALL: ModelInfo = testModelInfo({ name: 'small', servedName: 'sim-small', prm: TEST_PRM });
const DEFAULTS: TtsDefaults = {
  defaultStrategy: 'auto',
  defaultBudget: 16,
  maxBudget: 256,
  defaultM: 4,
  defaultTimeoutMs: 1000,
  maxTimeoutMs: 5000,
};

describe('resolveTtsPlan', () => {
  it('returns null when nothing asks for TTS (passthrough)', () => {
    expect(resolveTtsPlan({ header: null, body: null, alias: null }, SMALL, DEFAULTS)).toBeNull();
  });

  it('treats budget 0 or 1 and strategy cot as plain CoT', () => {
    for (const body of [{ n: 0 }, { n: 1 }, { strategy: 'cot' as const, n: 16 }]) {
      expect(resolveTtsPlan({ header: null, body, alias: null }, SMALL, DEFAULTS)?.method).toBe(
        'cot',
      );
    }
  });

  it('applies precedence header > body > alias per knob', () => {
    const plan = resolveTtsPlan(
      {
        header: { strategy: 'best_of_n' },
        body: { n: 8, strategy: 'dvts' },
        alias: { n: 64, strategy: 'majority' },
      },
      SMALL,
      DEFAULTS,
    );
    expect(plan).toMatchObject({ method: 'best_of_n', n: 8 });
    expect(plan?.sources).toMatchObject({ strategy: 'header', n: 'body' });
  });

  it('uses the PRM defaults for aggregation and vote unless asked', () => {
    expect(
      resolveTtsPlan(
        { header: null, body: { n: 8, strategy: 'best_of_n' }, alias: null },
        SMALL,
        DEFAULTS,
      ),
    ).toMatchObject({ aggregation: 'last', vote: 'prm_vote' });
    expect(
      resolveTtsPlan(
        {
          header: null,
          body: { n: 8, strategy: 'best_of_n', aggregation: 'min', vote: 'prm_max' },
          alias: null,
        },
        SMALL,
        DEFAULTS,
      ),
    ).toMatchObject({ aggregation: 'min', vote: 'prm_max' });
  });

  it('leaves auto to the probe and the strategy table: the plan never guesses a method', () => {
    for (const model of [SMALL, { ...SMALL, paramsB: 72 }, { ...SMALL, prm: null }]) {
      for (const n of [6, 16]) {
        const plan = resolveTtsPlan({ header: null, body: { n }, alias: null }, model, DEFAULTS);
        expect(plan).toMatchObject({
          method: 'auto',
          n,
          requested: 'auto',
          auto: { overrides: {} },
        });
        expect(plan?.reason).toContain(`strategy table '${BUNDLED_AUTO.table.name}'`);
      }
    }
    // What the request pins reaches autoSearch as overrides; the rest is the table row's.
    const pinned = resolveTtsPlan(
      { header: null, body: { n: 16, m: 8, vote: 'majority' }, alias: null },
      SMALL,
      DEFAULTS,
    );
    expect(pinned?.auto).toEqual({ overrides: { m: 8, vote: 'majority' } });
  });

  it('rejects a budget above the maximum, naming the source field', () => {
    expect(() =>
      resolveTtsPlan({ header: null, body: { n: 512 }, alias: null }, SMALL, DEFAULTS),
    ).toThrow(InvalidRequestError);
    try {
      resolveTtsPlan({ header: { n: 512 }, body: null, alias: null }, SMALL, DEFAULTS);
    } catch (error) {
      expect((error as InvalidRequestError).param).toBe('x-tts-budget');
    }
  });

  it('holds an API key to its own maximum: explicit budgets above it are refused, the default is lowered to it', () => {
    const overKey = (): unknown =>
      resolveTtsPlan({ header: null, body: null, alias: { n: 16 } }, SMALL, DEFAULTS, 8);
    expect(overKey).toThrow(InvalidRequestError);
    try {
      overKey();
    } catch (error) {
      expect(error).toMatchObject({ param: 'model', code: 'budget_above_key_limit' });
      expect((error as Error).message).toContain("API key's maximum of 8");
    }
    expect(
      resolveTtsPlan(
        { header: null, body: { n: 8, strategy: 'best_of_n' }, alias: null },
        SMALL,
        DEFAULTS,
        8,
      )?.n,
    ).toBe(8);
    // Default budget 16 asked by nobody: lowered to the key's 4, not refused.
    const defaulted = resolveTtsPlan(
      { header: null, body: { strategy: 'best_of_n' }, alias: null },
      SMALL,
      DEFAULTS,
      4,
    );
    expect(defaulted).toMatchObject({ n: 4, sources: { n: 'default' } });
    // Beam search / DVTS need a multiple of M: a lowered default is rounded down to one...
    expect(
      resolveTtsPlan(
        { header: null, body: { strategy: 'beam_search' }, alias: null },
        SMALL,
        DEFAULTS,
        6,
      ),
    ).toMatchObject({ method: 'beam_search', n: 4, m: 4 });
    expect(
      resolveTtsPlan({ header: null, body: null, alias: { strategy: 'dvts' } }, SMALL, DEFAULTS, 7),
    ).toMatchObject({ method: 'dvts', n: 4 });
    // ...and a key whose maximum is below one beam width gets a 400 that names the key's limit.
    expect(() =>
      resolveTtsPlan(
        { header: null, body: { strategy: 'beam_search' }, alias: null },
        SMALL,
        DEFAULTS,
        3,
      ),
    ).toThrow(/API key's maximum tts_budget of 3 is below the beam width m=4/);
    // The server's own maximum still speaks first.
    expect(() =>
      resolveTtsPlan({ header: null, body: { n: 512 }, alias: null }, SMALL, DEFAULTS, 8),
    ).toThrow(/server's maximum/);
  });

  it('refuses PRM methods on a model without a PRM', () => {
    expect(() =>
      resolveTtsPlan(
        { header: null, body: { n: 8, strategy: 'beam_search' }, alias: null },
        { ...SMALL, prm: null },
        DEFAULTS,
      ),
    ).toThrow(UnsupportedFeatureError);
    // auto on such a model votes by majority whatever its table row says (autoSearch runs it).
    expect(
      resolveTtsPlan(
        { header: null, body: { n: 8 }, alias: null },
        { ...SMALL, prm: null },
        DEFAULTS,
      ),
    ).toMatchObject({ method: 'auto', vote: 'majority' });
  });
});

describe('x-tts-ab and the deadline', () => {
  it('forces the CoT baseline or the search arm', () => {
    const forcedCot = resolveTtsPlan(
      { header: null, body: { n: 16, strategy: 'dvts' }, alias: null, forcedArm: 'cot' },
      SMALL,
      DEFAULTS,
    );
    expect(forcedCot).toMatchObject({ method: 'cot', sources: { strategy: 'header' } });
    expect(
      resolveTtsPlan({ header: null, body: null, alias: null, forcedArm: 'tts' }, SMALL, DEFAULTS),
    ).toMatchObject({ n: DEFAULTS.defaultBudget, sources: { n: 'default' } });
  });

  it('takes the default deadline and refuses one above the maximum', () => {
    expect(resolveTimeout(null, DEFAULTS)).toBe(DEFAULTS.defaultTimeoutMs);
    expect(resolveTimeout(DEFAULTS.maxTimeoutMs, DEFAULTS)).toBe(DEFAULTS.maxTimeoutMs);
    expect(() => resolveTimeout(DEFAULTS.maxTimeoutMs + 1, DEFAULTS)).toThrow(
      `tts_timeout_ms ${DEFAULTS.maxTimeoutMs + 1} is above this server's maximum of ${DEFAULTS.maxTimeoutMs}.`,
    );
  });
});

describe('resolveTtsPlan with a model default budget', () => {
  it('labels the budget as the model default and fits it to a lower key limit', () => {
    const resolved = resolveTtsPlan(
      { header: null, body: null, alias: null, modelDefault: { n: 12 } },
      SMALL,
      { ...DEFAULTS, defaultStrategy: 'best_of_n' },
      8,
    );
    expect(resolved).toMatchObject({ n: 8, sources: { n: 'model-default' } });
  });

  it('lets any request budget win over the model default', () => {
    const resolved = resolveTtsPlan(
      { header: null, body: { n: 4 }, alias: null, modelDefault: { n: 12 } },
      SMALL,
      DEFAULTS,
    );
    expect(resolved).toMatchObject({ n: 4, sources: { n: 'body' } });
  });
});

import path from 'node:path';
import { applyEnvOverrides, loadConfig, parseConfig } from '../../../src/config';
import { ConfigError } from '../../../src/errors';

const DEFAULT = path.resolve(__dirname, '../../../config/default.yaml');

describe('loadConfig', () => {
  it('loads the shipped default config (simulated upstreams)', () => {
    const config = loadConfig(DEFAULT, {});
    expect(config.server.port).toBe(8080);
    expect(config.upstreams.policy?.url).toBe('sim');
    expect(config.models[0]?.prm).toBe('qwen2.5-math-prm-7b');
  });

  it('lets env override any field, parsing scalars', () => {
    const config = loadConfig(DEFAULT, {
      TTS_PROXY__SERVER__PORT: '9001',
      TTS_PROXY__MODELS__0__PARAMS_B: '7',
      TTS_PROXY__TTS__DEFAULT_STRATEGY: 'dvts',
    });
    expect(config.server.port).toBe(9001);
    expect(config.models[0]?.params_b).toBe(7);
    expect(config.tts.default_strategy).toBe('dvts');
  });

  it('takes PORT as a shortcut', () => {
    expect(loadConfig(DEFAULT, { PORT: '1234' }).server.port).toBe(1234);
  });

  it('names the bad field', () => {
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__PARAMS_B: '-3' })).toThrow(
      /models\.0\.params_b/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_STRATEGY: 'fast' })).toThrow(
      /tts\.default_strategy/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__SERVER__PROT: '1' })).toThrow(ConfigError);
    // vLLM refuses more than VLLM_MAX_COMPLETION_PROMPTS (1024) inputs in one call.
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__PRM_BATCH_MAX_PATHS: '2048' })).toThrow(
      /tts\.prm_batch_max_paths/,
    );
  });

  it('checks references between models, prms and upstreams', () => {
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__PRM: 'nope' })).toThrow(
      /models\.0\.prm/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__PRMS__0__UPSTREAM: 'elsewhere' })).toThrow(
      /prms\.0\.upstream/,
    );
  });

  it('checks listed aliases: their shape, the budget cap and the search multiple of M', () => {
    const listed = (value: string) =>
      loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__LISTED_ALIASES: value }).models[0]
        ?.listed_aliases;
    expect(listed('["best_of_n:16", "beam_search:64", "32", "auto"]')).toEqual([
      'best_of_n:16',
      'beam_search:64',
      '32',
      'auto',
    ]);
    expect(() => listed('["warp:16"]')).toThrow(/models\.0\.listed_aliases\.0/);
    expect(() => listed('["name@8"]')).toThrow(/models\.0\.listed_aliases\.0/);
    expect(() => listed('["best_of_n:4096"]')).toThrow(/above tts\.max_budget/);
    expect(() => listed('["dvts:6"]')).toThrow(/multiple of tts\.default_m/);
    expect(() => listed('["dvts:0"]')).toThrow(/multiple of tts\.default_m/);
    expect(() =>
      loadConfig(DEFAULT, {
        TTS_PROXY__MODELS__0__LISTED_ALIASES: '["beam_search"]',
        TTS_PROXY__TTS__DEFAULT_BUDGET: '10',
      }),
    ).toThrow(/N \(10, tts\.default_budget\)/);
    expect(() => listed('["8", "8"]')).toThrow(/listed twice/);
    // The server's own defaults must be requests it accepts.
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_BUDGET: '500' })).toThrow(
      /tts\.default_budget.*500 is above tts\.max_budget \(256\)/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_BUDGET: '10' })).toThrow(
      /tts\.default_budget.*not a multiple of tts\.default_m \(4\)/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__DEFAULT_BUDGET: '6' })).toThrow(
      /models\.0\.default_budget.*not a multiple/,
    );
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_TIMEOUT_MS: '1000000' })).toThrow(
      /tts\.default_timeout_ms.*above tts\.max_timeout_ms/,
    );
    expect(loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_BUDGET: '1' }).tts.default_budget).toBe(1);
    expect(() => listed('["best_of_n:1"]')).toThrow(/runs plain CoT/);
    expect(listed('["1", "cot"]')).toEqual(['1', 'cot']);
    const noPrm = structuredClone(loadConfig(DEFAULT, {}));
    const model = noPrm.models[0] as (typeof noPrm.models)[number];
    delete model.prm;
    model.listed_aliases = ['majority:8'];
    expect(parseConfig(noPrm).models[0]?.listed_aliases).toEqual(['majority:8']);
    model.listed_aliases = ['best_of_n:8'];
    expect(() => parseConfig(noPrm)).toThrow(/needs a PRM/);
  });

  it('refuses prototype-polluting env paths', () => {
    expect(() => applyEnvOverrides({}, { TTS_PROXY____PROTO____X: '1' })).toThrow(ConfigError);
    expect(() => applyEnvOverrides({}, { TTS_PROXY__CONSTRUCTOR__X: '1' })).toThrow(ConfigError);
  });

  it('reports unreadable files and bad YAML as ConfigError', () => {
    expect(() => loadConfig('/nonexistent/config.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig({ upstreams: {}, models: [] })).toThrow(/models/);
  });
});

describe('upstream pools and recordings in the config', () => {
  const withPolicy = (policy: Record<string, unknown>) => ({
    upstreams: { policy },
    models: [
      { name: 'm', upstream: 'policy', served_name: 'org/model', params_b: 1.5, family: 'qwen2.5' },
    ],
  });

  it('accepts replicas with pool defaults', () => {
    const config = parseConfig(
      withPolicy({ replicas: ['http://gpu-a:8000', 'http://gpu-b:8000'] }),
    );
    expect(config.upstreams.policy?.replicas).toHaveLength(2);
    expect(config.upstreams.policy?.pool).toEqual({
      health_interval_ms: 5000,
      eject_after_failures: 3,
      balance_factor: 2,
    });
  });

  it('names the field when url and replicas clash or neither is set', () => {
    expect(() =>
      parseConfig(withPolicy({ url: 'http://a:8000', replicas: ['http://b:8000'] })),
    ).toThrow(/upstreams\.policy\.replicas.*not both/);
    expect(() => parseConfig(withPolicy({}))).toThrow(/upstreams\.policy\.url/);
    expect(() => parseConfig(withPolicy({ replicas: ['ftp://a'] }))).toThrow(
      /upstreams\.policy\.replicas\.0/,
    );
    expect(() => parseConfig(withPolicy({ replicas: [] }))).toThrow(/upstreams\.policy\.replicas/);
  });

  it('lets replay stand in for url (one env var flips a config to its recording) but not beside record', () => {
    const config = loadConfig(DEFAULT, {
      TTS_PROXY__UPSTREAMS__POLICY__REPLAY: 'runs/policy.jsonl',
    });
    expect(config.upstreams.policy).toMatchObject({ url: 'sim', replay: 'runs/policy.jsonl' });
    expect(parseConfig(withPolicy({ replay: 'p.jsonl' })).upstreams.policy?.url).toBeUndefined();
    expect(() =>
      parseConfig(withPolicy({ url: 'sim', record: 'a.jsonl', replay: 'a.jsonl' })),
    ).toThrow(/upstreams\.policy\.record/);
  });

  it('starts simulator replicas only for url sim', () => {
    expect(
      loadConfig(DEFAULT, { TTS_PROXY__UPSTREAMS__POLICY__SIM__REPLICAS: '3' }).upstreams.policy
        ?.sim.replicas,
    ).toBe(3);
    expect(() => parseConfig(withPolicy({ url: 'http://a:8000', sim: { replicas: 2 } }))).toThrow(
      /upstreams\.policy\.sim\.replicas/,
    );
    expect(() => parseConfig(withPolicy({ url: 'sim', kind: 'tgi' }))).toThrow(
      /upstreams\.policy\.kind/,
    );
  });
});

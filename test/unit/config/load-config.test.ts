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
    const config = loadConfig(DEFAULT, { TTS_PROXY__SERVER__PORT: '9001', TTS_PROXY__MODELS__0__PARAMS_B: '7', TTS_PROXY__TTS__DEFAULT_STRATEGY: 'dvts' });
    expect(config.server.port).toBe(9001);
    expect(config.models[0]?.params_b).toBe(7);
    expect(config.tts.default_strategy).toBe('dvts');
  });

  it('takes PORT as a shortcut', () => {
    expect(loadConfig(DEFAULT, { PORT: '1234' }).server.port).toBe(1234);
  });

  it('names the bad field', () => {
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__PARAMS_B: '-3' })).toThrow(/models\.0\.params_b/);
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__TTS__DEFAULT_STRATEGY: 'fast' })).toThrow(/tts\.default_strategy/);
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__SERVER__PROT: '1' })).toThrow(ConfigError);
  });

  it('checks references between models, prms and upstreams', () => {
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__MODELS__0__PRM: 'nope' })).toThrow(/models\.0\.prm/);
    expect(() => loadConfig(DEFAULT, { TTS_PROXY__PRMS__0__UPSTREAM: 'elsewhere' })).toThrow(/prms\.0\.upstream/);
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

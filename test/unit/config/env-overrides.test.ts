import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/errors';

const DEFAULT = path.resolve(__dirname, '../../../config/default.yaml');

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(DEFAULT, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('config errors caused by env', () => {
  it('name the env var that set the bad value', () => {
    const error = errorOf({ TTS_PROXY__MODELS__0__PARAMS_B: '-3' });
    expect(error.path).toBe('models.0.params_b');
    expect(error.message).toMatch(/set by env TTS_PROXY__MODELS__0__PARAMS_B/);
    expect(errorOf({ PORT: 'abc' }).message).toMatch(/'server\.port'.*set by env PORT/);
    expect(errorOf({ TTS_PROXY__MODELS__0__PRM: 'nope' }).message).toMatch(
      /unknown prm 'nope' \(set by env TTS_PROXY__MODELS__0__PRM\)/,
    );
  });

  it('name the env var whose value is not YAML (a ConfigError, not a parser stack trace)', () => {
    const error = errorOf({ TTS_PROXY__SERVER__PORT: "'a: [" });
    expect(error.path).toBe('server.port');
    expect(error.message).toMatch(/env TTS_PROXY__SERVER__PORT is not valid YAML/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('report a misspelt field with the field it was likely meant to be', () => {
    const error = errorOf({ TTS_PROXY__SERVER__PROT: '8093' });
    expect(error.path).toBe('server.prot');
    expect(error.message).toMatch(
      /unknown field — did you mean 'port'\? \(set by env TTS_PROXY__SERVER__PROT\)/,
    );
    expect(errorOf({ TTS_PROXY__TTS__MAX_BUDGT: '64' }).message).toMatch(
      /did you mean 'max_budget'/,
    );
  });

  it('report a misspelt upstream name instead of adding an unused upstream', () => {
    expect(errorOf({ TTS_PROXY__UPSTREAMS__POLCY__URL: 'http://gpu:8000' }).message).toMatch(
      /env TTS_PROXY__UPSTREAMS__POLCY__URL adds upstream 'polcy', which no model or prm uses — did you mean 'policy'\?/,
    );
  });

  it('name the entry env created when its other fields are missing', () => {
    expect(errorOf({ TTS_PROXY__MODELS__1__NAME: 'extra' }).message).toMatch(
      /'models\.1\.upstream'.*set by env TTS_PROXY__MODELS__1__NAME/,
    );
    expect(errorOf({ TTS_PROXY__MODELS__5__NAME: 'extra' }).message).toMatch(
      /env TTS_PROXY__MODELS__5__NAME skips entries: models has 1, so a new one is index 1/,
    );
  });

  it('report a prefix with one underscore, but not key variables the config names', () => {
    expect(errorOf({ TTS_PROXY_SERVER__PORT: '9000' }).message).toMatch(
      /env TTS_PROXY_SERVER__PORT is not a config override: overrides start with TTS_PROXY__/,
    );
    expect(errorOf({ TTS_PROXY_TTS_MAX_BUDGET: '9' }).message).toMatch(/TTS_PROXY_TTS_MAX_BUDGET/);
    const config = loadConfig(DEFAULT, {
      TTS_PROXY_CONFIG: DEFAULT,
      TTS_PROXY_PORT: '8080',
      TTS_PROXY_SERVER_KEY: 'secret',
      TTS_PROXY__SERVER__API_KEY_ENVS: '[TTS_PROXY_SERVER_KEY]',
    });
    expect(config.server.api_key_envs).toEqual(['TTS_PROXY_SERVER_KEY']);
  });
});

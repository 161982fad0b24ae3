/**
 * The shipped deployment configs: config/vllm.yaml (docker/compose.yaml's) and every
 * config/examples/*.yaml load and validate exactly as `tts-proxy serve --config FILE` would, and
 * describe real upstreams (the simulator is config/default.yaml's job).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES_DIR = path.join(ROOT, 'config/examples');
const FILES = [
  'config/vllm.yaml',
  ...readdirSync(EXAMPLES_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.join('config/examples', file)),
];

describe('deployment config files', () => {
  it('include config/vllm.yaml and at least one example', () => {
    expect(FILES.length).toBeGreaterThan(1);
  });

  it.each(FILES)('%s loads and validates with loadConfig', (file) => {
    const config = loadConfig(path.join(ROOT, file), {});
    expect(config.models.length).toBeGreaterThan(0);
  });

  // Stack examples (config/examples/stack-*.yaml) show other serving stacks, so they are exempt.
  it.each(FILES.filter((file) => !path.basename(file).startsWith('stack-')))(
    '%s points at real vLLM servers by Hugging Face model id',
    (file) => {
      const config = loadConfig(path.join(ROOT, file), {});
      // One server (url) or a pool of them (replicas): every one real.
      for (const upstream of Object.values(config.upstreams))
        for (const url of upstream.replicas ?? [upstream.url]) expect(url).toMatch(/^https?:\/\//);
      for (const entry of [...config.models, ...config.prms])
        expect(entry.served_name).toMatch(/^[\w.-]+\/[\w.-]+$/);
      // A model with a PRM can run every strategy; config/examples exist to show that.
      for (const model of config.models) expect(model.prm).toBeDefined();
    },
  );

  it("lets env override the compose config's upstream URLs (pointing at other servers)", () => {
    const config = loadConfig(path.join(ROOT, 'config/vllm.yaml'), {
      TTS_PROXY__UPSTREAMS__POLICY__URL: 'http://gpu-node:8000',
      TTS_PROXY__UPSTREAMS__PRM__URL: 'http://gpu-node:8001',
    });
    expect(config.upstreams.policy?.url).toBe('http://gpu-node:8000');
    expect(config.upstreams.prm?.url).toBe('http://gpu-node:8001');
  });
});

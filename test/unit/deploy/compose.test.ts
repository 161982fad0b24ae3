/**
 * docker/compose.yaml: the structure the Compose spec requires and the deployment relies on
 * (health-gated start, GPU reservations, a GPU-free `sim` profile), its agreement with
 * config/vllm.yaml, and, when a Compose CLI is installed, the CLI's own validation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../../src/config';

const ROOT = path.resolve(__dirname, '../../..');
const DOCKER_DIR = path.join(ROOT, 'docker');
const COMPOSE_FILE = path.join(DOCKER_DIR, 'compose.yaml');
const VLLM_SERVICES = ['policy', 'prm'] as const;

type Json = Record<string, unknown>;

function record(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} is not a mapping`);
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  return value;
}

/** The file as Compose reads it: `<<: *anchor` merge keys resolved. */
function loadCompose(): Json {
  return record(parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }), 'compose.yaml');
}

function service(compose: Json, name: string): Json {
  return record(record(compose.services, 'services')[name], `services.${name}`);
}

/** `command` as a list of strings (the file uses the exec form). */
function commandOf(svc: Json, name: string): string[] {
  return list(svc.command, `services.${name}.command`).map(String);
}

function flagValue(command: readonly string[], flag: string): string | undefined {
  const index = command.indexOf(flag);
  return index >= 0 ? command[index + 1] : undefined;
}

/** Compose `${VAR:-default}` as the value it takes with VAR unset. */
function withDefaults(text: string): string {
  return text.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

function gpuDevices(svc: Json): Json[] {
  const deploy = svc.deploy === undefined ? undefined : record(svc.deploy, 'deploy');
  const resources =
    deploy?.resources === undefined ? undefined : record(deploy.resources, 'deploy.resources');
  const reservations =
    resources?.reservations === undefined
      ? undefined
      : record(resources.reservations, 'reservations');
  if (reservations?.devices === undefined) return [];
  return list(reservations.devices, 'reservations.devices')
    .map((device) => record(device, 'device'))
    .filter((device) => list(device.capabilities, 'capabilities').includes('gpu'));
}

describe('docker/compose.yaml structure', () => {
  const compose = loadCompose();
  const services = record(compose.services, 'services');

  it('defines the proxy, both vLLM servers and the simulated proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['policy', 'prm', 'proxy', 'proxy-sim']);
  });

  it('gives every service an image or a build', () => {
    for (const [name, value] of Object.entries(services)) {
      const svc = record(value, name);
      expect([name, svc.image !== undefined || svc.build !== undefined]).toEqual([name, true]);
    }
  });

  it('builds the proxy from the repository root with docker/Dockerfile', () => {
    for (const name of ['proxy', 'proxy-sim']) {
      const build = record(service(compose, name).build, `${name}.build`);
      expect(path.resolve(DOCKER_DIR, String(build.context))).toBe(ROOT);
      expect(existsSync(path.resolve(ROOT, String(build.dockerfile)))).toBe(true);
    }
  });

  it('starts the proxy only after both vLLM servers are healthy', () => {
    const dependsOn = record(service(compose, 'proxy').depends_on, 'proxy.depends_on');
    for (const name of VLLM_SERVICES) {
      expect(record(dependsOn[name], `depends_on.${name}`).condition).toBe('service_healthy');
      const healthcheck = record(service(compose, name).healthcheck, `${name}.healthcheck`);
      expect(list(healthcheck.test, 'healthcheck.test').join(' ')).toMatch(/:8000\/health/);
      expect(healthcheck.start_period).toMatch(/^\d+[sm]$/);
    }
  });

  it('reserves an NVIDIA GPU for each vLLM server, a distinct one by default', () => {
    const defaults = VLLM_SERVICES.map((name) => {
      const devices = gpuDevices(service(compose, name));
      expect(devices).toHaveLength(1);
      const device = devices[0] as Json;
      expect(device.driver).toBe('nvidia');
      // Compose forbids count together with device_ids.
      expect(device.count !== undefined && device.device_ids !== undefined).toBe(false);
      return withDefaults(list(device.device_ids, 'device_ids').join(','));
    });
    expect(new Set(defaults).size).toBe(defaults.length);
  });

  it('runs the simulator profile without a GPU or vLLM', () => {
    const sim = service(compose, 'proxy-sim');
    expect(sim.profiles).toEqual(['sim']);
    expect(gpuDevices(sim)).toEqual([]);
    expect(sim.depends_on).toBeUndefined();
    // No config override: the image's config/default.yaml (url: sim) is used.
    expect(JSON.stringify(sim.environment ?? {})).not.toMatch(/TTS_PROXY/);
    expect(loadConfig(path.join(ROOT, 'config/default.yaml'), {}).upstreams.policy?.url).toBe(
      'sim',
    );
  });

  it('pins the vLLM image to a version tag and shares a model cache and host IPC', () => {
    for (const name of VLLM_SERVICES) {
      const svc = service(compose, name);
      expect(svc.image).toMatch(/^vllm\/vllm-openai:v\d+\.\d+\.\d+/);
      expect(svc.ipc === 'host' || svc.shm_size !== undefined).toBe(true);
      expect(list(svc.volumes, 'volumes').join(' ')).toMatch(/:\/root\/\.cache\/huggingface/);
    }
    expect(Object.keys(record(compose.volumes, 'volumes'))).toContain('hf-cache');
  });

  it('passes the Hugging Face token through from the environment, never a value', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    expect(text).not.toMatch(/hf_[A-Za-z0-9]{20,}/);
    for (const name of VLLM_SERVICES) {
      const environment = list(service(compose, name).environment, `${name}.environment`);
      expect(environment).toContain('HUGGING_FACE_HUB_TOKEN');
      expect(environment.every((entry) => !String(entry).includes('='))).toBe(true);
    }
  });

  it("launches the PRM as a pooling model with the pinned version's flags", () => {
    const prm = service(compose, 'prm');
    const command = commandOf(prm, 'prm');
    const [, tag = ''] = String(prm.image).split(':v');
    const [major = 0, minor = 0] = tag.split('.').map(Number);
    const isPoolingRunner = major > 0 || minor >= 10;
    expect(command.includes('--runner') && flagValue(command, '--runner') === 'pooling').toBe(
      isPoolingRunner,
    );
    expect(command.includes('--task') && flagValue(command, '--task') === 'reward').toBe(
      !isPoolingRunner,
    );
    expect(flagValue(command, '--max-model-len')).toBe('4096');
  });

  it("gives the proxy its config's drain before Docker kills it", () => {
    const configs = {
      proxy: loadConfig(path.join(ROOT, 'config/vllm.yaml'), {}),
      'proxy-sim': loadConfig(path.join(ROOT, 'config/default.yaml'), {}),
    };
    for (const [name, config] of Object.entries(configs)) {
      const grace = Number(String(service(compose, name).stop_grace_period).replace(/s$/, ''));
      const margin = grace - config.server.drain_timeout_ms / 1000;
      expect([name, margin >= 2 && margin <= 30]).toEqual([name, true]);
    }
  });
});

describe('docker/compose.yaml agrees with config/vllm.yaml', () => {
  const compose = loadCompose();
  const proxy = service(compose, 'proxy');
  const environment = record(proxy.environment, 'proxy.environment');
  const configPath = String(environment.TTS_PROXY_CONFIG);
  const mount = list(proxy.volumes, 'proxy.volumes')
    .map(String)
    .find((volume) => volume.split(':')[1] === configPath);

  it('mounts config/vllm.yaml where TTS_PROXY_CONFIG points', () => {
    expect(mount).toBeDefined();
    expect(path.resolve(DOCKER_DIR, String(mount?.split(':')[0]))).toBe(
      path.join(ROOT, 'config/vllm.yaml'),
    );
  });

  it('names each upstream by its service and port, with the served model names', () => {
    const config = loadConfig(path.join(ROOT, 'config/vllm.yaml'), {});
    const servedBy = new Map<string, { served: string; port: string; maxModelLen?: string }>();
    for (const name of VLLM_SERVICES) {
      const command = commandOf(service(compose, name), name);
      const maxModelLen = flagValue(command, '--max-model-len');
      servedBy.set(name, {
        served: flagValue(command, '--served-model-name') ?? String(flagValue(command, '--model')),
        port: flagValue(command, '--port') ?? '8000',
        ...(maxModelLen !== undefined ? { maxModelLen } : {}),
      });
    }
    const target = (upstream: string): { served: string; port: string; maxModelLen?: string } => {
      const url = new URL(String(config.upstreams[upstream]?.url));
      const server = servedBy.get(url.hostname);
      if (!server)
        throw new Error(`upstream ${upstream} (${url.hostname}) is not a compose service`);
      expect(url.port).toBe(server.port);
      return server;
    };
    for (const model of config.models)
      expect(model.served_name).toBe(target(model.upstream).served);
    for (const prm of config.prms) {
      const server = target(prm.upstream);
      expect(prm.served_name).toBe(server.served);
      expect(String(prm.max_input_tokens)).toBe(server.maxModelLen);
    }
  });
});

/** The first Compose CLI that runs here: the v2 plugin, else Debian's docker-compose v1. */
function findComposeCli(): string[] | null {
  const candidates = [['docker', 'compose'], ['docker-compose']];
  for (const candidate of candidates) {
    const [command = '', ...args] = candidate;
    const probe = spawnSync(command, [...args, 'version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return candidate;
  }
  return null;
}

const composeCli = findComposeCli();
const itWithCompose = composeCli ? it : it.skip;

describe(`docker/compose.yaml through ${composeCli ? composeCli.join(' ') : 'a Compose CLI (none installed: skipped)'}`, () => {
  const run = (args: readonly string[]): string => {
    const [command = '', ...prefix] = composeCli ?? [];
    // Interpolation must not pick up the developer's own settings.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(TTS_PROXY_|POLICY_|PRM_|HF_|HUGGING_FACE)/.test(key),
      ),
    );
    return execFileSync(command, [...prefix, '-f', COMPOSE_FILE, ...args], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
  };

  itWithCompose('validates the file (`config`)', () => {
    expect(() => run(['config', '--quiet'])).not.toThrow();
  });

  itWithCompose('lists proxy-sim under the sim profile', () => {
    const services = run(['--profile', 'sim', 'config', '--services']).trim().split('\n').sort();
    expect(services).toEqual(['policy', 'prm', 'proxy', 'proxy-sim']);
  });
});

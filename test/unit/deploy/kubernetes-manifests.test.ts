/**
 * docker/k8s: every manifest parses, has the fields the API server requires, and the objects
 * agree with each other (selectors, ports, probes, config mount, HPA target); the ConfigMap's
 * config passes the proxy's own schema. With kubectl installed, `kubectl kustomize` must render.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../../src/config';

const ROOT = path.resolve(__dirname, '../../..');
const K8S_DIR = path.join(ROOT, 'docker/k8s');
/** Seconds the proxy may need after its drain to log and exit. */
const EXIT_MARGIN_SECONDS = { min: 2, max: 30 };

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

interface Manifest {
  file: string;
  kind: string;
  name: string;
  body: Json;
}

function loadManifests(): Manifest[] {
  const files = readdirSync(K8S_DIR).filter(
    (file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml',
  );
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const body = record(document.toJS(), file);
      const metadata = record(body.metadata, `${file} metadata`);
      return { file, kind: String(body.kind), name: String(metadata.name), body };
    }),
  );
}

const manifests = loadManifests();

function only(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}

const deployment = only('Deployment');
const podSpec = record(
  record(record(deployment.body.spec, 'spec').template, 'template').spec,
  'pod spec',
);
const container = record(list(podSpec.containers, 'containers')[0], 'container');
const containerPorts = list(container.ports, 'ports').map((port) => record(port, 'port'));

/** A port given by number or by the container port's name, as Kubernetes resolves it. */
function resolvePort(port: unknown): number {
  if (typeof port === 'number') return port;
  const named = containerPorts.find((candidate) => candidate.name === port);
  if (!named) throw new Error(`no container port named ${String(port)}`);
  return Number(named.containerPort);
}

function probe(name: string): Json {
  return record(container[name], name);
}

describe('docker/k8s manifests', () => {
  it('each has apiVersion, kind and metadata.name, unique per kind', () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      expect(manifest.body.apiVersion).toMatch(/^([a-z.]+\/)?v\d+(beta\d+)?$/);
      expect(manifest.kind).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(manifest.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const keys = manifests.map((manifest) => `${manifest.kind}/${manifest.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses the current API versions of each kind', () => {
    const expected: Record<string, string> = {
      Namespace: 'v1',
      ConfigMap: 'v1',
      Service: 'v1',
      Deployment: 'apps/v1',
      HorizontalPodAutoscaler: 'autoscaling/v2',
      PodDisruptionBudget: 'policy/v1',
    };
    for (const manifest of manifests)
      expect([manifest.kind, manifest.body.apiVersion]).toEqual([
        manifest.kind,
        expected[manifest.kind],
      ]);
  });

  it('are all listed in the kustomization, and nothing else is', () => {
    const kustomization = record(
      parseYaml(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')),
      'kustomization',
    );
    const files = [...new Set(manifests.map((manifest) => manifest.file))].sort();
    expect(list(kustomization.resources, 'resources').map(String).sort()).toEqual(files);
  });
});

describe('Deployment', () => {
  const spec = record(deployment.body.spec, 'spec');
  const template = record(spec.template, 'template');
  const templateLabels = record(
    record(template.metadata, 'template metadata').labels,
    'template labels',
  );

  it('runs 2 replicas whose selector matches the pod labels', () => {
    expect(spec.replicas).toBe(2);
    const matchLabels = record(record(spec.selector, 'selector').matchLabels, 'matchLabels');
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(matchLabels))
      expect([key, templateLabels[key]]).toEqual([key, value]);
  });

  it('serves on the port the config listens on', () => {
    const data = record(only('ConfigMap').body.data, 'data');
    const port = parseConfig(parseYaml(String(data['tts-proxy.yaml']))).server.port;
    expect(containerPorts.map((entry) => entry.containerPort)).toEqual([port]);
  });

  it('is ready only while /health is 200 (some upstream answers)', () => {
    const readiness = record(probe('readinessProbe').httpGet, 'readiness httpGet');
    expect(readiness.path).toBe('/health');
    expect(resolvePort(readiness.port)).toBe(8080);
  });

  it('keeps liveness independent of the upstreams, so a vLLM outage never restarts the proxy', () => {
    for (const name of ['livenessProbe', 'startupProbe']) {
      const httpGet = record(probe(name).httpGet, `${name} httpGet`);
      // /health turns 503 when every upstream is down; restarting the proxy cannot fix that.
      expect(httpGet.path).not.toBe('/health');
      expect(resolvePort(httpGet.port)).toBe(8080);
    }
    const liveness = probe('livenessProbe');
    expect(
      Number(liveness.periodSeconds) * Number(liveness.failureThreshold),
    ).toBeGreaterThanOrEqual(30);
  });

  it("matches the grace period to the ConfigMap config's drain (plus preStop)", () => {
    const data = record(only('ConfigMap').body.data, 'data');
    const drainSeconds =
      parseConfig(parseYaml(String(data['tts-proxy.yaml']))).server.drain_timeout_ms / 1000;
    const preStop = record(record(container.lifecycle, 'lifecycle').preStop, 'preStop');
    const command = list(record(preStop.exec, 'preStop exec').command, 'command').map(String);
    expect(command[0]).toBe('sleep');
    // SIGKILL comes after the drain, not during it, and not long after it either.
    const margin =
      Number(podSpec.terminationGracePeriodSeconds) - Number(command[1]) - drainSeconds;
    expect(margin).toBeGreaterThanOrEqual(EXIT_MARGIN_SECONDS.min);
    expect(margin).toBeLessThanOrEqual(EXIT_MARGIN_SECONDS.max);
  });

  it('requests and limits CPU and memory', () => {
    const resources = record(container.resources, 'resources');
    for (const section of ['requests', 'limits']) {
      const values = record(resources[section], section);
      expect([section, values.cpu !== undefined, values.memory !== undefined]).toEqual([
        section,
        true,
        true,
      ]);
    }
  });

  it('runs as non-root with a read-only root filesystem and no privileges', () => {
    const security = record(container.securityContext, 'securityContext');
    expect(security.readOnlyRootFilesystem).toBe(true);
    expect(security.allowPrivilegeEscalation).toBe(false);
    expect(record(security.capabilities, 'capabilities').drop).toEqual(['ALL']);
    const podSecurity = record(podSpec.securityContext, 'pod securityContext');
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(Number(podSecurity.runAsUser)).toBeGreaterThan(0);
    const tmp = list(container.volumeMounts, 'volumeMounts')
      .map((mount) => record(mount, 'mount'))
      .find((mount) => mount.mountPath === '/tmp');
    expect(tmp).toBeDefined();
  });

  it('reads its config from the ConfigMap file that TTS_PROXY_CONFIG names', () => {
    const env = list(container.env, 'env').map((entry) => record(entry, 'env entry'));
    const configPath = env.find((entry) => entry.name === 'TTS_PROXY_CONFIG')?.value;
    expect(configPath).toMatch(/^\/app\/config\//);
    const mount = list(container.volumeMounts, 'volumeMounts')
      .map((entry) => record(entry, 'mount'))
      .find(
        (entry) =>
          entry.mountPath === configPath ||
          String(configPath).startsWith(`${String(entry.mountPath)}/`),
      );
    if (!mount) throw new Error('no volume mount holds TTS_PROXY_CONFIG');
    const volume = list(podSpec.volumes, 'volumes')
      .map((entry) => record(entry, 'volume'))
      .find((entry) => entry.name === mount.name);
    const configMapName = record(volume?.configMap, 'volume configMap').name;
    const configMap = only('ConfigMap');
    expect(configMapName).toBe(configMap.name);
    const key = mount.subPath ?? path.basename(String(configPath));
    expect(Object.keys(record(configMap.body.data, 'data'))).toContain(key);
  });
});

describe('Service', () => {
  const service = only('Service');
  const spec = record(service.body.spec, 'spec');

  it('is a ClusterIP on port 80 that reaches the container port 8080', () => {
    expect(spec.type ?? 'ClusterIP').toBe('ClusterIP');
    const ports = list(spec.ports, 'ports').map((port) => record(port, 'port'));
    expect(ports).toHaveLength(1);
    expect(ports[0]?.port).toBe(80);
    expect(resolvePort(ports[0]?.targetPort)).toBe(8080);
  });

  it("selects the Deployment's pods", () => {
    const labels = record(
      record(record(record(deployment.body.spec, 'spec').template, 'template').metadata, 'metadata')
        .labels,
      'labels',
    );
    for (const [key, value] of Object.entries(record(spec.selector, 'selector')))
      expect([key, labels[key]]).toEqual([key, value]);
  });
});

describe('HorizontalPodAutoscaler', () => {
  const spec = record(only('HorizontalPodAutoscaler').body.spec, 'spec');

  it('scales the Deployment on CPU, never below its 2 replicas', () => {
    const target = record(spec.scaleTargetRef, 'scaleTargetRef');
    expect(target).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.name,
    });
    expect(spec.minReplicas).toBe(2);
    expect(Number(spec.maxReplicas)).toBeGreaterThan(Number(spec.minReplicas));
    const metric = record(list(spec.metrics, 'metrics')[0], 'metric');
    expect(metric.type).toBe('Resource');
    const resource = record(metric.resource, 'resource');
    expect(resource.name).toBe('cpu');
    expect(record(resource.target, 'target')).toMatchObject({ type: 'Utilization' });
    // Utilization is relative to the request, so the container must request CPU.
    expect(record(record(container.resources, 'resources').requests, 'requests').cpu).toBeDefined();
  });
});

describe('PodDisruptionBudget', () => {
  it('keeps a pod of the Deployment up during voluntary disruptions', () => {
    const spec = record(only('PodDisruptionBudget').body.spec, 'spec');
    expect(spec.minAvailable).toBe(1);
    const labels = record(
      record(record(record(deployment.body.spec, 'spec').template, 'template').metadata, 'metadata')
        .labels,
      'labels',
    );
    const matchLabels = record(record(spec.selector, 'selector').matchLabels, 'matchLabels');
    for (const [key, value] of Object.entries(matchLabels))
      expect([key, labels[key]]).toEqual([key, value]);
  });
});

describe('ConfigMap', () => {
  const data = record(only('ConfigMap').body.data, 'data');
  const embedded = (): ReturnType<typeof parseConfig> =>
    parseConfig(parseYaml(String(data['tts-proxy.yaml'])));

  it("holds a config that the proxy's schema accepts", () => {
    expect(embedded().server.port).toBe(8080);
  });

  it('points every upstream at a vLLM Service in the cluster', () => {
    const config = embedded();
    for (const [name, upstream] of Object.entries(config.upstreams)) {
      expect([name, upstream.url]).toEqual([
        name,
        expect.stringMatching(/^http:\/\/vllm-[a-z-]+\.[a-z0-9-]+\.svc(\.cluster\.local)?:\d+$/),
      ]);
    }
  });

  it('matches config/vllm.yaml except for the upstream URLs', () => {
    const config = embedded();
    const compose = parseConfig(
      parseYaml(readFileSync(path.join(ROOT, 'config/vllm.yaml'), 'utf8')),
    );
    const withoutUrls = (value: ReturnType<typeof parseConfig>): unknown => ({
      ...value,
      upstreams: Object.fromEntries(
        Object.entries(value.upstreams).map(([name, upstream]) => [name, { ...upstream, url: '' }]),
      ),
    });
    expect(withoutUrls(config)).toEqual(withoutUrls(compose));
  });
});

const hasKubectl =
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
const itWithKubectl = hasKubectl ? it : it.skip;

describe(`kubectl kustomize docker/k8s${hasKubectl ? '' : ' (kubectl not installed: skipped)'}`, () => {
  itWithKubectl('renders every object into the tts-proxy namespace with a tagged image', () => {
    const rendered = execFileSync('kubectl', ['kustomize', K8S_DIR], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const objects = parseAllDocuments(rendered).map((document) =>
      record(document.toJS(), 'rendered object'),
    );
    expect(objects).toHaveLength(manifests.length);
    for (const object of objects) {
      const metadata = record(object.metadata, 'metadata');
      if (object.kind !== 'Namespace')
        expect([object.kind, metadata.namespace]).toEqual([object.kind, 'tts-proxy']);
    }
    const renderedDeployment = objects.find((object) => object.kind === 'Deployment');
    expect(rendered).toMatch(/image: tts-proxy:\d+\.\d+\.\d+/);
    expect(renderedDeployment).toBeDefined();
  });
});

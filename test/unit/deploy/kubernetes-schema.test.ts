/**
 * docker/k8s against the Kubernetes API schema, when Debian's python3-kubernetes is installed
 * (`apt-get install --no-install-recommends python3-kubernetes`); skipped otherwise.
 *
 * No offline validator for Kubernetes manifests is packaged here (kubeconform and kubeval are not
 * in Debian; `kubectl --dry-run=client` downloads the schema from an API server). The official
 * Python client's models are generated from the API's OpenAPI spec, so walking a manifest through
 * their `attribute_map`/`openapi_types` finds misspelt or misplaced fields and wrong scalar types,
 * and deserializing into them enforces required fields. Debian's client (22.x) stops at API 1.22:
 * autoscaling/v2 (GA in 1.23) is checked with the v2beta2 models, whose schema is the same.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const K8S_DIR = path.resolve(__dirname, '../../../docker/k8s');

const VALIDATOR = String.raw`
import json, re, sys
import kubernetes.client as k
from kubernetes.client import ApiClient

MODELS = {
    ('v1', 'Namespace'): 'V1Namespace', ('v1', 'ConfigMap'): 'V1ConfigMap', ('v1', 'Service'): 'V1Service',
    ('apps/v1', 'Deployment'): 'V1Deployment', ('policy/v1', 'PodDisruptionBudget'): 'V1PodDisruptionBudget',
    ('autoscaling/v2', 'HorizontalPodAutoscaler'): getattr(k, 'V2HorizontalPodAutoscaler', None) and 'V2HorizontalPodAutoscaler' or 'V2beta2HorizontalPodAutoscaler',
}
errors = []

def walk(value, typ, where):
    if typ == 'object':  # IntOrString, Quantity
        if not isinstance(value, (str, int)) or isinstance(value, bool): errors.append(where + ': expected int or string')
    elif typ == 'str':
        if not isinstance(value, str): errors.append(where + ': expected string, got ' + repr(value))
    elif typ == 'int':
        if not isinstance(value, int) or isinstance(value, bool): errors.append(where + ': expected integer, got ' + repr(value))
    elif typ == 'bool':
        if not isinstance(value, bool): errors.append(where + ': expected boolean, got ' + repr(value))
    elif typ.startswith('list['):
        if not isinstance(value, list): errors.append(where + ': expected list'); return
        for i, item in enumerate(value): walk(item, typ[5:-1], where + '[' + str(i) + ']')
    elif typ.startswith('dict(str, '):
        if not isinstance(value, dict): errors.append(where + ': expected map'); return
        for key, item in value.items(): walk(item, typ[10:-1], where + '.' + key)
    else:
        cls = getattr(k, typ)
        if not isinstance(value, dict): errors.append(where + ': expected ' + typ); return
        fields = {json_name: attr for attr, json_name in cls.attribute_map.items()}
        for key, item in value.items():
            if key not in fields: errors.append(where + '.' + key + ': unknown field of ' + typ)
            else: walk(item, cls.openapi_types[fields[key]], where + '.' + key)

client = ApiClient()
for doc in json.load(sys.stdin):
    where = doc.get('kind', '?') + '/' + doc.get('metadata', {}).get('name', '?')
    model = MODELS.get((doc.get('apiVersion'), doc.get('kind')))
    if model is None: errors.append(where + ': no schema for ' + str(doc.get('apiVersion'))); continue
    walk(doc, model, where)
    try: client._ApiClient__deserialize(doc, model)
    except ValueError as error: errors.append(where + ': ' + str(error))
print(json.dumps(errors))
`;

/** A Python that can import the Kubernetes client (pyenv shims may hide Debian's packages). */
function findPython(): string | null {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import kubernetes.client'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function validate(python: string, documents: readonly unknown[]): string[] {
  const result = spawnSync(python, ['-c', VALIDATOR], {
    input: JSON.stringify(documents),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`validator failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

function loadDocuments(): Record<string, unknown>[] {
  return readdirSync(K8S_DIR)
    .filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8')).map(
        (document) => document.toJS() as Record<string, unknown>,
      ),
    );
}

const python = findPython();
const itWithClient = python ? it : it.skip;

describe(`docker/k8s against the Kubernetes OpenAPI models${python ? '' : ' (python3-kubernetes not installed: skipped)'}`, () => {
  itWithClient('has no unknown fields, wrong types or missing required fields', () => {
    expect(validate(python as string, loadDocuments())).toEqual([]);
  });

  itWithClient('would catch a misspelt probe and a quoted integer (the check is live)', () => {
    const broken = loadDocuments().map(
      (document) => JSON.parse(JSON.stringify(document)) as Record<string, unknown>,
    );
    const deployment = broken.find((document) => document.kind === 'Deployment') as {
      spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = deployment.spec.template.spec.containers[0] as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    deployment.spec.replicas = '2';
    const errors = validate(python as string, broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/readinesProbe: unknown field of V1Container/),
        expect.stringMatching(/spec\.replicas: expected integer/),
      ]),
    );
  });
});

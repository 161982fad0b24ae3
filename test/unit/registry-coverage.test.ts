/**
 * Every registered PRM family and search method is covered where the CONTRIBUTING recipes say it
 * must be: the config accepts it, the simulator serves it, a golden fixture pins it, and `auto`'s
 * strategy list and the vLLM stack offer it. Adding a family or a method without that coverage
 * fails here, not in production.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PRM_FAMILIES, POLICY_FAMILIES, STRATEGIES, UPSTREAM_KINDS } from '../../src/config';
import { PRM_FAMILY_NAMES, type PrmFamilyName } from '../../src/prm';
import { POLICY_FAMILY_NAMES } from '../../src/prompt';
import { STRATEGY_NAMES } from '../../src/select';
import { startSimulator, type PrmFamily as SimPrmFamily } from '../../src/sim';
import { METHOD_DEFAULTS, METHOD_NAMES, METHOD_TRAITS, METHODS } from '../../src/tts';
import { BACKEND_CAPABILITIES, STACK_KINDS } from '../../src/upstream';

// The simulator keeps its own reading of each format (on purpose); its family type must still
// name exactly the registered families, in both directions.
const toSim = (name: PrmFamilyName): SimPrmFamily => name;
const fromSim = (name: SimPrmFamily): PrmFamilyName => name;

describe('PRM family registry coverage', () => {
  it('config validates exactly the registered families (the same lists, not copies)', () => {
    expect(PRM_FAMILIES).toBe(PRM_FAMILY_NAMES);
    expect(POLICY_FAMILIES).toBe(POLICY_FAMILY_NAMES);
    expect(UPSTREAM_KINDS).toBe(STACK_KINDS);
  });

  it.each(PRM_FAMILY_NAMES)('%s has a golden fixture naming its family', (family) => {
    const file = path.join(__dirname, '..', 'fixtures', 'prm', `${family}.json`);
    expect(existsSync(file)).toBe(true);
    const fixture = JSON.parse(readFileSync(file, 'utf8')) as { family: string; source: string };
    expect(fixture.family).toBe(family);
    expect(fixture.source.length).toBeGreaterThan(0);
  });

  it.each(PRM_FAMILY_NAMES)('%s is served by the simulator', async (family) => {
    const sim = await startSimulator({
      role: 'prm',
      host: '127.0.0.1',
      port: 0,
      seed: 1,
      model: { servedName: `prm-${family}`, paramsB: 7, family: toSim(family), quality: 0.9 },
    });
    try {
      const response = await fetch(`${sim.url}/v1/models`);
      const body = (await response.json()) as {
        data: { max_model_len: number; simulator: { family: string } }[];
      };
      expect(fromSim(body.data[0]?.simulator.family as SimPrmFamily)).toBe(family);
      expect(body.data[0]?.max_model_len).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});

describe('search method registry coverage', () => {
  it('every method has an implementation, the paper defaults and its traits', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(METHOD_DEFAULTS).sort()).toEqual([...METHOD_NAMES].sort());
    // What the pipeline and the stacks read of a method (PRM needed, step-wise) comes from here.
    expect(Object.keys(METHOD_TRAITS).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('every method can be requested and configured as a strategy, besides auto', () => {
    expect(STRATEGIES).toBe(STRATEGY_NAMES);
    expect(STRATEGY_NAMES).toEqual(['auto', ...METHOD_NAMES]);
  });

  it('the vLLM stack runs every method', () => {
    expect([...BACKEND_CAPABILITIES.vllm.methods].sort()).toEqual([...METHOD_NAMES].sort());
  });
});

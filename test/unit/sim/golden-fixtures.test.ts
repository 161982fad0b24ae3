/**
 * The simulator reads each PRM family's wire format on its own (it never imports src/prm), so the
 * golden fixtures in test/fixtures/prm/ are where the two readings meet: the exact input our
 * family renders, sent to the simulated PRM, must come back with the same response shape as the
 * fixture's recorded output — one score entry per step marker, as wide as the real server's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type PrmFamily } from '../../../src/sim';
import { list, postJson } from './sim-test-helpers';

interface PoolingFixture {
  family: PrmFamily;
  steps: string[];
  rendered: { text: string };
  response: unknown;
  rawPath: (string | number)[];
}

function readFixture(name: string): PoolingFixture {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'prm', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as PoolingFixture;
}

// Fixtures whose recorded output is a vLLM /pooling response to the rendered text.
const POOLING_TEXT_FIXTURES = ['qwen2.5-math-prm', 'math-shepherd'];

describe('simulated PRM against the golden fixtures', () => {
  it.each(POOLING_TEXT_FIXTURES)(
    '%s: one score entry per step, shaped as recorded',
    async (name) => {
      const fixture = readFixture(name);
      const sim = await startSimulator({
        role: 'prm',
        seed: 5,
        model: { servedName: `sim-${name}`, paramsB: 7, family: fixture.family, quality: 0.9 },
      });
      try {
        const response = await postJson(`${sim.url}/pooling`, {
          model: `sim-${name}`,
          input: fixture.rendered.text,
          add_special_tokens: false,
        });
        expect(response.status).toBe(200);
        const recorded = list(fixture.response, ...fixture.rawPath);
        const simulated = list(response.body, ...fixture.rawPath);
        expect(recorded).toHaveLength(fixture.steps.length);
        expect(simulated).toHaveLength(recorded.length);
        simulated.forEach((entry, index) =>
          expect(list(entry)).toHaveLength(list(recorded[index]).length),
        );
      } finally {
        await sim.close();
      }
    },
  );
});

/**
 * The policy simulator writes a request's choices in slices and serves other requests in between,
 * as a continuously batching server never makes a 1-choice request wait for a 64-choice one's
 * CPU work. Slicing must not change a single byte of any answer, seeded or not.
 */
import type { RunningSimulator } from '../../../src/sim';
import { list, num, postJson, qwenPrompt, startPolicy } from './sim-test-helpers';

const QUESTION = 'Maya has 12 marbles, buys 30 more and gives away 7. How many are left?';

function heavyBody(seed: number | null): Record<string, unknown> {
  return {
    prompt: [1, 2, 3, 4].map((i) => qwenPrompt(`${QUESTION} (${i})`)),
    n: 64,
    max_tokens: 4096,
    temperature: 0.8,
    ...(seed === null ? {} : { seed }),
  };
}

function lightBody(seed: number | null): Record<string, unknown> {
  return {
    prompt: qwenPrompt(QUESTION),
    max_tokens: 64,
    temperature: 0.8,
    ...(seed === null ? {} : { seed }),
  };
}

/** Resolves once the simulator has read a generation request (it records its sampling first). */
async function untilGenerating(sim: RunningSimulator): Promise<void> {
  while (sim.stats().lastSampling === null) await new Promise((resolve) => setImmediate(resolve));
}

/** The answer without its wall-clock `created` field. */
function stable(text: string): string {
  return text.replace(/"created":\d+/g, '"created":0');
}

describe('generation in slices', () => {
  it('answers a 1-choice request while a 256-choice request is still being written', async () => {
    const sim = await startPolicy({ answerForms: 'all-distinct' });
    try {
      const heavy = postJson(`${sim.url}/v1/completions`, heavyBody(1));
      await untilGenerating(sim);
      const light = await postJson(`${sim.url}/v1/completions`, lightBody(2));
      expect(light.status).toBe(200);
      // The simulator counts a request's tokens when it answers: so far only the light one's.
      const lightTokens = num(light.body, 'usage', 'completion_tokens');
      expect(sim.stats().completionTokens).toBe(lightTokens);
      const done = await heavy;
      expect(list(done.body, 'choices')).toHaveLength(256);
      expect(sim.stats().completionTokens).toBe(
        lightTokens + num(done.body, 'usage', 'completion_tokens'),
      );
    } finally {
      await sim.close();
    }
  });

  it('gives the same bytes with and without slicing, seeded or not, alone or interleaved', async () => {
    const sliced = await startPolicy({ answerForms: 'all-distinct', generationSliceMs: 0 });
    const whole = await startPolicy({ answerForms: 'all-distinct', generationSliceMs: Infinity });
    try {
      const run = async (sim: RunningSimulator): Promise<string[]> => {
        const alone = [
          await postJson(`${sim.url}/v1/completions`, heavyBody(5)),
          await postJson(`${sim.url}/v1/completions`, heavyBody(null)),
          await postJson(`${sim.url}/v1/chat/completions`, {
            messages: [{ role: 'user', content: QUESTION }],
            n: 16,
            stream: true,
          }),
        ];
        // A seedless light request sent while a seedless heavy one is being written: on the
        // sliced simulator it is answered in between, on the other one after it.
        const heavy = postJson(`${sim.url}/v1/completions`, heavyBody(null));
        await untilGenerating(sim);
        const light = await postJson(`${sim.url}/v1/completions`, lightBody(null));
        return [...alone, await heavy, light].map((response) => stable(response.text));
      };
      const fromSliced = await run(sliced);
      expect(fromSliced.every((text) => text.includes('"choices"'))).toBe(true);
      expect(fromSliced).toEqual(await run(whole));
    } finally {
      await Promise.all([sliced.close(), whole.close()]);
    }
  });

  it('stops writing when the client goes away mid-generation', async () => {
    const sim = await startPolicy();
    try {
      const controller = new AbortController();
      const heavy = fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(heavyBody(3)),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await untilGenerating(sim);
      controller.abort();
      await heavy;
      while (sim.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(sim.stats().aborted).toBe(1);
      expect(sim.stats().completionTokens).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

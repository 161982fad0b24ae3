import { withServedModelName } from '../../../../src/server/passthrough/create-passthrough';

const NAMES = new Map([['qwen2.5-1.5b-instruct', 'Qwen/Qwen2.5-1.5B-Instruct']]);

function translate(body: string): string {
  return withServedModelName(Buffer.from(body, 'utf8'), NAMES).toString('utf8');
}

describe('passthrough model name', () => {
  it('sends the upstream its served name for a client-facing name, the rest unchanged', () => {
    const out = JSON.parse(
      translate('{"model":"qwen2.5-1.5b-instruct","prompt":"1+1=","max_tokens":4}'),
    ) as Record<string, unknown>;
    expect(out).toEqual({ model: 'Qwen/Qwen2.5-1.5B-Instruct', prompt: '1+1=', max_tokens: 4 });
  });

  it('keeps every other byte as the client wrote it (a re-serialised body lost big integers)', () => {
    const body = '{ "seed": 12345678901234567890, "model": "qwen2.5-1.5b-instruct", "t": 1.0 }';
    expect(translate(body)).toBe(
      '{ "seed": 12345678901234567890, "model": "Qwen/Qwen2.5-1.5B-Instruct", "t": 1.0 }',
    );
  });

  it.each([
    ['an unknown model', '{"model":"other","prompt":"x"}'],
    ['no model', '{"prompt":"x"}'],
    ['a model that is not a string', '{"model":3}'],
    ['an array', '[1,2]'],
    ['invalid JSON', '{"model":'],
  ])('forwards %s byte for byte', (_label, body) => {
    expect(translate(body)).toBe(body);
  });
});

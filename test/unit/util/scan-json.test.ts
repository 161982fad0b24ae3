import { replaceRange, scanJson } from '../../../src/util';

function scan(text: string, maxDepth = 128) {
  return scanJson(Buffer.from(text, 'utf8'), maxDepth);
}

/** The text with the scanned top-level model value replaced by `name`. */
function renamed(text: string, name: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const model = scanJson(bytes, 128).model;
  if (model === null) throw new Error('no model found');
  return replaceRange(bytes, model.start, model.end, name).toString('utf8');
}

describe('scanJson', () => {
  it('finds the top-level model value and swaps it leaving every other byte as written', () => {
    const text = '{ "seed" : 12345678901234567890, "model" : "qwen", "x": 1.0 }';
    expect(scan(text).model?.name).toBe('qwen');
    expect(renamed(text, 'Qwen/Qwen2.5')).toBe(
      '{ "seed" : 12345678901234567890, "model" : "Qwen/Qwen2.5", "x": 1.0 }',
    );
  });

  it.each([
    ['a nested model key', '{"tools":[{"model":"qwen"}],"prompt":"p"}'],
    ['"model" as a value', '{"kind":"model","prompt":"qwen"}'],
    ['"model" inside a string', '{"prompt":"say \\"model\\":\\"qwen\\""}'],
    ['a top-level array', '["model","qwen"]'],
    ['a model that is not a string', '{"model":3}'],
  ])('ignores %s', (_label, text) => {
    expect(scan(text).model).toBeNull();
  });

  it('takes the last of duplicate top-level model keys, as JSON.parse does', () => {
    expect(scan('{"model":"a","model":"b"}').model?.name).toBe(
      (JSON.parse('{"model":"a","model":"b"}') as { model: string }).model,
    );
  });

  it('reads a key written with escapes as the key it decodes to, as JSON.parse does (review 21)', () => {
    const text = '{"model":"a","mod\\u0065l":"b","messages":[]}';
    expect(scan(text).model?.name).toBe((JSON.parse(text) as { model: string }).model);
    expect(JSON.parse(renamed(text, 'served'))).toMatchObject({ model: 'served' });
    // An escaped key that decodes to something else is not the model.
    expect(scan('{"model":"a","mode\\u006c2":"b"}').model?.name).toBe('a');
  });

  it('decodes an escaped model name and skips strings with escaped quotes and backslashes', () => {
    expect(scan('{"prompt":"a\\\\","model":"q\\u0077en"}').model?.name).toBe('qwen');
    expect(scan('{"prompt":"\\"}{[","model":"qwen"}').model?.name).toBe('qwen');
  });

  it('reads multi-byte text around the model without decoding it', () => {
    const text = '{"prompt":"∑ 数学 🙂","model":"qwen","suffix":"é"}';
    expect(JSON.parse(renamed(text, 'served'))).toEqual({
      prompt: '∑ 数学 🙂',
      model: 'served',
      suffix: 'é',
    });
  });

  it('stops at the depth limit, brackets in strings not counted', () => {
    expect(scan('[[[1]]]', 2).isTooDeep).toBe(true);
    expect(scan('[[1]]', 2).isTooDeep).toBe(false);
    expect(scan('{"a":"[[[[[["}', 2).isTooDeep).toBe(false);
  });

  it.each([
    ['a body cut in a string', '{"id":"x","choices":[{"te', false],
    ['a body cut after a value', '{"id":"x","n":1', false],
    ['an unmatched closing bracket', '{"a":1}}', false],
    ['an empty body', '', false],
    ['a whole object', '{"id":"x","choices":[{"text":"}"}]}', true],
    ['a scalar', '  42 ', true],
  ])('calls %s complete: %s', (_label, text, isComplete) => {
    expect(scan(text).isComplete).toBe(isComplete);
  });
});

// Spec of src/cli/commands/eval.ts's flag parsing (kept with the eval tests).
import { parseCommandArgs } from '../../../src/cli/args';
import { EVAL_COMMAND, evalOptionsFromArgs } from '../../../src/cli/commands/eval';
import { ConfigError } from '../../../src/errors';

const parse = (line: string, env: NodeJS.ProcessEnv = {}) =>
  evalOptionsFromArgs(parseCommandArgs(EVAL_COMMAND, line.split(' ')), env);

describe('evalOptionsFromArgs', () => {
  it('reads the grid, limits and target', () => {
    const options = parse(
      'eval --dataset d.jsonl --out r --arms cot,dvts,auto --budgets 4,16 --url http://h:8080 --limit 5 --concurrency 2 --seed 7 --model m',
    );
    expect(options).toMatchObject({
      datasetPath: 'd.jsonl',
      outDir: 'r',
      arms: ['cot', 'dvts', 'auto'],
      budgets: [4, 16],
      url: 'http://h:8080',
      limit: 5,
      concurrency: 2,
      seed: 7,
      model: 'm',
    });
  });
  it('defaults to the paper arms at budgets 4, 16, 64 in-process', () => {
    const options = parse('eval --dataset d.jsonl --out r');
    expect(options.arms).toEqual(['cot', 'majority', 'best_of_n', 'beam_search', 'dvts']);
    expect(options.budgets).toEqual([4, 16, 64]);
    expect(options.url).toBeUndefined();
  });
  it('requires --dataset and --out, and rejects bad budgets or both --url and --config', () => {
    expect(() => parse('eval --out r')).toThrow(ConfigError);
    expect(() => parse('eval --dataset d')).toThrow(/--out/);
    expect(() => parse('eval --dataset d --out r --budgets 4,x')).toThrow(/--budgets/);
    expect(() => parse('eval --dataset d --out r --url http://h --config c.yaml')).toThrow(
      /--config/,
    );
    expect(() => parse('eval --dataset d --out r --limit many')).toThrow(/--limit/);
  });
  it('reads the API key from the named env var', () => {
    expect(parse('eval --dataset d --out r --api-key-env KEY', { KEY: 's3cret' }).apiKey).toBe(
      's3cret',
    );
    expect(() => parse('eval --dataset d --out r --api-key-env KEY')).toThrow(/KEY is not set/);
  });
});

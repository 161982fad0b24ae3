import { formatCommandHelp, parseCommandArgs, type CommandSpec } from '../../../src/cli/args';
import { ConfigError } from '../../../src/errors';

const SPEC: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  usage: '[options]',
  flags: [
    { name: 'file', kind: 'string', placeholder: 'F', description: 'input file' },
    { name: 'count', kind: 'integer', placeholder: 'N', min: 1, description: 'how many' },
    { name: 'ratio', kind: 'number', placeholder: 'R', min: 0, max: 1, description: 'a share' },
    { name: 'dry-run', kind: 'boolean', description: 'change nothing' },
  ],
};

function errorOf(argv: string[]): string {
  try {
    parseCommandArgs(SPEC, argv);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${argv.join(' ')}`);
}

describe('parseCommandArgs', () => {
  it('reads --flag value, --flag=value and switches', () => {
    const args = parseCommandArgs(SPEC, ['demo', '--file', 'a.jsonl', '--count=3', '--dry-run']);
    expect(args.positional).toEqual(['demo']);
    expect([...args.flags]).toEqual([
      ['file', 'a.jsonl'],
      ['count', '3'],
      ['dry-run', true],
    ]);
  });

  it('checks each value against its kind and bounds, naming the flag', () => {
    expect(errorOf(['--count', '0'])).toMatch(/--count expects a positive integer, got '0'/);
    expect(errorOf(['--count', '2.5'])).toMatch(/--count expects a positive integer/);
    expect(errorOf(['--ratio', '1.5'])).toMatch(/--ratio expects a number from 0 to 1, got '1.5'/);
    expect(errorOf(['--ratio', ''])).toMatch(/--ratio expects a number/);
  });

  it('names unknown flags (with a suggestion when one is close) and missing values', () => {
    expect(errorOf(['--fiel', 'x'])).toMatch(/unknown flag --fiel — did you mean --file\?/);
    expect(errorOf(['--verbose'])).toMatch(/unknown flag --verbose \(see tts-proxy demo --help\)/);
    expect(errorOf(['--file'])).toMatch(/--file expects a value/);
    expect(errorOf(['--file', '--count', '2'])).toMatch(/--file expects a value/);
    expect(errorOf(['--dry-run=yes'])).toMatch(/--dry-run takes no value/);
  });
});

describe('formatCommandHelp', () => {
  it('prints the usage, the summary and every flag with its placeholder', () => {
    const help = formatCommandHelp(SPEC);
    expect(help.split('\n')[0]).toBe('tts-proxy demo [options]');
    expect(help).toContain('A demo command.');
    for (const line of ['--file F', '--count N', '--ratio R', '--dry-run', '--help'])
      expect(help).toContain(line);
  });
});

import { endingStop, includeStop } from '../../../../src/upstream/stacks/include-stop';

describe('endingStop', () => {
  it('returns the (longest) stop string the text ends with, or null', () => {
    expect(endingStop('a.\n\n', ['\n\n'])).toBe('\n\n');
    expect(endingStop('a.\n\n', ['\n', '\n\n'])).toBe('\n\n');
    expect(endingStop('a.', ['\n\n'])).toBeNull();
    expect(endingStop('a.', [''])).toBeNull();
    expect(endingStop('a.', [])).toBeNull();
  });
});

describe('includeStop', () => {
  it('appends the matched stop to a trimmed text', () => {
    expect(includeStop('Step 1.', '\n\n')).toBe('Step 1.\n\n');
  });

  it('never doubles a stop the upstream kept', () => {
    expect(includeStop('Step 1.\n\n', '\n\n')).toBe('Step 1.\n\n');
  });
});

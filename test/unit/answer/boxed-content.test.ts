import { boxedContents, hasBox, joinParts } from '../../../src/answer/boxed-content';

describe('boxedContents', () => {
  it('keeps the last box and the nearby or separated ones before it', () => {
    expect(boxedContents('\\boxed{1}\\boxed{2}', 'last')).toEqual(['1', '2']);
    expect(boxedContents('\\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}', 'last')).toEqual([
      '-2',
      '1',
    ]);
    const far = `\\boxed{3}${' words'.repeat(20)} \\boxed{7}`;
    expect(boxedContents(far, 'last')).toEqual(['7']);
    expect(boxedContents(far, 'all')).toEqual(['3', '7']);
  });

  it('drops repeated neighbours, empty and unclosed boxes; unwraps nested ones', () => {
    expect(boxedContents('\\boxed{7} \\boxed{7}', 'last')).toEqual(['7']);
    expect(boxedContents('\\boxed{5} then \\boxed{6', 'last')).toEqual(['5']);
    expect(boxedContents('\\boxed{}', 'last')).toBeNull();
    expect(boxedContents('\\boxed{\\boxed{12}}', 'last')).toEqual(['12']);
    expect(boxedContents('\\fbox{9} and \\boxed 10$', 'last')).toEqual(['9', '10']);
  });
});

describe('joinParts and hasBox', () => {
  it('make one answer of several parts', () => {
    expect(joinParts(['2'])).toBe('2');
    expect(joinParts(['2', '3'])).toBe('\\{2, 3\\}');
    expect(joinParts([])).toBeNull();
    expect(hasBox('so \\fbox{1}')).toBe(true);
    expect(hasBox('\\boxedx')).toBe(false);
  });
});

import { isWordAnswer, scalarsEqual, wordKey } from '../../../src/answer/scalars-equal';

const options = { floatRounding: 6, strict: true };

describe('scalarsEqual', () => {
  it('compares word answers case-insensitively, without the evaluator', () => {
    expect(scalarsEqual('Evelyn', 'evelyn', options)).toBe(true);
    expect(scalarsEqual('Evelyn', 'Navin', options)).toBe(false);
  });

  it('compares numerals with a base as written', () => {
    expect(scalarsEqual('4210_{5}', '4210_5', options)).toBe(true);
    expect(scalarsEqual('52_8', '42', options)).toBe(false);
  });

  it('compares plain numbers without the evaluator', () => {
    expect(scalarsEqual('033', '33', options)).toBe(true);
    expect(scalarsEqual('\\frac{1}{3}', '0.333', options)).toBe(false);
  });

  it('sends expressions to the evaluator', () => {
    expect(scalarsEqual('\\sqrt{20}', '2\\sqrt{5}', options)).toBe(true);
    expect(scalarsEqual('\\sqrt{12}', '3\\sqrt{2}', options)).toBe(false);
  });
});

describe('isWordAnswer', () => {
  it('spots prose but not macros or one-letter variables', () => {
    expect(isWordAnswer('ellipse')).toBe(true);
    expect(isWordAnswer('\\sin^2x+\\cos^2x')).toBe(false);
    expect(isWordAnswer('6r^2-4r-24')).toBe(false);
  });
});

describe('wordKey', () => {
  it('lower-cases and drops spaces', () => {
    expect(wordKey('North East')).toBe('northeast');
  });
});

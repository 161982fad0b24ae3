import { stripUnits } from '../../../src/answer/strip-units';

describe('stripUnits', () => {
  it('drops a trailing \\text or \\mbox unit, with an optional power', () => {
    expect(stripUnits('10 \\text{ inches}')).toBe('10');
    expect(stripUnits('864 \\mbox{ inches}^2')).toBe('864');
    expect(stripUnits('\\frac{270}7\\text{ degrees}')).toBe('\\frac{270}7');
    expect(stripUnits('15\\mbox{ cm}^{2}')).toBe('15');
  });

  it('drops plain unit words after a numeric answer', () => {
    expect(stripUnits('5 cm')).toBe('5');
    expect(stripUnits('125 square miles')).toBe('125');
    expect(stripUnits('28 percent')).toBe('28');
  });

  it('keeps a one-letter macro argument unless it is spaced like a unit', () => {
    expect(stripUnits('2\\mathrm{e}')).toBe('2\\mathrm{e}');
    expect(stripUnits('3\\text{ m}')).toBe('3');
  });

  it('keeps text answers, words after variables, and words in the middle', () => {
    expect(stripUnits('\\text{Evelyn}')).toBe('\\text{Evelyn}');
    expect(stripUnits('x cm')).toBe('x cm');
    expect(stripUnits('12 \\text{ and } 13')).toBe('12 \\text{ and } 13');
    expect(stripUnits('2 pi')).toBe('2 pi');
  });
});

import { latexEquals, MAX_LATEX_CHARS } from '../../../src/answer/latex-engine';

const options = { timeoutMs: 1000 };

describe('latexEquals', () => {
  it('proves symbolic identities in free variables', () => {
    expect(latexEquals('x^2+2x+1', '(x+1)^2', options)).toBe(true);
    expect(latexEquals('\\tan^2(y)+1', '\\sec^2(y)', options)).toBe(true);
  });

  it('compares exact values, including big integers', () => {
    expect(latexEquals('\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt{2}}', options)).toBe(true);
    expect(latexEquals('2^{100}', '2^{99}\\cdot2', options)).toBe(true);
    expect(latexEquals('\\pi', '\\frac{355}{113}', options)).toBe(false);
  });

  it('applies the relative tolerance only when a side is written with decimals', () => {
    expect(latexEquals('\\frac{1}{\\sqrt{2}}', '0.7071068', options)).toBe(true);
    expect(latexEquals('\\pi', '3.14', options)).toBe(false);
  });

  it('returns false for parse errors instead of throwing', () => {
    expect(latexEquals('\\frac{1}{', '1', options)).toBe(false);
  });

  it('refuses inputs whose exact evaluation could explode or that are too long', () => {
    expect(latexEquals('2^{2^{30}}', '2^{2^{30}}+1', options)).toBe(false);
    expect(latexEquals('1+'.repeat(MAX_LATEX_CHARS) + '1', '1', options)).toBe(false);
  });

  it('gives up when the engine deadline passes', () => {
    expect(latexEquals('\\sum_{k=1}^{10^9} k', '5', { timeoutMs: 20 })).toBe(false);
  });
});

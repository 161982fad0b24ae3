/**
 * Reads the result out of a step's text. The simulator is stateless, so every call re-reads the
 * steps already present in a prompt or PRM input and recognises its own chains by their numbers.
 */

export interface StepReading {
  /** The step's result: the last `\boxed{…}` integer, else the last `= N`, else the last `is N`. */
  value: number | null;
  /** True when the step contains `\boxed` (so it ends a solution), even if the content is not an integer. */
  isBoxed: boolean;
}

function lastBoxedContent(text: string): string | null {
  const at = text.lastIndexOf('\\boxed');
  if (at === -1) return null;
  const open = text.indexOf('{', at);
  if (open === -1) return '';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1);
}

function lastInteger(text: string, pattern: RegExp): number | null {
  let found: number | null = null;
  for (const match of text.matchAll(pattern)) {
    const value = Number(match[1]);
    if (Number.isSafeInteger(value)) found = value;
  }
  return found;
}

export function readStep(text: string): StepReading {
  const boxed = lastBoxedContent(text);
  if (boxed !== null) {
    const trimmed = boxed.trim();
    return { value: /^-?\d+$/.test(trimmed) ? Number(trimmed) : null, isBoxed: true };
  }
  const value =
    lastInteger(text, /=\s*\$?\s*(-?\d+)(?![\d.]\d|\d)/g) ??
    lastInteger(text, /\bis\s+(-?\d+)(?![\d.]\d|\d)/g);
  return { value, isBoxed: false };
}

/** A step looks finished when it ends like a sentence or a display formula. */
export function isStepComplete(text: string): boolean {
  return /[.!?$)\]}]\s*$/.test(text);
}

/** Splits solution text into steps on "\n\n"; empty pieces (extra blank lines) are dropped. */
export function splitSteps(text: string): string[] {
  return text.split('\n\n').filter((step) => step.trim() !== '');
}

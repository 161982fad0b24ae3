import { mathEqual, type MathCompareOptions } from './math-equal';
import { numbersEqual } from './numbers-equal';
import { parseNumber } from './parse-number';

/**
 * Equality of two normalized scalar answers, cheapest test first:
 * 1. identical strings;
 * 2. numerals with a base (`52_8`, `4210_{5}`, `52_{(8)}`) compare as written: the question asked
 *    for that base, so `52_8` ≠ `42` although the engine would call them equal; the same digits
 *    without the subscript are the same answer (`52_8` = `52` = `52.0`, `5A_{16}` = `5a`, as
 *    Math-Verify grades it: the base is the question's, and models often leave it off);
 * 3. word answers (`Evelyn`, `even`, `ellipse`) compare case-insensitively and ignore spaces,
 *    never through the engine, which would read `Evelyn` as a product of six variables;
 * 4. two plain numbers compare exactly, or rounded to `floatRounding` places when one is a decimal;
 * 5. everything else goes to our evaluator (`math-equal.ts`).
 */
export function scalarsEqual(left: string, right: string, options: MathCompareOptions): boolean {
  if (left === right) return true;
  const leftBase = baseNumeral(left);
  const rightBase = baseNumeral(right);
  if (leftBase !== null || rightBase !== null) {
    if (leftBase !== null && rightBase !== null) return leftBase.key === rightBase.key;
    const [based, other] = leftBase !== null ? [leftBase, right] : [rightBase, left];
    if (based === null || options.digitsMatchBase === false) return false;
    if (other.toUpperCase() === based.digits) return true;
    // Decimal digits also match the same number written otherwise (`52.0`, `0052`).
    const digits = /^\d+$/.test(based.digits) ? parseNumber(based.digits) : null;
    const number = digits === null ? null : parseNumber(other);
    return (
      digits !== null && number !== null && numbersEqual(digits, number, options.floatRounding)
    );
  }
  if (isWordAnswer(left) || isWordAnswer(right)) return wordKey(left) === wordKey(right);
  const leftNumber = parseNumber(left);
  const rightNumber = parseNumber(right);
  if (leftNumber !== null && rightNumber !== null) {
    return numbersEqual(leftNumber, rightNumber, options.floatRounding);
  }
  return mathEqual(left, right, options);
}

/**
 * A word answer has a run of three or more letters outside LaTeX macros. Real expressions name
 * variables with one letter (`2k+2`, `p-q`), so a longer run is prose (`\text{Evelyn}` after
 * normalization), which only a string comparison judges correctly.
 */
export function isWordAnswer(text: string): boolean {
  const withoutMacros = text.replace(/\\operatorname\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
  return /[a-zA-Z]{3,}/.test(withoutMacros);
}

/** The case- and space-insensitive form under which word answers are compared. */
export function wordKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

/**
 * `52_8`, `52_{8}` and `52_{(8)}` → digits `52`, key `52_8`; null when the answer is not a
 * numeral with a base.
 */
export function baseNumeral(text: string): { digits: string; key: string } | null {
  const match = /^([0-9][0-9A-Za-z]*)_(?:\{\(?(\d+)\)?\}|(\d+))$/.exec(text);
  if (match === null) return null;
  const digits = (match[1] ?? '').toUpperCase();
  return { digits, key: `${digits}_${match[2] ?? match[3] ?? ''}` };
}

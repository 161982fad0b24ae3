/**
 * Removes unit words that follow an answer (`5 cm`, `10\text{ inches}`, `864\mbox{ inches}^2`,
 * `5.4 \text{ cents}`, `28 percent`), the way Hendrycks' MATH grader drops `\text{ ...}` at the
 * right. Only trailing words are removed, and only when something precedes them, so text answers
 * such as `\text{Evelyn}` and phrases such as `12 \text{ and } 13` survive.
 *
 * Expects single spaces (the caller collapses whitespace runs first).
 */
export function stripUnits(text: string): string {
  let result = text;
  for (let previous = ''; previous !== result;) {
    previous = result;
    result = stripTextMacroUnit(stripPlainUnit(result));
  }
  return result;
}

const POWER = String.raw`(?:\s?\^\s?(?:\{\s?\d\s?\}|\d))?`;
const TEXT_MACRO = String.raw`\\(?:text|textnormal|textrm|textit|textbf|mbox|mathrm)`;
const TEXT_UNIT = new RegExp(
  String.raw`${TEXT_MACRO}\s?\{(\s?)([A-Za-z][A-Za-z ./]*)\}${POWER}\s?$`,
);

function stripTextMacroUnit(text: string): string {
  const match = TEXT_UNIT.exec(text);
  if (match === null) return text;
  const prefix = text.slice(0, match.index).trim();
  const hasLeadingSpace = match[1] === ' ';
  const letters = (match[2] ?? '').replace(/[^A-Za-z]/g, '');
  // `\mathrm{e}` or `\text{i}` is a constant, not a unit; `\text{ m}` (with its space) is metres.
  if (prefix === '' || (!hasLeadingSpace && letters.length < 2)) return text;
  return prefix;
}

const PLAIN_UNIT = new RegExp(String.raw`^(.*?\S)\s([A-Za-z]{2,}(?:\s[A-Za-z]{2,})*)${POWER}$`);
const NOT_UNITS = new Set(['pi', 'sqrt', 'infty', 'infinity', 'inf']);

function stripPlainUnit(text: string): string {
  const match = PLAIN_UNIT.exec(text);
  if (match === null) return text;
  const prefix = match[1] ?? '';
  const words = (match[2] ?? '').toLowerCase().split(' ');
  if (words.some((word) => NOT_UNITS.has(word))) return text;
  // Only after a numeric-looking prefix: macros (`\frac`, `\pi`) are fine, bare letters are not,
  // so `x cm` or `north east` are never cut.
  const withoutMacros = prefix.replace(/\\[a-zA-Z]+/g, '');
  if (/[a-zA-Z]/.test(withoutMacros) || !/\d/.test(withoutMacros)) return text;
  return prefix;
}

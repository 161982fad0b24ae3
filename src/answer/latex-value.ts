/**
 * A cheap numeric fingerprint of a normalized LaTeX scalar: its real value, with every free
 * variable set to a fixed irrational-looking point. Voting uses it only to rule pairs OUT before
 * the expression evaluator sees them (two answers whose values differ clearly cannot be equal), so it
 * must never misread an expression: anything outside the small grammar below, or ambiguous in
 * it, gives null ("unknown"), and unknown answers are always compared.
 *
 * Grammar: decimals, `+ - \cdot \times *`, `/` and `\div` (null when an implicit product follows
 * them in the same term: `1/2x` reads either way), `^` with a braced or one-character exponent,
 * `\frac{}{}`, `\sqrt{}` and `\sqrt[n]{}`, `\pi`, parentheses and braces, implicit products, and
 * one-letter variables other than those an evaluator may read as constants or functions (e, i, E,
 * I, D, N). A letter directly before `(` may be a function call: null.
 */
export function latexValue(text: string): number | null {
  if (text.length === 0 || text.length > MAX_CHARS) return null;
  const parser = new ValueParser(text);
  const value = parser.parseWhole();
  return value !== null && Number.isFinite(value) ? value : null;
}

const MAX_CHARS = 300;
const MAX_DEPTH = 40;
const RESERVED_LETTERS = new Set(['e', 'i', 'E', 'I', 'D', 'N']);

/** The point at which variables are evaluated: distinct per letter, away from simple values. */
export function variableValue(letter: string): number {
  return Math.SQRT2 * (1 + letter.charCodeAt(0) / 97) + 0.0173;
}

class Unsupported extends Error {}

class ValueParser {
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseWhole(): number | null {
    try {
      const value = this.expression();
      this.skipSpaces();
      return this.position === this.text.length ? value : null;
    } catch (error) {
      if (error instanceof Unsupported) return null;
      throw error;
    }
  }

  private expression(): number {
    this.enter();
    let value = this.term();
    for (;;) {
      this.skipSpaces();
      const char = this.text[this.position];
      if (char !== '+' && char !== '-') break;
      this.position += 1;
      const right = this.term();
      value = char === '+' ? value + right : value - right;
    }
    this.depth -= 1;
    return value;
  }

  private term(): number {
    let value = this.unary();
    let hasDivided = false;
    for (;;) {
      this.skipSpaces();
      if (this.take('\\cdot') || this.take('\\times') || this.take('*')) {
        value *= this.unary();
      } else if (this.take('\\div') || this.take('/')) {
        value /= this.unary();
        hasDivided = true;
      } else if (this.startsAtom()) {
        if (hasDivided) throw new Unsupported();
        value *= this.power();
      } else {
        return value;
      }
    }
  }

  private unary(): number {
    this.skipSpaces();
    if (this.take('-')) return -this.unary();
    if (this.take('+')) return this.unary();
    return this.power();
  }

  private power(): number {
    const base = this.atom();
    this.skipSpaces();
    if (!this.take('^')) return base;
    this.skipSpaces();
    const exponent = this.text[this.position] === '{' ? this.braced() : this.singleCharacter();
    return base ** exponent;
  }

  private atom(): number {
    this.skipSpaces();
    const char = this.text[this.position] ?? '';
    if (/[0-9.]/.test(char)) return this.number();
    if (char === '(') return this.delimited('(', ')');
    if (char === '{') return this.braced();
    if (this.take('\\frac')) {
      const numerator = this.braced();
      return numerator / this.braced();
    }
    if (this.take('\\sqrt')) {
      this.skipSpaces();
      const index = this.text[this.position] === '[' ? this.delimited('[', ']') : 2;
      const radicand = this.braced();
      if (radicand < 0 || !Number.isInteger(index) || index < 2) throw new Unsupported();
      return radicand ** (1 / index);
    }
    if (this.take('\\pi') && !/[a-zA-Z]/.test(this.text[this.position] ?? '')) return Math.PI;
    if (/[a-zA-Z]/.test(char) && !RESERVED_LETTERS.has(char)) {
      this.position += 1;
      if (this.text[this.position] === '(') throw new Unsupported();
      return variableValue(char);
    }
    throw new Unsupported();
  }

  private number(): number {
    const match = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(this.text.slice(this.position));
    if (match === null) throw new Unsupported();
    this.position += match[0].length;
    return Number(match[0]);
  }

  private singleCharacter(): number {
    const char = this.text[this.position] ?? '';
    if (/[0-9]/.test(char)) {
      this.position += 1;
      return Number(char);
    }
    return this.atom();
  }

  private braced(): number {
    this.skipSpaces();
    return this.delimited('{', '}');
  }

  private delimited(open: string, close: string): number {
    if (!this.take(open)) throw new Unsupported();
    const value = this.expression();
    this.skipSpaces();
    if (!this.take(close)) throw new Unsupported();
    return value;
  }

  private startsAtom(): boolean {
    const rest = this.text.slice(this.position, this.position + 6);
    if (/^[0-9.({a-zA-Z]/.test(rest)) return true;
    return rest.startsWith('\\frac') || rest.startsWith('\\sqrt') || rest.startsWith('\\pi');
  }

  private take(token: string): boolean {
    if (!this.text.startsWith(token, this.position)) return false;
    // `\pi` must not swallow `\pix`-like macros; other tokens are symbols or known macros.
    this.position += token.length;
    return true;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position += 1;
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw new Unsupported();
  }
}

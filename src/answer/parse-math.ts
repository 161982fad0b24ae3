/**
 * A parser for the LaTeX subset that final answers use (numbers, arithmetic, powers, roots,
 * fractions, binomials, factorials, absolute values, floor/ceil, trigonometric, hyperbolic and
 * logarithmic functions, constants, variables with subscripts), into a small expression tree that
 * `evaluate-math.ts` evaluates. Anything outside the subset throws {@link MathSyntaxError}: the
 * caller then falls back to comparing strings. See docs/answers.md ("The evaluator").
 *
 * Work is linear in the input, and the input is bounded by the caller (`MAX_MATH_CHARS`).
 */
export type MathNode =
  | { kind: 'number'; value: number; digits: string; isDecimal: boolean }
  | { kind: 'symbol'; name: string }
  | { kind: 'constant'; name: 'pi' | 'e' | 'i' | 'infinity' }
  | { kind: 'add'; terms: MathNode[] }
  | { kind: 'negate'; operand: MathNode }
  | { kind: 'multiply'; factors: MathNode[] }
  | { kind: 'divide'; numerator: MathNode; denominator: MathNode }
  | { kind: 'power'; base: MathNode; exponent: MathNode }
  | { kind: 'call'; name: string; args: MathNode[] };

export class MathSyntaxError extends Error {
  override readonly name = 'MathSyntaxError';
}

export const MAX_MATH_CHARS = 400;

/** Parses one scalar expression; throws {@link MathSyntaxError} outside the subset. */
export function parseMath(latex: string): MathNode {
  if (latex.length > MAX_MATH_CHARS) throw new MathSyntaxError('too long');
  const parser = new Parser(tokenize(latex));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

type Token =
  { type: 'number'; text: string } | { type: 'letter' | 'command' | 'char'; text: string };

const FUNCTIONS = new Set([
  'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh',
  'tanh', 'ln', 'log', 'exp',
]); // prettier-ignore
const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta',
  'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi',
  'chi', 'psi', 'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Sigma', 'Phi', 'Psi', 'Omega',
]); // prettier-ignore
/** Commands that carry no value: layout that normalization may have left behind. */
const IGNORED = new Set([
  'left',
  'right',
  'displaystyle',
  ',',
  ';',
  ':',
  '!',
  ' ',
  'quad',
  'qquad',
]);

function tokenize(latex: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < latex.length) {
    const char = latex[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const rest = latex.slice(index);
    const number = /^(?:\d+(?:\.\d+)?|\.\d+)/.exec(rest);
    if (number !== null) {
      tokens.push({ type: 'number', text: number[0] });
      index += number[0].length;
      continue;
    }
    if (char === '\\') {
      const command = /^\\(?:[a-zA-Z]+|.)/.exec(rest)?.[0] ?? '\\';
      const name = command.slice(1);
      if (!IGNORED.has(name)) tokens.push({ type: 'command', text: name });
      index += command.length;
      continue;
    }
    tokens.push({ type: /[a-zA-Z]/.test(char) ? 'letter' : 'char', text: char });
    index += 1;
  }
  return tokens;
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  expectEnd(): void {
    if (this.position < this.tokens.length) throw new MathSyntaxError('trailing input');
  }

  expression(): MathNode {
    const terms: MathNode[] = [this.term()];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (!isChar(token, '+') && !isChar(token, '-')) break;
      this.position += 1;
      const term = this.term();
      terms.push(token.text === '-' ? { kind: 'negate', operand: term } : term);
    }
    return terms.length === 1 ? (terms[0] as MathNode) : { kind: 'add', terms };
  }

  private term(): MathNode {
    let node = this.unary();
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (isChar(token, '*') || isCommand(token, 'cdot') || isCommand(token, 'times')) {
        this.position += 1;
        node = multiply(node, this.unary());
      } else if (isChar(token, '/') || isCommand(token, 'div') || isChar(token, ':')) {
        this.position += 1;
        node = { kind: 'divide', numerator: node, denominator: this.unary() };
      } else if (this.startsFactor(token)) {
        node = multiply(node, this.power());
      } else break;
    }
    return node;
  }

  private unary(): MathNode {
    const token = this.peek();
    if (token !== undefined && (isChar(token, '-') || isChar(token, '+'))) {
      this.position += 1;
      const operand = this.unary();
      return token.text === '-' ? { kind: 'negate', operand } : operand;
    }
    return this.power();
  }

  private power(): MathNode {
    let base = this.postfix(this.primary());
    while (this.peek()?.text === '^' && this.peek()?.type === 'char') {
      this.position += 1;
      base = { kind: 'power', base, exponent: this.script() };
      base = this.postfix(base);
    }
    return base;
  }

  private postfix(node: MathNode): MathNode {
    let result = node;
    while (isChar(this.peek(), '!')) {
      this.position += 1;
      result = { kind: 'call', name: 'factorial', args: [result] };
    }
    return result;
  }

  /**
   * A superscript, subscript or macro argument: a braced group or one token. A whole number
   * counts as one token (`2^10` is 1024, as models mean it and Math-Verify's grammar reads it).
   */
  private script(): MathNode {
    const token = this.next();
    if (isChar(token, '{')) return this.group('}');
    if (token.type === 'number') return numberNode(token.text);
    if (isChar(token, '-')) return { kind: 'negate', operand: this.script() };
    this.position -= 1;
    return this.primary();
  }

  private primary(): MathNode {
    const token = this.next();
    if (token.type === 'number') return numberNode(token.text);
    if (token.type === 'letter') return this.symbol(token.text);
    if (token.type === 'char') {
      const closer = CLOSERS[token.text];
      if (closer !== undefined) return this.group(closer === '}' ? '}' : [')', ']']);
      if (token.text === '|') return { kind: 'call', name: 'abs', args: [this.group('|')] };
      throw new MathSyntaxError(`unexpected ${token.text}`);
    }
    return this.command(token.text);
  }

  private command(name: string): MathNode {
    if (name === 'pi') return { kind: 'constant', name: 'pi' };
    if (name === 'infty') return { kind: 'constant', name: 'infinity' };
    if (GREEK.has(name)) return this.symbol(`\\${name}`);
    if (name === 'frac') {
      return { kind: 'divide', numerator: this.braced(), denominator: this.braced() };
    }
    if (name === 'binom')
      return { kind: 'call', name: 'binom', args: [this.braced(), this.braced()] };
    if (name === 'sqrt') return this.root();
    if (name === 'lfloor') return { kind: 'call', name: 'floor', args: [this.group('rfloor')] };
    if (name === 'lceil') return { kind: 'call', name: 'ceil', args: [this.group('rceil')] };
    if (name === 'operatorname') return this.functionCall(this.word());
    if (FUNCTIONS.has(name)) return this.functionCall(name);
    throw new MathSyntaxError(`unsupported \\${name}`);
  }

  private root(): MathNode {
    let index: MathNode | null = null;
    if (isChar(this.peek(), '[')) {
      this.position += 1;
      index = this.group(']');
    }
    const radicand = this.script();
    return index === null
      ? { kind: 'call', name: 'sqrt', args: [radicand] }
      : {
          kind: 'power',
          base: radicand,
          exponent: { kind: 'divide', numerator: numberNode('1'), denominator: index },
        };
  }

  /** `\sin^2 x`, `\log_2 8`, `\ln(x)`, `\sin 2x`: optional power and base, then the argument. */
  private functionCall(name: string): MathNode {
    let exponent: MathNode | null = null;
    let base: MathNode | null = null;
    for (
      let token = this.peek();
      token?.type === 'char' && (token.text === '^' || token.text === '_');
      token = this.peek()
    ) {
      this.position += 1;
      if (token.text === '^') exponent = this.script();
      else base = this.script();
    }
    const argument = isChar(this.peek(), '(')
      ? this.postfix(this.primary())
      : this.implicitArgument();
    const call: MathNode =
      base === null
        ? { kind: 'call', name, args: [argument] }
        : {
            kind: 'divide',
            numerator: { kind: 'call', name: 'ln', args: [argument] },
            denominator: { kind: 'call', name: 'ln', args: [base] },
          };
    return exponent === null ? call : { kind: 'power', base: call, exponent };
  }

  /** The argument of `\sin 2x`: factors multiplied without an operator, up to `+`, `-` or `\cdot`. */
  private implicitArgument(): MathNode {
    let node = this.power();
    for (
      let token = this.peek();
      token !== undefined && this.startsFactor(token);
      token = this.peek()
    ) {
      if (token.type === 'command' && FUNCTIONS.has(token.text)) break;
      node = multiply(node, this.power());
    }
    return node;
  }

  private symbol(letter: string): MathNode {
    if (letter === 'e' && !isChar(this.peek(), '_')) return { kind: 'constant', name: 'e' };
    if (letter === 'i' && !isChar(this.peek(), '_')) return { kind: 'constant', name: 'i' };
    let name = letter;
    if (isChar(this.peek(), '_')) {
      this.position += 1;
      name += `_${this.subscriptText()}`;
    }
    while (isChar(this.peek(), "'")) {
      this.position += 1;
      name += "'";
    }
    return { kind: 'symbol', name };
  }

  private subscriptText(): string {
    const token = this.next();
    if (!isChar(token, '{')) return token.text;
    let text = '';
    for (let inner = this.next(); !isChar(inner, '}'); inner = this.next()) text += inner.text;
    return text;
  }

  private word(): string {
    if (!isChar(this.next(), '{')) throw new MathSyntaxError('expected {');
    let text = '';
    for (let inner = this.next(); !isChar(inner, '}'); inner = this.next()) text += inner.text;
    return text;
  }

  private braced(): MathNode {
    return this.script();
  }

  /** Parses an expression up to the closer (a char, a list of chars, or a command name). */
  private group(closer: string | string[]): MathNode {
    const node = this.expression();
    const token = this.next();
    const closers = Array.isArray(closer) ? closer : [closer];
    if (!closers.includes(token.text))
      throw new MathSyntaxError(`expected ${closers.join(' or ')}`);
    return node;
  }

  private startsFactor(token: Token): boolean {
    if (token.type === 'number' || token.type === 'letter') return true;
    if (token.type === 'char')
      return token.text === '(' || token.text === '{' || token.text === '[';
    return !['cdot', 'times', 'div'].includes(token.text) && !/^r(?:floor|ceil)$/.test(token.text);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (token === undefined) throw new MathSyntaxError('unexpected end');
    this.position += 1;
    return token;
  }
}

function isChar(token: Token | undefined, char: string): boolean {
  return token?.type === 'char' && token.text === char;
}

function isCommand(token: Token, name: string): boolean {
  return token.type === 'command' && token.text === name;
}

function numberNode(digits: string): MathNode {
  return { kind: 'number', value: Number(digits), digits, isDecimal: digits.includes('.') };
}

function multiply(left: MathNode, right: MathNode): MathNode {
  return left.kind === 'multiply'
    ? { kind: 'multiply', factors: [...left.factors, right] }
    : { kind: 'multiply', factors: [left, right] };
}

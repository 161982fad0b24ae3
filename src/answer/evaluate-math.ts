import type { MathNode } from './parse-math';

/** A complex value; real results have `im` 0. */
export interface Complex {
  re: number;
  im: number;
}

/**
 * Evaluates a parsed expression in double-precision complex arithmetic, with values for its free
 * symbols. Cost is one step per node (no loops that depend on values: factorials are capped at
 * 170, beyond which the double overflows anyway), so every call takes microseconds and the same
 * input gives the same output on every machine. Undefined operations give NaN.
 */
export function evaluateMath(node: MathNode, values: ReadonlyMap<string, number>): Complex {
  switch (node.kind) {
    case 'number':
      return real(node.value);
    case 'symbol':
      return real(values.get(node.name) ?? Number.NaN);
    case 'constant':
      return CONSTANTS[node.name];
    case 'add':
      return node.terms.reduce((sum, term) => add(sum, evaluateMath(term, values)), real(0));
    case 'negate': {
      const value = evaluateMath(node.operand, values);
      return { re: -value.re, im: -value.im };
    }
    case 'multiply':
      return node.factors.reduce(
        (product, factor) => multiply(product, evaluateMath(factor, values)),
        real(1),
      );
    case 'divide':
      return divide(evaluateMath(node.numerator, values), evaluateMath(node.denominator, values));
    case 'power':
      return power(evaluateMath(node.base, values), evaluateMath(node.exponent, values));
    case 'call':
      return callFunction(
        node.name,
        node.args.map((arg) => evaluateMath(arg, values)),
      );
  }
}

/** Free symbols of an expression, sorted. */
export function freeSymbols(node: MathNode): string[] {
  const names = new Set<string>();
  const visit = (current: MathNode): void => {
    if (current.kind === 'symbol') names.add(current.name);
    for (const child of children(current)) visit(child);
  };
  visit(node);
  return [...names].sort();
}

/** Number of nodes, for the size bound. */
export function countNodes(node: MathNode): number {
  return 1 + children(node).reduce((sum, child) => sum + countNodes(child), 0);
}

/** Whether the expression contains a decimal literal (`0.5`), which graders treat as rounded. */
export function hasDecimal(node: MathNode): boolean {
  if (node.kind === 'number') return node.isDecimal;
  return children(node).some(hasDecimal);
}

/** A node's operands (none for numbers, symbols and constants). */
export function children(node: MathNode): MathNode[] {
  switch (node.kind) {
    case 'add':
      return node.terms;
    case 'negate':
      return [node.operand];
    case 'multiply':
      return node.factors;
    case 'divide':
      return [node.numerator, node.denominator];
    case 'power':
      return [node.base, node.exponent];
    case 'call':
      return node.args;
    default:
      return [];
  }
}

const CONSTANTS: Record<'pi' | 'e' | 'i' | 'infinity', Complex> = {
  pi: { re: Math.PI, im: 0 },
  e: { re: Math.E, im: 0 },
  i: { re: 0, im: 1 },
  infinity: { re: Number.POSITIVE_INFINITY, im: 0 },
};

function real(value: number): Complex {
  return { re: value, im: 0 };
}

function add(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

function multiply(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return real(a.re * b.re);
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

function divide(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return b.re === 0 ? real(Number.NaN) : real(a.re / b.re);
  const scale = b.re * b.re + b.im * b.im;
  if (scale === 0) return real(Number.NaN);
  return { re: (a.re * b.re + a.im * b.im) / scale, im: (a.im * b.re - a.re * b.im) / scale };
}

function exp(z: Complex): Complex {
  const magnitude = Math.exp(z.re);
  return z.im === 0
    ? real(magnitude)
    : { re: magnitude * Math.cos(z.im), im: magnitude * Math.sin(z.im) };
}

function log(z: Complex): Complex {
  if (z.im === 0 && z.re > 0) return real(Math.log(z.re));
  return { re: Math.log(Math.hypot(z.re, z.im)), im: Math.atan2(z.im, z.re) };
}

function power(base: Complex, exponent: Complex): Complex {
  if (base.im === 0 && exponent.im === 0) {
    const value = base.re ** exponent.re;
    if (!Number.isNaN(value)) return real(value);
  }
  if (base.re === 0 && base.im === 0) return real(exponent.re > 0 ? 0 : Number.NaN);
  if (exponent.im === 0 && Number.isInteger(exponent.re) && Math.abs(exponent.re) <= 64) {
    let result = real(1);
    for (let step = 0; step < Math.abs(exponent.re); step += 1) result = multiply(result, base);
    return exponent.re < 0 ? divide(real(1), result) : result;
  }
  return exp(multiply(exponent, log(base)));
}

function sqrt(z: Complex): Complex {
  if (z.im === 0) return z.re >= 0 ? real(Math.sqrt(z.re)) : { re: 0, im: Math.sqrt(-z.re) };
  return power(z, real(0.5));
}

const I = { re: 0, im: 1 };

function sin(z: Complex): Complex {
  if (z.im === 0) return real(Math.sin(z.re));
  const a = exp(multiply(I, z));
  const b = exp(multiply({ re: 0, im: -1 }, z));
  return divide({ re: a.re - b.re, im: a.im - b.im }, { re: 0, im: 2 });
}

function cos(z: Complex): Complex {
  if (z.im === 0) return real(Math.cos(z.re));
  const a = exp(multiply(I, z));
  const b = exp(multiply({ re: 0, im: -1 }, z));
  return { re: (a.re + b.re) / 2, im: (a.im + b.im) / 2 };
}

/** Real-only functions: a complex argument gives NaN. */
const REAL_FUNCTIONS: Record<string, (x: number) => number> = {
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  floor: Math.floor,
  ceil: Math.ceil,
  factorial,
};

function callFunction(name: string, args: Complex[]): Complex {
  const [x = real(Number.NaN), y = real(Number.NaN)] = args;
  switch (name) {
    case 'sqrt':
      return sqrt(x);
    case 'sin':
      return sin(x);
    case 'cos':
      return cos(x);
    case 'tan':
      return divide(sin(x), cos(x));
    case 'sec':
      return divide(real(1), cos(x));
    case 'csc':
      return divide(real(1), sin(x));
    case 'cot':
      return divide(cos(x), sin(x));
    case 'ln':
      return log(x);
    case 'log':
      return log(x);
    case 'exp':
      return exp(x);
    case 'abs':
      return real(Math.hypot(x.re, x.im));
    case 'binom':
      return x.im === 0 && y.im === 0 ? real(binomial(x.re, y.re)) : real(Number.NaN);
  }
  const realFunction = REAL_FUNCTIONS[name];
  if (realFunction === undefined || x.im !== 0) return real(Number.NaN);
  return real(realFunction(x.re));
}

const MAX_FACTORIAL = 170;

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) return Number.NaN;
  if (n > MAX_FACTORIAL) return Number.POSITIVE_INFINITY;
  let result = 1;
  for (let k = 2; k <= n; k += 1) result *= k;
  return result;
}

function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0 || k > n) return Number.NaN;
  const smaller = Math.min(k, n - k);
  if (smaller > MAX_FACTORIAL) return Number.POSITIVE_INFINITY;
  let result = 1;
  for (let step = 1; step <= smaller; step += 1) result = (result * (n - smaller + step)) / step;
  return Math.round(result);
}

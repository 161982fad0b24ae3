import type { Operation, SimProblem } from './problem-world';

/**
 * Wording of simulated solution steps. Every step states its result as `… = <value>` and the final
 * step also as `\boxed{<value>}`; `parse-step.ts` reads exactly these back. Fillers make a step
 * about 25–80 tokens, like real MATH solutions (RLHFlow data: 47–58 tokens per step).
 */

export type StepStyle = 'plain' | 'llama' | 'deepseek';

/** Uniform draws in [0, 1), one per wording slot; they pick phrases from the pools below. */
export type Wording = readonly number[];
export const WORDING_SLOTS = 6;

export interface StepRenderInput {
  problem: SimProblem;
  style: StepStyle;
  /** 1-based step index. */
  index: number;
  previousValue: number;
  value: number;
  isFinal: boolean;
  wording: Wording;
}

const FIRST_OPENERS = [
  'To solve this problem, we track the number of {noun} one change at a time.',
  "Let's work through the changes to {name}'s {noun} in the order they happen.",
  'First, we identify the starting amount: {name} begins with {start} {noun}.',
  'We start by writing down what we know and then apply each change step by step.',
];
const DEEPSEEK_FIRST_OPENERS = [
  'Okay, so I need to figure out how many {noun} {name} has at the end.',
  "Alright, let me think about this. The problem describes several changes to the {noun}, so I'll go one by one.",
  'Hmm, let me start from the beginning: {name} starts with {start} {noun}.',
];
const LATER_LEADS = ['Next,', 'Then,', 'Now,', 'After that,', 'Moving on,', 'In the next step,'];
const DEEPSEEK_LATER_LEADS = ['Then', 'Alright, next', 'Now', 'Wait, then', 'Okay, so then'];
const FINAL_LEADS = ['Finally,', 'Lastly,', 'For the last change,'];
const COMPUTATIONS: Record<Operation['kind'], readonly string[]> = {
  add: [
    '{name} gets {a} more {noun}, so we add them to the total: {eq}',
    'we add the {a} additional {noun} to the current total of {prev}: {eq}',
    'the count increases by {a}, which gives {eq}',
  ],
  sub: [
    '{name} gives away {a} {noun}, so we subtract them: {eq}',
    'we remove {a} {noun} from the {prev} we had: {eq}',
    'the count decreases by {a}, which gives {eq}',
  ],
  mul: [
    'the number of {noun} is multiplied by {a}: {eq}',
    'the collection grows {a}-fold, so we multiply: {eq}',
    'we scale the current total of {prev} by a factor of {a}: {eq}',
  ],
};
const EQUATIONS = [
  '{lhs} = {v}.',
  '$ {lhs} = {v} $.',
  '\\( {lhs} = {v} \\).',
  '\n\\[\n{lhs} = {v}\n\\]',
];
const REMARKS = [
  'So there are now {v} {noun}.',
  'This gives us a running total of {v}.',
  'We will carry this value forward to the next step.',
  '',
  'Let me double-check this calculation: it indeed gives {v}.',
];
const FILLERS = [
  '',
  'This follows directly from the information given in the problem.',
  '',
  'It is important to apply the changes in exactly the order they happen.',
  'Keeping careful track of the running total helps avoid mistakes later on.',
];
const FINAL_SENTENCES = [
  'Therefore, the final answer is $\\boxed{{v}}$.',
  'So, {name} ends up with {v} {noun}, and the answer is $\\boxed{{v}}$.',
  'Thus, the final answer is \\(\\boxed{{v}}\\).',
];
const LLAMA_TITLES: Record<Operation['kind'], readonly string[]> = {
  add: ['Add the new {noun}', 'Account for the additional {noun}'],
  sub: ['Subtract the {noun} that were given away', 'Remove the {noun} that are gone'],
  mul: ['Multiply the current total', 'Scale the number of {noun}'],
};

/**
 * How every simulator step 1 begins. Formats that glue step 1 to the question ("{question} {step1}")
 * are split only where one of these starts, so a question can never be cut in the wrong place.
 */
export const STEP_ONE_OPENINGS: readonly string[] = [
  ...FIRST_OPENERS,
  ...DEEPSEEK_FIRST_OPENERS,
  '## Step 1: ',
]
  .map((opener) => opener.split('{')[0] ?? opener)
  .filter((opening) => opening.length >= 5);

function choose(pool: readonly string[], draw: number | undefined): string {
  return pool[Math.floor((draw ?? 0) * pool.length)] ?? pool[0] ?? '';
}

function symbol(operation: Operation): string {
  if (operation.kind === 'add') return '+';
  return operation.kind === 'sub' ? '-' : '\\times';
}

function number(value: number): string {
  return value < 0 ? `(${value})` : String(value);
}

// Every template is one of the constant pools above: each is split into literal text (even
// indexes) and slot names (odd) once, instead of running a regex replace per step written.
const templateParts = new Map<string, readonly string[]>();

function partsOf(template: string): readonly string[] {
  let parts = templateParts.get(template);
  if (!parts) {
    const split: string[] = [];
    let last = 0;
    for (const match of template.matchAll(/\{(\w+)\}/g)) {
      split.push(template.slice(last, match.index), match[1] ?? '');
      last = match.index + match[0].length;
    }
    split.push(template.slice(last));
    parts = split;
    templateParts.set(template, parts);
  }
  return parts;
}

/** Fills `{name}` slots from `values`; a slot without a value stays as written. */
function fill(template: string, values: Record<string, string>): string {
  const parts = partsOf(template);
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] ?? '';
    out += (values[name] ?? `{${name}}`) + (parts[i + 1] ?? '');
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Renders one step. Never contains "\n\n": that is the step separator. */
export function renderStep(input: StepRenderInput): string {
  return composeStep(input).replace(/ \n/g, '\n');
}

function composeStep(input: StepRenderInput): string {
  const { problem, style, index, wording } = input;
  const operation = problem.operations[index - 1] ?? { kind: 'add', operand: 1 };
  const values: Record<string, string> = {
    noun: problem.noun,
    name: problem.name,
    start: String(problem.chains[0]?.[0] ?? 0),
    a: String(operation.operand),
    prev: number(input.previousValue),
    v: String(input.value),
  };
  values['lhs'] = `${values['prev']} ${symbol(operation)} ${operation.operand}`;
  values['eq'] = fill(choose(EQUATIONS, wording[2]), values);
  const computation = fill(choose(COMPUTATIONS[operation.kind], wording[1]), values);
  const remark = input.isFinal ? '' : fill(choose(REMARKS, wording[3]), values);
  const filler = input.isFinal ? '' : choose(FILLERS, wording[4]);
  const finalSentence = input.isFinal ? fill(choose(FINAL_SENTENCES, wording[5]), values) : '';

  if (style === 'llama') {
    const title =
      index === 1
        ? 'Start from the initial amount'
        : fill(choose(LLAMA_TITLES[operation.kind], wording[0]), values);
    const stepTitle = input.isFinal ? `Compute the final number of ${problem.noun}` : title;
    const lead = index === 1 ? `Starting from ${values['start']} ${problem.noun}, ` : '';
    const body = [capitalize(`${lead}${computation}`), filler, remark]
      .filter((part) => part !== '')
      .join(' ');
    const ending = input.isFinal
      ? `\nTherefore, the final answer is: $\\boxed{${input.value}}$. I hope it is correct.`
      : '';
    return `## Step ${index}: ${stepTitle}\n${body}${ending}`;
  }

  const firstOpeners = style === 'deepseek' ? DEEPSEEK_FIRST_OPENERS : FIRST_OPENERS;
  const laterLeads = style === 'deepseek' ? DEEPSEEK_LATER_LEADS : LATER_LEADS;
  let opening: string;
  if (index === 1)
    opening = `${fill(choose(firstOpeners, wording[0]), values)} Starting from ${values['start']},`;
  else if (input.isFinal) opening = choose(FINAL_LEADS, wording[0]);
  else opening = choose(laterLeads, wording[0]);
  const body = [`${opening} ${computation}`, filler, remark]
    .filter((part) => part !== '')
    .join(' ');
  if (finalSentence === '') return body;
  // R1-distill models close their thinking before the answer; vLLM's deepseek_r1 reasoning
  // parser splits there (docs/request-scope.md). One newline each side keeps the final step one
  // "\n\n"-delimited step.
  if (style === 'deepseek') return `${body}\n</think>\n${finalSentence}`;
  return `${body} ${finalSentence}`;
}

/** A short ending that completes a step cut off mid-sentence (the generation could not re-derive it). */
export function renderStepCloser(value: number, isFinal: boolean): string {
  return isFinal
    ? `, so the result is ${value}. The final answer is $\\boxed{${value}}$.`
    : `, so the result is ${value}.`;
}

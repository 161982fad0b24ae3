/**
 * The toy model behind every stack fake, and the oracle the conformance suite compares against.
 * It continues a prompt with deterministic steps "Step k: part k of sample s." separated by "\n\n"
 * and ends with "The answer is \boxed{5|6}." then EOS; stop strings and the token cap apply as an
 * engine applies them (earliest stop match; truncation at the cap). Tokens are whitespace-separated
 * words plus one per "\n\n". Each fake wraps these results in its own stack's wire shape.
 */

export interface ToyOutput {
  /** Generated text, INCLUDING the matched stop string (each fake trims it as its stack does). */
  text: string;
  kind: 'stop' | 'eos' | 'length';
  matchedStop: string | null;
  completionTokens: number;
}

const STEPS_PER_SOLUTION = 2;

export function toyTokens(text: string): number {
  const words = text.split(/\s+/).filter((word) => word !== '').length;
  return words + text.split('\n\n').length - 1;
}

export function toyContinue(
  prompt: string,
  sample: number,
  maxTokens: number,
  stops: readonly string[],
): ToyOutput {
  const done = (prompt.match(/Step \d+:/g) ?? []).length;
  const pieces: string[] = [];
  for (let k = done; k < STEPS_PER_SOLUTION; k++)
    pieces.push(`Step ${k + 1}: part ${k + 1} of sample ${sample}.`);
  pieces.push(`The answer is \\boxed{${5 + (sample % 2)}}.`);
  const full = pieces.join('\n\n');

  let text = full;
  let kind: ToyOutput['kind'] = 'eos';
  let matchedStop: string | null = null;
  let earliest = Infinity;
  for (const stop of stops) {
    const at = stop === '' ? -1 : full.indexOf(stop);
    if (at >= 0 && at < earliest) {
      earliest = at;
      matchedStop = stop;
    }
  }
  if (matchedStop !== null) {
    text = full.slice(0, earliest + matchedStop.length);
    kind = 'stop';
  }
  if (maxTokens >= 0 && toyTokens(text) > maxTokens) {
    text = text
      .split(/\s+/)
      .filter((word) => word !== '')
      .slice(0, maxTokens)
      .join(' ');
    kind = 'length';
    matchedStop = null;
  }
  return { text, kind, matchedStop, completionTokens: toyTokens(text) };
}

/** The text with a matched stop string cut off (what a trimming engine returns). */
export function withoutStop(output: ToyOutput): string {
  return output.matchedStop !== null
    ? output.text.slice(0, -output.matchedStop.length)
    : output.text;
}

/** A one-line ChatML rendering the fakes use where a stack renders templates server-side. */
export function toyChatTemplate(messages: readonly { role: string; content: string }[]): string {
  return (
    messages
      .map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`)
      .join('') + '<|im_start|>assistant\n'
  );
}

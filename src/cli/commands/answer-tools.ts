/**
 * `extract` and `grade`: offline post-processing of recorded runs with exactly the code the proxy
 * votes with (a top request in the paper's repo, compute-optimal-tts #10); `vote` lives in
 * `vote-command.ts`.
 */
import { z } from 'zod';
import { extractAnswer, isEquivalent, type IsEquivalentOptions } from '../../answer';

const extractInput = z.strictObject({ text: z.string() });
const gradeInput = z.strictObject({ gold: z.string(), pred: z.string() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `${issue?.path.map(String).join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

export function extractLine(value: unknown): { answer: string | null } {
  const { text } = parse(extractInput, value);
  return { answer: extractAnswer(text) };
}

/**
 * A gold label may be a bare answer or a full solution; a prediction may be a whole response. An
 * anchored answer (box, answer phrase) comes first; then a text that is itself a bare answer
 * (`\frac{14}{3}`, `Evelyn`); then the unanchored targets, so that "so 42 apples" gives `42`
 * rather than the prose; then, for a short line, the text itself ("north east").
 */
function answerOf(text: string): string | null {
  const anchored = extractAnswer(text, { allowLastNumber: false });
  if (anchored !== null) return anchored;
  const trimmed = text.trim();
  const isShortLine = trimmed.length > 0 && trimmed.length <= 64 && !trimmed.includes('\n');
  if (isShortLine && isBareAnswer(trimmed)) return trimmed;
  return extractAnswer(text) ?? (isShortLine ? trimmed : null);
}

/** No math delimiters and at most one word of prose. */
function isBareAnswer(text: string): boolean {
  if (/\$|\\\(|\\\[/.test(text)) return false;
  const words = text
    .replace(/\\[a-zA-Z]+/g, ' ')
    .split(/\s+/)
    .filter((word) => /^[a-zA-Z]{2,}[.,;:!?]?$/.test(word));
  return words.length <= 1;
}

export function gradeLine(
  value: unknown,
  /** Math-Verify's comparison options (`float_rounding`, `strict`, `allow_set_relation_comp`). */
  options: IsEquivalentOptions = {},
): {
  equal: boolean;
  pred_answer: string | null;
  gold_answer: string | null;
} {
  const { gold, pred } = parse(gradeInput, value);
  const goldAnswer = answerOf(gold);
  const predAnswer = answerOf(pred);
  const equal =
    goldAnswer !== null && predAnswer !== null && isEquivalent(goldAnswer, predAnswer, options);
  return { equal, pred_answer: predAnswer, gold_answer: goldAnswer };
}

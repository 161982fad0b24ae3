/**
 * `extract`, `grade` and `vote` as commands: one JSON line in, one JSON line out, from stdin or
 * --file. The per-line work is in ./answer-tools.ts.
 */
import { mapJsonLines, openInput } from '../jsonl';
import { ConfigError } from '../../errors';
import { DEFAULT_FLOAT_ROUNDING, type IsEquivalentOptions } from '../../answer';
import { numberFlag, stringFlag, type CommandSpec, type FlagSpec, type ParsedArgs } from '../args';
import { extractLine, gradeLine } from './answer-tools';
import { createVoteLine, parseSquash } from './vote-command';

const FILE_FLAG: FlagSpec = {
  name: 'file',
  kind: 'string',
  placeholder: 'F',
  description: 'read JSON lines from F instead of stdin',
};

const SHARED = `Reads one JSON object a line and writes one result line for each, in order; a bad
line gets {"error"} and the exit code is 1.`;

export const EXTRACT_COMMAND: CommandSpec = {
  name: 'extract',
  summary: 'Extract the final answer: JSON lines {"text"} -> {"answer"}.',
  usage: '[--file F]',
  description: SHARED,
  flags: [FILE_FLAG],
};

export const GRADE_COMMAND: CommandSpec = {
  name: 'grade',
  summary:
    'Grade with Math-Verify-style equivalence: {"gold","pred"} -> {"equal","pred_answer","gold_answer"}.',
  usage: '[--file F] [--float-rounding N] [--no-strict] [--allow-set-relation]',
  description: `${SHARED}
The options are Math-Verify's, with its defaults (docs/answers.md).`,
  flags: [
    FILE_FLAG,
    {
      name: 'float-rounding',
      kind: 'integer',
      placeholder: 'N',
      description: `decimal places both sides are rounded to when one is a decimal (float_rounding,\ndefault ${DEFAULT_FLOAT_ROUNDING})`,
    },
    {
      name: 'no-strict',
      kind: 'boolean',
      description: 'variables match by position, so x+1 equals y+1 (strict=False)',
    },
    {
      name: 'allow-set-relation',
      kind: 'boolean',
      description:
        'a predicted relation also equals a gold set or interval (allow_set_relation_comp=True)',
    },
  ],
};

/** `grade`'s comparison options from its flags. */
export function gradeOptions(args: ParsedArgs): IsEquivalentOptions {
  const floatRounding = numberFlag(args, 'float-rounding', DEFAULT_FLOAT_ROUNDING);
  if (floatRounding < 0 || floatRounding > 15)
    throw new ConfigError('', `--float-rounding expects 0 to 15 places, got ${floatRounding}`);
  return {
    floatRounding,
    strict: args.flags.get('no-strict') !== true,
    allowSetRelationComparison: args.flags.get('allow-set-relation') === true,
  };
}

export const VOTE_COMMAND: CommandSpec = {
  name: 'vote',
  summary:
    'Vote like the proxy: {"candidates":[{"text","step_scores"|"score"}]} -> {"answers":{majority, prm_min_max, ...}}.',
  usage: '[--file F] [--squash none|sigmoid]',
  description: `${SHARED}
Scores: any finite number (probabilities or raw reward logits); null or absent = no score.`,
  flags: [
    FILE_FLAG,
    {
      name: 'squash',
      kind: 'string',
      placeholder: 'none|sigmoid',
      description:
        'PRM-Vote weights: none (sum the scores as recorded, default) or sigmoid (for raw logits);\nPRM-Max is unchanged by any squash',
    },
  ],
};

async function jsonLines(args: ParsedArgs, handle: (value: unknown) => unknown): Promise<void> {
  const { errors } = await mapJsonLines(
    openInput(stringFlag(args, 'file')),
    process.stdout,
    handle,
  );
  if (errors > 0) process.exitCode = 1;
}

export const extractCommand = (args: ParsedArgs): Promise<void> => jsonLines(args, extractLine);
export const gradeCommand = (args: ParsedArgs): Promise<void> => {
  const options = gradeOptions(args);
  return jsonLines(args, (value) => gradeLine(value, options));
};
export const voteCommand = (args: ParsedArgs): Promise<void> =>
  jsonLines(args, createVoteLine({ squash: parseSquash(stringFlag(args, 'squash')) }));

/**
 * `extract`, `grade` and `vote` as commands: one JSON line in, one JSON line out, from stdin or
 * --file. The per-line work is in ./answer-tools.ts.
 */
import { mapJsonLines, openInput } from '../jsonl';
import { stringFlag, type CommandSpec, type FlagSpec, type ParsedArgs } from '../args';
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
  usage: '[--file F]',
  description: SHARED,
  flags: [FILE_FLAG],
};

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
export const gradeCommand = (args: ParsedArgs): Promise<void> => jsonLines(args, gradeLine);
export const voteCommand = (args: ParsedArgs): Promise<void> =>
  jsonLines(args, createVoteLine({ squash: parseSquash(stringFlag(args, 'squash')) }));

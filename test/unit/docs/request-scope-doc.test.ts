/** docs/request-scope.md quotes the answer-format instructions exactly: check them against the code. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LLAMA_MATH_SYSTEM_PROMPT, QWEN_MATH_SYSTEM_PROMPT } from '../../../src/prompt';

const DOC = readFileSync(path.resolve(__dirname, '../../../docs/request-scope.md'), 'utf8');

function textBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```text\n([\s\S]*?)\n\s*```/g)].map((match) => match[1] ?? '');
}

describe('docs/request-scope.md', () => {
  it.each([
    ['qwen / deepseek', QWEN_MATH_SYSTEM_PROMPT],
    ['llama-3', LLAMA_MATH_SYSTEM_PROMPT],
  ])('quotes the %s instruction exactly', (_family, instruction) => {
    expect(textBlocks(DOC)).toContain(instruction);
  });
});

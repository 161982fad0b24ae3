import { InvalidUpstreamResponseError } from '../../../src/errors';
import { parsePromptLogprobs } from '../../../src/prm/parse-raw-output';

const context = { stepCount: 1, upstream: 'prm', tokenIds: [1, 2, 3] };
const entry = (logprobs: Record<string, number>): Record<string, { logprob: number }> =>
  Object.fromEntries(Object.entries(logprobs).map(([id, logprob]) => [id, { logprob }]));

describe('parsePromptLogprobs', () => {
  it('reads an entry as token id -> logprob where it is asked, null at the first position', () => {
    const entries = parsePromptLogprobs(
      [null, entry({ 10: -0.1, 12: -2.5 }), entry({ 7: 0 })],
      context,
    );
    expect(entries.length).toBe(3);
    expect(entries.at(0)).toBeNull();
    expect(entries.at(1)).toEqual(
      new Map([
        [10, -0.1],
        [12, -2.5],
      ]),
    );
    expect(entries.at(3)).toBeUndefined();
    expect(entries.at(-1)).toBeUndefined();
  });

  it('refuses a list that is not one entry per prompt token, or not a list', () => {
    expect(() => parsePromptLogprobs([null, null], context)).toThrow(
      /2 prompt_logprobs entries for 3/,
    );
    expect(() => parsePromptLogprobs({ data: [] }, context)).toThrow(InvalidUpstreamResponseError);
    expect(() => parsePromptLogprobs(null, context)).toThrow(InvalidUpstreamResponseError);
  });

  it('refuses a malformed entry when it is read, naming its position', () => {
    const entries = parsePromptLogprobs([null, { 10: { logprob: 'high' } }, [Number.NaN]], context);
    expect(() => entries.at(1)).toThrow(/entry 1/);
    expect(() => entries.at(2)).toThrow(InvalidUpstreamResponseError);
  });
});

import { z } from 'zod';
import { InvalidUpstreamResponseError } from '../../../../src/errors';
import {
  expectContinuationCount,
  parseUpstreamBody,
} from '../../../../src/upstream/transport/parse-upstream-body';

describe('parseUpstreamBody', () => {
  const schema = z.looseObject({ text: z.string() });

  it('returns the parsed body', () => {
    expect(parseUpstreamBody(schema, { text: 'a', extra: 1 }, 'policy', '/x')).toEqual({
      text: 'a',
      extra: 1,
    });
  });

  it('throws InvalidUpstreamResponseError naming the upstream and the route', () => {
    expect(() => parseUpstreamBody(schema, { text: 3 }, 'policy', '/generate')).toThrow(
      InvalidUpstreamResponseError,
    );
    expect(() => parseUpstreamBody(schema, { text: 3 }, 'policy', '/generate')).toThrow(
      /upstream 'policy' returned an invalid response: \/generate/,
    );
  });
});

describe('expectContinuationCount', () => {
  it('accepts the expected count and rejects any other', () => {
    expect(() => expectContinuationCount('policy', '/x', 4, 4)).not.toThrow();
    expect(() => expectContinuationCount('policy', '/x', 4, 3)).toThrow(
      /expected 4 continuations, got 3/,
    );
  });
});

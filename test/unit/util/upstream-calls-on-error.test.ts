import { addUpstreamCallsTo, takeUpstreamCallsFrom } from '../../../src/util';

describe('upstream calls carried by an error', () => {
  it('gives each taker what was added since it last took: concurrent failures add up, nested layers each count', () => {
    const error = new Error('aborted');
    const inner = {};
    const outer = {};
    expect(takeUpstreamCallsFrom(error, inner)).toBeUndefined();
    addUpstreamCallsTo(error, 2);
    addUpstreamCallsTo(error, 1);
    expect(takeUpstreamCallsFrom(error, inner)).toBe(3);
    expect(takeUpstreamCallsFrom(error, inner)).toBe(0);
    expect(takeUpstreamCallsFrom(error, outer)).toBe(3);
    addUpstreamCallsTo(error, 4);
    expect([takeUpstreamCallsFrom(error, inner), takeUpstreamCallsFrom(error, outer)]).toEqual([
      4, 4,
    ]);
  });

  it('says 0 (not nothing) for a failure before any call, and ignores primitives', () => {
    const error = new Error('bad input');
    addUpstreamCallsTo(error, 0);
    expect(takeUpstreamCallsFrom(error, {})).toBe(0);
    addUpstreamCallsTo('text', 2);
    expect(takeUpstreamCallsFrom('text', {})).toBeUndefined();
  });
});

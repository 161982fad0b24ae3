import { addUpstreamCallsTo, takeUpstreamCallsFrom } from '../../../src/util';

describe('upstream calls carried by an error', () => {
  it('adds what each failure made and hands each count out once', () => {
    const error = new Error('down');
    expect(takeUpstreamCallsFrom(error)).toBeUndefined();
    addUpstreamCallsTo(error, 2);
    addUpstreamCallsTo(error, 1);
    expect(takeUpstreamCallsFrom(error)).toBe(3);
    expect(takeUpstreamCallsFrom(error)).toBe(0);
  });

  it('says 0 (not nothing) for a failure before any call, and ignores primitives', () => {
    const error = new Error('bad input');
    addUpstreamCallsTo(error, 0);
    expect(takeUpstreamCallsFrom(error)).toBe(0);
    addUpstreamCallsTo('text', 2);
    expect(takeUpstreamCallsFrom('text')).toBeUndefined();
  });
});

import { wilsonInterval } from '../../../src/eval';

describe('wilsonInterval', () => {
  it("matches Newcombe's (1998) worked example 81/263 = [0.2553, 0.3662]", () => {
    const interval = wilsonInterval(81, 263);
    expect(interval?.low).toBeCloseTo(0.2553, 4);
    expect(interval?.high).toBeCloseTo(0.3662, 4);
  });
  it('gives 7/20 = [0.1812, 0.5671]', () => {
    const interval = wilsonInterval(7, 20);
    expect(interval?.low).toBeCloseTo(0.18119, 5);
    expect(interval?.high).toBeCloseTo(0.56715, 5);
  });
  it('stays inside [0, 1] with a non-zero width at 0/n and n/n', () => {
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.27753, 5) as number });
    const all = wilsonInterval(10, 10);
    expect(all?.low).toBeCloseTo(0.72247, 5);
    expect(all?.high).toBeLessThanOrEqual(1);
  });
  it('is null without trials and rejects impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

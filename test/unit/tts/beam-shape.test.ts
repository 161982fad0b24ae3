import fc from 'fast-check';
import { beamShape } from '../../../src/tts/beam-shape';

describe('beamShape', () => {
  it('splits N into N/M beams of width M', () => {
    expect(beamShape({ n: 16, m: 4 })).toEqual({ width: 4, count: 4 });
    expect(beamShape({ n: 256, m: 4 })).toEqual({ width: 4, count: 64 });
  });

  it('rounds N/M down and caps the width at N', () => {
    expect(beamShape({ n: 6, m: 4 })).toEqual({ width: 4, count: 1 });
    expect(beamShape({ n: 2, m: 4 })).toEqual({ width: 2, count: 1 });
    expect(beamShape({ n: 1, m: 4 })).toEqual({ width: 1, count: 1 });
  });

  it('never asks for more than N continuations per round', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: 64 }), (n, m) => {
        const { width, count } = beamShape({ n, m });
        return count >= 1 && width >= 1 && width * count <= n;
      }),
    );
  });
});

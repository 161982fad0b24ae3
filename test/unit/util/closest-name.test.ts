import { closestName } from '../../../src/util';

describe('closestName', () => {
  it('suggests the known name a typo away', () => {
    expect(closestName('prot', ['port', 'config'])).toBe('port');
    expect(closestName('LOG_LEVLE', ['log_level', 'host'])).toBe('log_level');
  });

  it('suggests nothing when no name is close or two tie', () => {
    expect(closestName('verbose', ['port', 'config'])).toBeUndefined();
    expect(closestName('ab', ['aa', 'bb'])).toBeUndefined();
  });
});

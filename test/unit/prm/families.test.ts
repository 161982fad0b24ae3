import { getPrmFamily, isPrmFamilyName, PRM_FAMILY_NAMES } from '../../../src/prm';

describe('getPrmFamily', () => {
  it.each(PRM_FAMILY_NAMES)('returns the %s family under its own name', (name) => {
    const family = getPrmFamily(name);
    expect(family.name).toBe(name);
    expect(family.specialTokens.length).toBeGreaterThan(0);
    family.specialTokens.forEach((token) => {
      expect(Number.isInteger(token.id)).toBe(true);
      expect(token.why).not.toBe('');
    });
  });

  it.each(PRM_FAMILY_NAMES)(
    'lists the %s step marker among the tokens verified at startup',
    (name) => {
      const { stepMarker, specialTokens } = getPrmFamily(name);
      if (stepMarker === null) return;
      expect(specialTokens).toContainEqual(
        expect.objectContaining({ text: stepMarker.text, id: stepMarker.tokenId }),
      );
    },
  );
});

describe('isPrmFamilyName', () => {
  it('accepts the known names only', () => {
    expect(isPrmFamilyName('rlhflow')).toBe(true);
    expect(isPrmFamilyName('RLHFlow')).toBe(false);
    expect(isPrmFamilyName('')).toBe(false);
  });
});

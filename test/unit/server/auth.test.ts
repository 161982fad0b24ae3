import { createApiKeyCheck } from '../../../src/server/auth';
import { AuthenticationError } from '../../../src/errors';

describe('createApiKeyCheck', () => {
  it('is disabled without keys', () => {
    expect(createApiKeyCheck([])).toBeNull();
  });

  it('accepts any configured key and rejects others without echoing them', () => {
    const check = createApiKeyCheck(['k1', 'another-key']);
    expect(check).not.toBeNull();
    expect(() => check?.('Bearer k1')).not.toThrow();
    expect(() => check?.('bearer another-key')).not.toThrow();
    expect(() => check?.(undefined)).toThrow(AuthenticationError);
    expect(() => check?.('Bearer nope')).toThrow(AuthenticationError);
    try {
      check?.('Bearer leaked-candidate');
    } catch (error) {
      expect((error as Error).message).not.toContain('leaked-candidate');
    }
  });
});

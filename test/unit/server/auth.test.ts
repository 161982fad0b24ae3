import { createApiKeyCheck, type ApiKeyPolicy } from '../../../src/server/auth';
import { AuthenticationError } from '../../../src/errors';

const key = (name: string, text: string, limits: Partial<ApiKeyPolicy> = {}): ApiKeyPolicy => ({
  name,
  key: text,
  maxBudget: null,
  requestsPerMinute: null,
  ...limits,
});

describe('createApiKeyCheck', () => {
  it('is disabled without keys', () => {
    expect(createApiKeyCheck([])).toBeNull();
  });

  it('accepts any configured key and rejects others without echoing them', () => {
    const check = createApiKeyCheck([key('a', 'k1'), key('b', 'another-key')]);
    expect(check).not.toBeNull();
    expect(() => check?.('Bearer k1')).not.toThrow();
    expect(() => check?.('bearer another-key')).not.toThrow();
    expect(() => check?.(undefined)).toThrow(AuthenticationError);
    expect(() => check?.('Bearer nope')).toThrow(AuthenticationError);
    expect(() => check?.('Basic k1')).toThrow(AuthenticationError);
    try {
      check?.('Bearer leaked-candidate');
    } catch (error) {
      expect((error as Error).message).not.toContain('leaked-candidate');
    }
  });

  it('returns the matching key with its limits, never the key text', () => {
    const check = createApiKeyCheck([
      key('free', 'k-free', { maxBudget: 4, requestsPerMinute: 10 }),
      key('team', 'k-team'),
    ]);
    const free = check?.('Bearer k-free');
    expect(free).toEqual({ name: 'free', maxBudget: 4, requestsPerMinute: 10 });
    expect(JSON.stringify(free)).not.toContain('k-free');
    expect(check?.('Bearer   k-team  ')).toEqual({
      name: 'team',
      maxBudget: null,
      requestsPerMinute: null,
    });
  });
});

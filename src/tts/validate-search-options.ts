import { InvalidRequestError } from '../errors';
import type { SearchOptions } from './search-types';

const POSITIVE_INTEGER_FIELDS = [
  'n',
  'm',
  'maxTokensPerStep',
  'maxTotalTokens',
  'maxDepth',
] as const;

/**
 * Reject options no method can run with, before any upstream call. The pipeline validates the
 * request first; this guards the methods' own invariants (integer budgets, non-empty caps).
 *
 * @throws InvalidRequestError naming the offending field.
 */
export function validateSearchOptions(options: SearchOptions): void {
  for (const field of POSITIVE_INTEGER_FIELDS) {
    const value = options[field];
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidRequestError(
        `${field} must be a positive integer, got ${String(value)}`,
        field,
      );
    }
  }
  if (!Number.isFinite(options.temperature) || options.temperature < 0) {
    throw new InvalidRequestError(
      `temperature must be >= 0, got ${String(options.temperature)}`,
      'temperature',
    );
  }
  if (!Number.isFinite(options.topP) || options.topP <= 0 || options.topP > 1) {
    throw new InvalidRequestError(`topP must be in (0, 1], got ${String(options.topP)}`, 'topP');
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new InvalidRequestError(`seed must be an integer, got ${String(options.seed)}`, 'seed');
  }
}

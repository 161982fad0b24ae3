import { InvalidUpstreamResponseError } from '../errors';

/** Rounding slack for probabilities computed in bf16/fp16 on the server. */
const PROBABILITY_SLACK = 1e-6;

/** Logistic function, written so that large |x| neither overflows nor loses precision. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * P(plus) / (P(plus) + P(minus)) from two log-probabilities of the same distribution: the
 * softmax over the two label tokens. The log-normaliser cancels, so top-k logprobs suffice.
 */
export function twoWayProbability(logprobPlus: number, logprobMinus: number): number {
  return sigmoid(logprobPlus - logprobMinus);
}

/**
 * A server value as a probability, rounding slack clamped into [0, 1]; null when it is not finite
 * or clearly outside [0, 1]. The check without an error message, for loops over many values.
 */
export function asProbability(value: number): number | null {
  if (!Number.isFinite(value) || value < -PROBABILITY_SLACK || value > 1 + PROBABILITY_SLACK)
    return null;
  return Math.min(1, Math.max(0, value));
}

/**
 * Check that a server value is a probability; clamp rounding slack into [0, 1].
 * @throws InvalidUpstreamResponseError when it is not finite or clearly outside [0, 1].
 */
export function checkProbability(value: number, upstream: string, what: string): number {
  const probability = asProbability(value);
  if (probability === null) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `${what} is ${value}, not a probability in [0, 1]`,
    );
  }
  return probability;
}

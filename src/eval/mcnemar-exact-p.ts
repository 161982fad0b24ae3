/**
 * The exact (binomial) McNemar test for paired binary outcomes: two arms graded on the same
 * problems. Only discordant pairs carry information; under the null hypothesis each is equally
 * likely to favour either arm, so `wins ~ Binomial(wins + losses, 1/2)`. Returns the two-sided
 * p-value `min(1, 2 · P[X ≤ min(wins, losses)])`; 1 when there are no discordant pairs.
 *
 * The exact form, not the chi-square approximation, because eval runs are often a few dozen
 * problems with a handful of discordant pairs, where the approximation is poor.
 */
export function mcnemarExactP(wins: number, losses: number): number {
  if (!Number.isInteger(wins) || !Number.isInteger(losses) || wins < 0 || losses < 0) {
    throw new RangeError(
      `wins and losses must be non-negative integers, got ${wins} and ${losses}`,
    );
  }
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  // Sum C(n, i) / 2^n in log space so large n neither overflows nor underflows to 0 too early.
  const logHalfPower = -n * Math.LN2;
  let logBinomial = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logBinomial += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logBinomial + logHalfPower);
  }
  return Math.min(1, 2 * tail);
}

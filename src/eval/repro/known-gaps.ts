/**
 * Findings the simulated world does not reproduce yet, with why. The reproduction test requires
 * every other finding to pass; a gap that starts passing is reported, not failed.
 */
import type { FindingId } from './paper-targets';

export const KNOWN_GAPS: Partial<Record<FindingId, string>> = {
  'by-prm':
    'With Math-Shepherd, beam search still ends a few points above majority voting and Best-of-N ' +
    'does not beat it: the simulated Monte-Carlo-labelled PRM is informative on final steps, so ' +
    'beam search keeps some of its gain. The strong-vs-weak ordering itself holds.',
  'scoring-voting':
    'Qwen2.5-Math-PRM is not insensitive to the rule in our world: PRM-Max rules lose 3-10 ' +
    'points to PRM-Vote, because the same subtle-error effect that makes Best-of-N win for 72B ' +
    'also lets a single high-scored wrong sample win a Max. Skywork shows the paper pattern ' +
    '(Vote ≥ Max) only partly.',
};

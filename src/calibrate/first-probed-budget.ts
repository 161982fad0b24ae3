import { planProbe, type ProbeSettings } from '../select';

/** Far above any budget a server allows (tts.max_budget is 256 by default). */
const LARGEST_BUDGET_SEARCHED = 1 << 16;

/** Smallest budget that probes with these settings (k never shrinks as N grows), or null. */
export function firstProbedBudget(settings: ProbeSettings): number | null {
  for (let budget = 2; budget <= LARGEST_BUDGET_SEARCHED; budget++)
    if (planProbe(budget, settings).samples > 0) return budget;
  return null;
}

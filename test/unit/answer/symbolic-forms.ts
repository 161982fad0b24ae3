import { answerForm } from '../../../src/sim';

/** Distinct symbolic answers with their equivalent spellings (fractions, radicals, intervals, tuples). */
export const SYMBOLIC_FORMS: string[] = Array.from(
  { length: 36 },
  (_, index) => answerForm(index).spellings,
).flat();

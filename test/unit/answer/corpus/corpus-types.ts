/**
 * Our own answer corpus: cases written by us from Math-Verify's documented semantics (README,
 * docstrings and the behaviour its tests pin), grouped by behaviour class. See docs/answers.md.
 */

/** Behaviour classes; the closing note of issue 14 reports pass rates per class. */
export type BehaviourClass =
  | 'extract-fallback'
  | 'extract-final-answer'
  | 'extract-box-joining'
  | 'extract-list-separators'
  | 'extract-numbers'
  | 'equation-unwrapping'
  | 'relation-chains'
  | 'relation-interval'
  | 'double-escape'
  | 'decimal-comma'
  | 'set-parsing'
  | 'engine-determinism'
  | 'configuration'
  | 'numbers-and-notation';

/** Text of a whole response; `expected` is the answer it must yield (null: none). */
export interface ExtractionCase {
  group: BehaviourClass;
  text: string;
  expected: string | null;
}

/** Options of a case, in the names of our API (Math-Verify's names in brackets in docs). */
export interface CorpusOptions {
  floatRounding?: number;
  strict?: boolean;
  allowSetRelationComparison?: boolean;
}

/** A gold answer and a predicted answer (both already extracted) and the expected verdict. */
export interface EquivalenceCase {
  group: BehaviourClass;
  gold: string;
  pred: string;
  expected: boolean;
  options?: CorpusOptions;
}

/**
 * Look a request up in the strategy table: classify the policy by size and the PRM by family,
 * take the first matching row, and say why in words for the response metadata.
 */
import { TtsError } from '../errors';
import type { Aggregation } from '../tts/search-types';
import type { DifficultyThresholds } from './estimate-difficulty';
import type {
  DifficultyBin,
  PolicyFamily,
  PrmClass,
  PrmFamilyName,
  TableMethod,
  VoteName,
} from './select-types';
import { DIFFICULTY_BINS } from './select-types';
import {
  rowMatches,
  type StrategyRow,
  type StrategyRowMatch,
  type StrategyTable,
} from './strategy-table';

export interface StrategyContext {
  policyParamsB: number;
  policyFamily: PolicyFamily;
  /** null when the model has no PRM. */
  prmFamily: PrmFamilyName | null;
  budget: number;
}

export interface LookupInput extends StrategyContext {
  /** The estimated bin; null = no estimate (the table's `unknown_difficulty` is used). */
  difficulty: DifficultyBin | null;
}

export interface StrategyLookup {
  row: StrategyRow;
  rowIndex: number;
  method: TableMethod;
  /** null = the server's default M. */
  m: number | null;
  /** null = the PRM's default. */
  aggregation: Aggregation | null;
  vote: VoteName | null;
  sizeClass: string;
  prmClass: PrmClass;
  /** The bin looked up (the estimate, or the table's default when there was none). */
  difficulty: DifficultyBin;
  reason: string;
}

/** The size class of a policy: the first class whose bound is above its size. */
export function classifyPolicySize(table: StrategyTable, paramsB: number): string {
  const found = table.sizeClasses.find(
    (cls) => cls.belowParamsB === null || paramsB < cls.belowParamsB,
  );
  // The parser guarantees a last, unbounded class.
  return (found ?? table.sizeClasses[table.sizeClasses.length - 1])?.name ?? 'unknown';
}

/** The PRM class of a family; unlisted families count as `weak` (BoN: safe with any PRM). */
export function classifyPrm(table: StrategyTable, family: PrmFamilyName | null): PrmClass {
  if (family === null) return 'none';
  return table.prmClasses[family] ?? 'weak';
}

function sizeText(table: StrategyTable, sizeClass: string, paramsB: number): string {
  const index = table.sizeClasses.findIndex((cls) => cls.name === sizeClass);
  const cls = table.sizeClasses[index];
  const below = cls?.belowParamsB;
  const above = table.sizeClasses[index - 1]?.belowParamsB;
  const range = below != null ? `< ${below}B` : above != null ? `≥ ${above}B` : 'any size';
  return `${paramsB}B policy is '${sizeClass}' (${range})`;
}

function conditionText(match: StrategyRowMatch): string {
  const parts: string[] = [];
  if (match.policyFamilies) parts.push(`family ${match.policyFamilies.join('/')}`);
  if (match.sizes) parts.push(`size ${match.sizes.join('/')}`);
  if (match.prms) parts.push(`PRM ${match.prms.join('/')}`);
  if (match.difficulties) parts.push(`difficulty ${match.difficulties.join('/')}`);
  if (match.budgetMin !== null || match.budgetMax !== null)
    parts.push(`budget ${match.budgetMin ?? 2}-${match.budgetMax ?? '∞'}`);
  return parts.length > 0 ? parts.join(', ') : 'catch-all';
}

/**
 * The first row matching the request.
 *
 * @throws TtsError only for a table that skipped {@link parseStrategyTable}'s coverage check.
 */
export function lookupStrategy(table: StrategyTable, input: LookupInput): StrategyLookup {
  const sizeClass = classifyPolicySize(table, input.policyParamsB);
  const prmClass = classifyPrm(table, input.prmFamily);
  const difficulty = input.difficulty ?? table.unknownDifficulty;
  const key = {
    policyFamily: input.policyFamily,
    size: sizeClass,
    prm: prmClass,
    difficulty,
    budget: input.budget,
  };
  const rowIndex = table.rows.findIndex((row) => rowMatches(row.match, key));
  const row = table.rows[rowIndex];
  if (!row)
    throw new TtsError(`strategy table '${table.name}' has no row for ${JSON.stringify(key)}`);
  const prmText = input.prmFamily === null ? 'no PRM' : `PRM ${input.prmFamily} is '${prmClass}'`;
  const difficultyText =
    input.difficulty === null
      ? `difficulty unknown (table default '${difficulty}')`
      : `difficulty '${difficulty}'`;
  const m = row.method === 'beam_search' || row.method === 'dvts' ? row.m : null;
  const reason =
    `${row.method}${m !== null ? ` (M=${m})` : ''}: ${sizeText(table, sizeClass, input.policyParamsB)}, ${prmText}, ${difficultyText}, budget ${input.budget}; ` +
    `table '${table.name}' row ${rowIndex} (${conditionText(row.match)}); source: ${row.source}`;
  return {
    row,
    rowIndex,
    method: row.method,
    m,
    aggregation: row.aggregation,
    vote: row.vote,
    sizeClass,
    prmClass,
    difficulty,
    reason,
  };
}

/**
 * Whether the difficulty changes what runs for this context (method, M, aggregation, vote; rows
 * may differ only in their source). When it does not (large policies, weak or no PRM,
 * R1-distill, or a calibrated table with one method at this budget) a probe would only cost
 * budget: search would run on N − k instead of N.
 */
export function needsDifficulty(table: StrategyTable, context: StrategyContext): boolean {
  const choices = DIFFICULTY_BINS.map((difficulty) => {
    const found = lookupStrategy(table, { ...context, difficulty });
    return `${found.method}|${found.m ?? ''}|${found.aggregation ?? ''}|${found.vote ?? ''}`;
  });
  return choices.some((choice) => choice !== choices[0]);
}

/** Thresholds for a model: its calibrated set when the table has one, else the table's default. */
export function thresholdsFor(
  table: StrategyTable,
  modelName: string | null,
): DifficultyThresholds {
  return (
    (modelName !== null ? table.thresholdsByModel[modelName] : undefined) ??
    table.difficultyThresholds
  );
}

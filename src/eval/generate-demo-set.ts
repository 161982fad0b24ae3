/**
 * The shipped demo set `config/demo-problems.jsonl`: problems of the simulator's synthetic math
 * world (meaningful to the simulator only), the same number at each of five difficulty levels so
 * the per-difficulty breakdown has something in every bar. Regenerate with
 * `generateDemoSet()` (default seed {@link DEMO_SEED}); a unit test checks the shipped file
 * matches, so a change to the simulator's world shows up there.
 */
import { generateProblems } from '../sim';
import { DIFFICULTY_BINS } from './difficulty-bin';

/** Seed of the shipped demo set (the paper's arXiv id, 2502.06703, as a number). */
export const DEMO_SEED = 250206703;
export const DEMO_PER_LEVEL = 12;

export interface DemoProblem {
  id: string;
  problem: string;
  answer: string;
  /** 1–5, the difficulty's fifth: level = min(5, floor(difficulty · 5) + 1). */
  level: number;
  /** The simulator's latent difficulty in [0, 1], rounded to 4 decimals. */
  difficulty: number;
}

/** The level of a latent difficulty: its equal-width fifth of [0, 1], as 1–5. */
export function levelOfDifficulty(difficulty: number): number {
  return Math.min(DIFFICULTY_BINS, Math.floor(difficulty * DIFFICULTY_BINS) + 1);
}

export function generateDemoSet(options: { seed?: number; perLevel?: number } = {}): DemoProblem[] {
  const seed = options.seed ?? DEMO_SEED;
  const perLevel = options.perLevel ?? DEMO_PER_LEVEL;
  const counts = new Map<number, number>();
  const problems: DemoProblem[] = [];
  // Difficulty is uniform in the simulated world, so 20 candidates per slot are plenty. Problems
  // keep their generation order (levels mixed), so `--limit K` still samples every level.
  for (const candidate of generateProblems({ seed, count: perLevel * DIFFICULTY_BINS * 20 })) {
    const difficulty = Math.round(candidate.difficulty * 1e4) / 1e4;
    const level = levelOfDifficulty(difficulty);
    const count = counts.get(level) ?? 0;
    if (count >= perLevel) continue;
    counts.set(level, count + 1);
    problems.push({
      id: `sim-demo-${String(problems.length + 1).padStart(3, '0')}`,
      problem: candidate.problem,
      answer: candidate.answer,
      level,
      difficulty,
    });
  }
  for (let level = 1; level <= DIFFICULTY_BINS; level++) {
    if ((counts.get(level) ?? 0) < perLevel)
      throw new Error(`demo set: only ${counts.get(level) ?? 0} problems at level ${level}`);
  }
  return problems;
}

/** The file text: one JSON object per line, keys in a fixed order. */
export function demoSetJsonLines(problems: readonly DemoProblem[]): string {
  return (
    problems
      .map((p) =>
        JSON.stringify({
          id: p.id,
          problem: p.problem,
          answer: p.answer,
          level: p.level,
          difficulty: p.difficulty,
        }),
      )
      .join('\n') + '\n'
  );
}

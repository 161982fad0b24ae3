import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const tokenSwapSchema = z.object({ fromId: z.number().int(), toId: z.number().int() });

/** Schema of `test/fixtures/prm/<family>.json` (see the fixtures' own `source` notes). */
const prmFixtureSchema = z.object({
  family: z.string(),
  /** Where the bytes come from (doc section / reference file); required on every fixture. */
  source: z.string().min(40),
  question: z.string(),
  steps: z.array(z.string()),
  rendered: z.object({
    text: z.string(),
    tokenSwaps: z.array(tokenSwapSchema),
    stepCount: z.number().int(),
    addSpecialTokens: z.boolean(),
  }),
  /** Token ids for position-based readouts (content ids are placeholders, see `source`). */
  tokenIds: z
    .object({
      beforeSwaps: z.array(z.number().int()),
      sent: z.array(z.number().int()),
      scorePositions: z.array(z.number().int()),
    })
    .nullable(),
  /** The whole recorded-shape HTTP body; `rawPath` leads to the part `readScores` takes. */
  response: z.unknown(),
  rawPath: z.array(z.union([z.string(), z.number().int()])),
  expectedScores: z.array(z.number()),
  /** A raw output with one score too few or too many. */
  wrongCountRaw: z.unknown(),
  /** A raw output for the zero-step rendering. */
  empty: z.object({
    raw: z.unknown(),
    tokenIds: z.array(z.number().int()).nullable(),
    scorePositions: z.array(z.number().int()).optional(),
  }),
});

export type PrmFixture = z.infer<typeof prmFixtureSchema>;

const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'prm');

/** Load and validate one golden fixture by file name. */
export function loadPrmFixture(fileName: string): PrmFixture {
  const parsed: unknown = JSON.parse(readFileSync(join(FIXTURE_DIR, fileName), 'utf8'));
  return prmFixtureSchema.parse(parsed);
}

/** Follow `path` into a parsed JSON value (the backend's extraction of one path's raw output). */
export function extractRaw(response: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = response;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) throw new Error(`fixture rawPath: expected an array at ${key}`);
      current = current[key];
    } else {
      current = z.record(z.string(), z.unknown()).parse(current)[key];
    }
  }
  return current;
}

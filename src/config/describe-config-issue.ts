/**
 * Turns a zod issue of the config into a ConfigError that names the field, the env var that set
 * it (when one did) and, for an unknown field, the known field it was probably meant to be.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { closestName } from '../util';
import { envSourceOf, type EnvOverride } from './env-overrides';

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

/** The field names the schema accepts at `path` (through defaults, arrays, records and unions). */
export function knownKeysAt(schema: z.ZodType, path: readonly string[]): string[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.in;
  if (inner) return knownKeysAt(inner, path);
  if (def.type === 'union' && def.options)
    return [...new Set(def.options.flatMap((option) => knownKeysAt(option, path)))];
  const [head, ...rest] = path;
  if (def.type === 'object' && def.shape) {
    if (head === undefined) return Object.keys(def.shape);
    const child = def.shape[head];
    return child ? knownKeysAt(child, rest) : [];
  }
  const child =
    def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
  return child && head !== undefined ? knownKeysAt(child, rest) : [];
}

/** A config problem at `path`, naming the env var behind it when there is one. */
export function configProblem(
  path: readonly string[],
  message: string,
  applied: readonly EnvOverride[],
): ConfigError {
  const envName = envSourceOf(applied, path);
  const from = envName === undefined ? '' : ` (set by env ${envName})`;
  return new ConfigError(path.join('.'), `${message}${from}`);
}

export function describeConfigIssue(
  schema: z.ZodType,
  issue: z.core.$ZodIssue | undefined,
  applied: readonly EnvOverride[],
): ConfigError {
  if (issue === undefined) return new ConfigError('', 'invalid config');
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const guess = closestName(key, knownKeysAt(schema, path));
    const hint = guess === undefined ? '' : ` — did you mean '${guess}'?`;
    return configProblem([...path, key], `unknown field${hint}`, applied);
  }
  return configProblem(path, issue.message, applied);
}

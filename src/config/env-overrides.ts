/**
 * Env overrides of the config: `TTS_PROXY__<PATH>` with `__` between levels and array indices as
 * numbers (`TTS_PROXY__SERVER__PORT=9000`, `TTS_PROXY__MODELS__0__PARAMS_B=7`); values are read as
 * YAML scalars. `PORT` is a shortcut for `server.port`.
 *
 * Each override remembers which env var set which field, so a config error caused by env names
 * the variable, and a misspelt variable is reported rather than ignored.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';

export const ENV_PREFIX = 'TTS_PROXY__';

/** Top-level config sections: a `TTS_PROXY_<SECTION>…` variable is a misspelt override. */
const SECTIONS = ['server', 'upstreams', 'models', 'prms', 'tts', 'ab'];

/** `TTS_PROXY_…` variables that are not overrides: the config path and Compose's host port. */
const KNOWN_SINGLE_UNDERSCORE = new Set(['TTS_PROXY_CONFIG', 'TTS_PROXY_PORT']);

/** One env var applied to the config document. */
export interface EnvOverride {
  envName: string;
  /** Config path it set, e.g. `['server', 'port']`. */
  path: string[];
  /** The first two levels (e.g. `upstreams.<name>`) did not exist before this override. */
  isNewEntry: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(
  target: Record<string, unknown>,
  path: string[],
  value: unknown,
  envName: string,
): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new ConfigError(path.join('.'), `forbidden key in env override ${envName}`);
    }
    if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) > node.length) {
      const list = path.slice(0, i).join('.');
      throw new ConfigError(
        path.slice(0, i + 1).join('.'),
        `env ${envName} skips entries: ${list} has ${node.length}, so a new one is index ${node.length}`,
      );
    }
    const isLast = i === path.length - 1;
    const container = node;
    if (isLast) {
      container[key] = value;
      return;
    }
    const next = container[key];
    if (typeof next !== 'object' || next === null) {
      container[key] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
    }
    node = container[key] as Record<string, unknown>;
  }
}

function hasEntry(document: Record<string, unknown>, path: string[]): boolean {
  const section = document[path[0] as string];
  return typeof section === 'object' && section !== null && (path[1] ?? '') in section;
}

/** An override's value read as YAML; a value YAML refuses is a config error naming the variable. */
function parseOverride(envName: string, raw: string, path: readonly string[]): Json {
  try {
    return parseYaml(raw) as Json;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(path.join('.'), `env ${envName} is not valid YAML: ${reason}`);
  }
}

/**
 * Apply env overrides onto a parsed YAML document (mutates and returns it). When `applied` is
 * given, every override is recorded in it (for error messages naming the variable).
 */
export function applyEnvOverrides(
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  applied: EnvOverride[] = [],
): Record<string, unknown> {
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((part) => part.toLowerCase());
    if (path.some((part) => part === ''))
      throw new ConfigError(name, 'empty path segment in env override');
    const isNewEntry = path.length > 1 && !hasEntry(document, path);
    setPath(document, path, parseOverride(name, raw, path), name);
    applied.push({ envName: name, path, isNewEntry });
  }
  if (env.PORT !== undefined && env.PORT !== '') {
    const server = isRecord(document.server) ? document.server : {};
    // Not Number(): 'abc' would become NaN and the error would say "received NaN".
    server.port = /^\d+$/.test(env.PORT.trim()) ? Number(env.PORT) : env.PORT;
    document.server = server;
    applied.push({ envName: 'PORT', path: ['server', 'port'], isNewEntry: false });
  }
  return document;
}

/**
 * A `TTS_PROXY_…` variable that looks like an override but is not one (one underscore after the
 * prefix, e.g. `TTS_PROXY_SERVER__PORT`): reported instead of silently ignored. Variables the
 * config itself names (client and upstream key envs) are never reported.
 * @throws ConfigError naming the variable.
 */
export function checkMisspeltOverrides(env: NodeJS.ProcessEnv, namedByConfig: Set<string>): void {
  for (const name of Object.keys(env)) {
    if (!name.startsWith('TTS_PROXY_') || name.startsWith(ENV_PREFIX)) continue;
    if (KNOWN_SINGLE_UNDERSCORE.has(name) || namedByConfig.has(name)) continue;
    const rest = name.slice('TTS_PROXY_'.length);
    const looksLikeOverride =
      rest.includes('__') || SECTIONS.some((section) => rest.toLowerCase().startsWith(section));
    if (looksLikeOverride)
      throw new ConfigError(
        '',
        `env ${name} is not a config override: overrides start with ${ENV_PREFIX} (two underscores), e.g. ${ENV_PREFIX}${rest}`,
      );
  }
}

/**
 * The env var behind a config problem at `path`: the override that set that field, one below it
 * (a new entry's other fields are missing), or one above it (a whole object given as YAML).
 */
export function envSourceOf(
  applied: readonly EnvOverride[],
  path: readonly string[],
): string | undefined {
  const key = path.join('.');
  const exact = applied.find((override) => override.path.join('.') === key);
  if (exact) return exact.envName;
  const below = applied.find((override) => override.path.join('.').startsWith(`${key}.`));
  if (below && key !== '') return below.envName;
  const above = applied.find((override) => key.startsWith(`${override.path.join('.')}.`));
  if (above) return above.envName;
  // A field missing from an entry that env created (e.g. models.1 given only a name).
  const entry = path.slice(0, 2).join('.');
  return applied.find((o) => o.isNewEntry && o.path.slice(0, 2).join('.') === entry)?.envName;
}

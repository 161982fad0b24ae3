/**
 * Load the YAML config, apply env overrides, validate, and cross-check references.
 *
 * Env overrides: `TTS_PROXY__<PATH>` with `__` between levels and array indices as numbers, e.g.
 * `TTS_PROXY__SERVER__PORT=9000` or `TTS_PROXY__MODELS__0__PARAMS_B=7`. Values are parsed as YAML
 * scalars (so numbers and booleans work). `PORT` is a shortcut for the server port.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { configSchema, type Config } from './schema';

const ENV_PREFIX = 'TTS_PROXY__';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new ConfigError(path.join('.'), 'forbidden key in env override');
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

/** Apply env overrides onto a parsed YAML document (mutates and returns it). */
export function applyEnvOverrides(
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((part) => part.toLowerCase());
    if (path.some((part) => part === ''))
      throw new ConfigError(name, 'empty path segment in env override');
    setPath(document, path, parseYaml(raw) as Json);
  }
  if (env.PORT !== undefined && env.PORT !== '') {
    const server = isRecord(document.server) ? document.server : {};
    server.port = Number(env.PORT);
    document.server = server;
  }
  return document;
}

/** Validate a config document; throws ConfigError naming the first bad field. */
export function parseConfig(document: unknown): Config {
  const result = configSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new ConfigError(path, issue?.message ?? 'invalid config');
  }
  const config = result.data;
  checkReferences(config);
  return config;
}

function checkReferences(config: Config): void {
  const prmNames = new Set(config.prms.map((p) => p.name));
  const modelNames = new Set<string>();
  config.models.forEach((model, index) => {
    if (modelNames.has(model.name))
      throw new ConfigError(`models.${index}.name`, `duplicate model name '${model.name}'`);
    modelNames.add(model.name);
    if (model.name.includes('@'))
      throw new ConfigError(`models.${index}.name`, "'@' is reserved for the strategy alias form");
    if (!(model.upstream in config.upstreams)) {
      throw new ConfigError(`models.${index}.upstream`, `unknown upstream '${model.upstream}'`);
    }
    if (model.prm !== undefined && !prmNames.has(model.prm)) {
      throw new ConfigError(`models.${index}.prm`, `unknown prm '${model.prm}'`);
    }
    if (model.default_budget !== undefined && model.default_budget > config.tts.max_budget) {
      throw new ConfigError(
        `models.${index}.default_budget`,
        `${model.default_budget} is above tts.max_budget (${config.tts.max_budget})`,
      );
    }
  });
  config.prms.forEach((prm, index) => {
    if (!(prm.upstream in config.upstreams)) {
      throw new ConfigError(`prms.${index}.upstream`, `unknown upstream '${prm.upstream}'`);
    }
  });
}

/** Read, override and validate the config file. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('', `cannot read config file '${path}': ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      '',
      `config file '${path}' is not valid YAML: ${(error as Error).message}`,
    );
  }
  const root = isRecord(document) ? document : {};
  return parseConfig(applyEnvOverrides(root, env));
}

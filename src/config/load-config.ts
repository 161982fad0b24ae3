/**
 * Load the YAML config, apply env overrides (./env-overrides.ts), validate, and cross-check
 * references. Every error is a ConfigError naming the field, and the env var when one set it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { closestName } from '../util';
import { configProblem, describeConfigIssue } from './describe-config-issue';
import { applyEnvOverrides, checkMisspeltOverrides, type EnvOverride } from './env-overrides';
import { configSchema, type Config } from './schema';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validate a config document; throws ConfigError naming the first bad field (and, given the
 * overrides applied, the env var that set it).
 */
export function parseConfig(document: unknown, applied: readonly EnvOverride[] = []): Config {
  const result = configSchema.safeParse(document);
  if (!result.success) throw describeConfigIssue(configSchema, result.error.issues[0], applied);
  const config = result.data;
  checkReferences(config, applied);
  checkNewUpstreams(config, applied);
  return config;
}

/** Env names the config itself refers to (client and upstream key variables). */
function envNamesInConfig(config: Config): Set<string> {
  return new Set([
    ...config.server.api_key_envs,
    ...config.server.api_keys.map((key) => key.key_env),
    ...Object.values(config.upstreams).flatMap((upstream) =>
      upstream.api_key_env === undefined ? [] : [upstream.api_key_env],
    ),
  ]);
}

/**
 * An upstream that only env created and nothing uses is a misspelt name
 * (`TTS_PROXY__UPSTREAMS__POLCY__URL` would otherwise leave `policy` unchanged, silently).
 */
function checkNewUpstreams(config: Config, applied: readonly EnvOverride[]): void {
  const used = new Set([...config.models, ...config.prms].map((entry) => entry.upstream));
  for (const override of applied) {
    const [section, name] = override.path;
    if (section !== 'upstreams' || name === undefined || !override.isNewEntry || used.has(name))
      continue;
    const guess = closestName(
      name,
      Object.keys(config.upstreams).filter((n) => n !== name),
    );
    throw new ConfigError(
      `upstreams.${name}`,
      `env ${override.envName} adds upstream '${name}', which no model or prm uses${
        guess === undefined ? '' : ` — did you mean '${guess}'?`
      }`,
    );
  }
}

/** Strategies a listed alias may name only on a model with a PRM (they score with it). */
const NEEDS_PRM = /^(?:best_of_n|beam_search|dvts)\b/;
const SEARCH = /^(?:beam_search|dvts)\b/;

/**
 * A listed alias must serve as listed (a chat UI offers it to everyone): no duplicate, a budget
 * within tts.max_budget, a search's N (its own, else tts.default_budget) a multiple of
 * tts.default_m and at least one beam, and a PRM for the strategies that score.
 */
function checkListedAlias(
  config: Config,
  model: Config['models'][number],
  index: number,
  at: number,
  fail: (path: string, message: string) => ConfigError,
): void {
  const alias = model.listed_aliases[at] as string;
  const path = `models.${index}.listed_aliases.${at}`;
  if (model.listed_aliases.indexOf(alias) !== at) throw fail(path, `'${alias}' is listed twice`);
  const given = /\d+$/.exec(alias)?.[0];
  const budget = given === undefined ? config.tts.default_budget : Number(given);
  if (budget > config.tts.max_budget)
    throw fail(path, `'${alias}': ${budget} is above tts.max_budget (${config.tts.max_budget})`);
  const m = config.tts.default_m;
  if (SEARCH.test(alias) && (budget < m || budget % m !== 0))
    throw fail(
      path,
      `'${alias}': a search needs N (${budget}${given === undefined ? ', tts.default_budget' : ''}) to be a positive multiple of tts.default_m (${m})`,
    );
  // Budget 0 or 1 is plain CoT whatever the strategy: listed under another name it would mislead.
  if (given !== undefined && budget < 2 && !/^(?:\d+|cot\b)/.test(alias))
    throw fail(path, `'${alias}': N below 2 runs plain CoT; list it as 'cot' or '1'`);
  if (NEEDS_PRM.test(alias) && model.prm === undefined)
    throw fail(path, `'${alias}' needs a PRM, and this model has none`);
}

/**
 * The server's defaults must be requests the server itself accepts: a default budget above the
 * maximum ran past it, and one that is not a multiple of the default beam width answered a 400
 * about a `tts_budget` the client never sent.
 */
function checkTtsDefaults(
  config: Config,
  fail: (path: string, message: string) => ConfigError,
): void {
  const { tts } = config;
  if (tts.default_budget > tts.max_budget)
    throw fail(
      'tts.default_budget',
      `${tts.default_budget} is above tts.max_budget (${tts.max_budget})`,
    );
  if (tts.default_timeout_ms > tts.max_timeout_ms)
    throw fail(
      'tts.default_timeout_ms',
      `${tts.default_timeout_ms} is above tts.max_timeout_ms (${tts.max_timeout_ms})`,
    );
  const budgets = [
    { path: 'tts.default_budget', budget: tts.default_budget },
    ...config.models.flatMap((model, index) =>
      model.default_budget === undefined
        ? []
        : [{ path: `models.${index}.default_budget`, budget: model.default_budget }],
    ),
  ];
  for (const { path, budget } of budgets)
    if (budget >= 2 && budget % tts.default_m !== 0)
      throw fail(
        path,
        `${budget} is not a multiple of tts.default_m (${tts.default_m}): beam search and DVTS need N a multiple of M, so a request naming one of them with no budget would be refused`,
      );
}

function checkReferences(config: Config, applied: readonly EnvOverride[]): void {
  const fail = (path: string, message: string): ConfigError =>
    configProblem(path.split('.'), message, applied);
  const prmNames = new Set(config.prms.map((p) => p.name));
  const modelNames = new Set<string>();
  config.models.forEach((model, index) => {
    if (modelNames.has(model.name))
      throw fail(`models.${index}.name`, `duplicate model name '${model.name}'`);
    modelNames.add(model.name);
    if (model.name.includes('@'))
      throw fail(`models.${index}.name`, "'@' is reserved for the strategy alias form");
    if (!(model.upstream in config.upstreams)) {
      throw fail(`models.${index}.upstream`, `unknown upstream '${model.upstream}'`);
    }
    if (model.prm !== undefined && !prmNames.has(model.prm)) {
      throw fail(`models.${index}.prm`, `unknown prm '${model.prm}'`);
    }
    model.listed_aliases.forEach((alias, at) => checkListedAlias(config, model, index, at, fail));
    if (model.default_budget !== undefined && model.default_budget > config.tts.max_budget) {
      throw fail(
        `models.${index}.default_budget`,
        `${model.default_budget} is above tts.max_budget (${config.tts.max_budget})`,
      );
    }
  });
  checkTtsDefaults(config, fail);
  config.prms.forEach((prm, index) => {
    if (!(prm.upstream in config.upstreams)) {
      throw fail(`prms.${index}.upstream`, `unknown upstream '${prm.upstream}'`);
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
  const applied: EnvOverride[] = [];
  const config = parseConfig(applyEnvOverrides(root, env, applied), applied);
  checkMisspeltOverrides(env, envNamesInConfig(config));
  return config;
}

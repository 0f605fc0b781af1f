/**
 * Loads Herald's whole configuration. Takes the process environment and the working directory; reads
 * `.env` from that directory (a variable already set in the environment wins), the environment
 * variables, and the YAML file at HERALD_CONFIG (created from config/herald.example.yaml when missing
 * and asked to). Returns the settings with the environment's overrides applied, or throws one
 * ConfigError listing every problem in the environment and the file together.
 * Reads files only; never changes process.env.
 */
import { copyFileSync, constants as fsConstants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.ts';
import { parseConfigText, type HeraldConfig, type ParseConfigOptions } from './config-file.ts';
import { messageOf } from '../errors.ts';
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_MAX_ITEM_AGE_DAYS,
  DEFAULT_POLL_INTERVAL_SECONDS,
  findUnknownVariables,
  isVariableSet,
  readEnv,
  type Env,
} from './env.ts';

export { ConfigError } from './config-error.ts';

export const EXAMPLE_CONFIG_PATH = fileURLToPath(new URL('../../config/herald.example.yaml', import.meta.url));

export interface LoadedConfig {
  /** The environment's settings; pollIntervalSeconds and maxItemAgeDays are the effective values. */
  env: Env;
  file: HeraldConfig;
  /** Absolute path of the YAML file that was read. */
  filePath: string;
  /** The file as messages name it: relative to the working directory when inside it, as typed. */
  sourceName: string;
  /** True when the file did not exist and was copied from the example just now. */
  createdFromExample: boolean;
  /** Absolute path of the .env file that was read, if there was one. */
  envFilePath?: string;
  /** Worth telling the operator, not worth stopping for (e.g. an unknown HERALD_* variable). */
  warnings: string[];
}

export interface LoadConfigOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  validateRule?: ParseConfigOptions['validateRule'];
  validateTemplate?: ParseConfigOptions['validateTemplate'];
  warnRule?: ParseConfigOptions['warnRule'];
  createIfMissing?: boolean;
  /** Where the example comes from; defaults to the one shipped with Herald. */
  examplePath?: string;
}

/** The environment and .env alone, for commands that need no config file (`herald discord-proxy`). */
export function loadEnvironment(options: Pick<LoadConfigOptions, 'env' | 'cwd'>): Env {
  return readEnv(mergeVariables(readDotEnv(options.cwd)?.variables ?? {}, options.env));
}

export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const dotEnv = readDotEnv(options.cwd);
  const variables = mergeVariables(dotEnv?.variables ?? {}, options.env);
  const problems: string[] = [];

  let env: Env | undefined;
  try {
    env = readEnv(variables);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }

  // Even with bad variables, the file is checked too, so that one run reports everything.
  const configPath = env?.configPath ?? (isVariableSet(variables, 'HERALD_CONFIG') ? variables.HERALD_CONFIG!.trim() : DEFAULT_CONFIG_PATH);
  const filePath = resolve(options.cwd, configPath);
  const shownPath = showPath(options.cwd, filePath);
  let file: HeraldConfig | undefined;
  let createdFromExample = false;
  try {
    createdFromExample = ensureConfigFile(filePath, shownPath, options);
    file = parseConfigText(readConfigText(filePath, shownPath), shownPath, {
      validateRule: options.validateRule, validateTemplate: options.validateTemplate, warnRule: options.warnRule,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }

  if (env === undefined || file === undefined) throw new ConfigError(problems);
  const loaded: LoadedConfig = {
    env: {
      ...env,
      pollIntervalSeconds: isVariableSet(variables, 'HERALD_POLL_INTERVAL')
        ? env.pollIntervalSeconds
        : (file.defaults.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS),
      maxItemAgeDays: isVariableSet(variables, 'HERALD_MAX_ITEM_AGE_DAYS')
        ? env.maxItemAgeDays
        : (file.defaults.maxItemAgeDays ?? DEFAULT_MAX_ITEM_AGE_DAYS),
    },
    file,
    filePath,
    sourceName: shownPath,
    createdFromExample,
    warnings: findUnknownVariables(variables),
  };
  if (dotEnv !== undefined) loaded.envFilePath = dotEnv.path;
  return loaded;
}

function readDotEnv(cwd: string): { path: string; variables: Record<string, string> } | undefined {
  const path = resolve(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw new ConfigError([`${path}: cannot be read (${messageOf(error)})`], { cause: error });
  }
  // node:util parseEnv, not process.loadEnvFile: the latter writes into process.env, and Herald reads
  // the environment it was given.
  return { path, variables: parseEnv(text) as Record<string, string> };
}

/** The environment wins over .env; a blank variable counts as unset, as everywhere else in Herald. */
function mergeVariables(fromFile: Readonly<Record<string, string>>, fromEnvironment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...fromFile };
  for (const [name, value] of Object.entries(fromEnvironment)) {
    if (isVariableSet(fromEnvironment, name) || merged[name] === undefined) merged[name] = value;
  }
  return merged;
}

/** Returns true when it created the file from the example. */
function ensureConfigFile(filePath: string, shownPath: string, options: LoadConfigOptions): boolean {
  if (statSync(filePath, { throwIfNoEntry: false }) !== undefined) return false;
  if (options.createIfMissing !== true) {
    throw new ConfigError([`${shownPath}: not found; copy config/herald.example.yaml there, or set HERALD_CONFIG to your file`]);
  }
  const examplePath = options.examplePath ?? EXAMPLE_CONFIG_PATH;
  try {
    mkdirSync(dirname(filePath), { recursive: true });
    // COPYFILE_EXCL: never overwrite a file that appeared in the meantime.
    copyFileSync(examplePath, filePath, fsConstants.COPYFILE_EXCL);
  } catch (error) {
    throw new ConfigError([`${shownPath}: not found, and it could not be created from ${examplePath} (${messageOf(error)})`], { cause: error });
  }
  return true;
}

function readConfigText(filePath: string, shownPath: string): string {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError([`${shownPath}: cannot be read (${messageOf(error)})`], { cause: error });
  }
}

/** Relative to the working directory when inside it (as the operator typed it), else absolute. */
function showPath(cwd: string, filePath: string): string {
  const fromCwd = relative(cwd, filePath);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? filePath : fromCwd;
}

function isMissingFile(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

/**
 * Herald's environment variables. Takes a process.env-like object; returns the typed settings, with
 * defaults applied, or throws a ConfigError naming every bad variable and why. Empty or blank values
 * count as unset, and values are trimmed (a token pasted with a trailing newline still works).
 * Secrets are never echoed back in error messages.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../log.ts';
import { ConfigError } from './config-error.ts';
import { parseDurationSeconds, SECONDS_PER_DAY } from './duration.ts';
import { isHttpUrl } from '../net/http-url.ts';
import { suggestName } from './suggest-name.ts';

export const DEFAULT_CONFIG_PATH = 'config/herald.yaml';
export const DEFAULT_STORE = 'sqlite://data/herald.sqlite';
export const DEFAULT_POLL_INTERVAL_SECONDS = 600;
export const DEFAULT_MAX_ITEM_AGE_DAYS = 7;
export const DEFAULT_DISCORD_PROXY_PORT = 8080;

/** What one process does; every process on the same HERALD_STORE is one cluster, and all roles is the default. */
export const ROLES = ['poll', 'deliver', 'gateway', 'http'] as const;
export type Role = (typeof ROLES)[number];

const SECRET_VARIABLES: ReadonlySet<string> = new Set(['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET']);
/** What openStore opens: check-config refuses what start would. */
const STORE_PATTERN = /^(sqlite:\/\/.+|postgres(ql)?:\/\/.+)$/i;

const text = z.string().optional();

const httpUrl = z
  .string()
  .refine(isHttpUrl, { error: 'must be an http(s) URL, such as http://127.0.0.1:8080/api' })
  .optional();

const store = z
  .string()
  .refine((value) => STORE_PATTERN.test(value), { error: 'must be sqlite://path (a file) or postgres://user@host/database' })
  .default(DEFAULT_STORE);

const cache = z
  .string()
  .refine((value) => /^(memory|(rediss?|postgres|postgresql):\/\/.+)$/i.test(value), {
    error: 'must be memory, a redis:// URL or a postgres:// URL',
  })
  .optional();

/** A whole number from `min` to `max`, or the message. */
function wholeNumber(min: number, max: number, message: string) {
  return z.string().transform((value, ctx) => {
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (number >= min && number <= max) return number;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

const port = wholeNumber(0, 65_535, 'must be a port number from 0 to 65535').optional();

const flag = z
  .string()
  .transform((value, ctx) => {
    const lower = value.toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: 'must be true, false, 1, 0, yes or no' });
    return z.NEVER;
  })
  .default(false);

const pollInterval = z
  .string()
  .transform((value, ctx) => {
    const seconds = /^\d+$/.test(value) ? Number(value) : parseDurationSeconds(value);
    if (seconds !== undefined && Number.isInteger(seconds) && seconds >= 1) return seconds;
    ctx.addIssue({ code: 'custom', message: 'must be a whole number of seconds (at least 1) or a duration such as 30s, 10m or 1h' });
    return z.NEVER;
  })
  .default(DEFAULT_POLL_INTERVAL_SECONDS);

const maxItemAge = z
  .string()
  .transform((value, ctx) => {
    const durationSeconds = parseDurationSeconds(value);
    const days = /^\d+(\.\d+)?$/.test(value) ? Number(value) : durationSeconds === undefined ? Number.NaN : durationSeconds / SECONDS_PER_DAY;
    if (days > 0) return days;
    ctx.addIssue({ code: 'custom', message: 'must be a number of days greater than 0 (or a duration such as 36h)' });
    return z.NEVER;
  })
  .default(DEFAULT_MAX_ITEM_AGE_DAYS);

const maxPostsPerPoll = wholeNumber(1, 1000, 'must be a whole number from 1 to 1000').default(5);
const maxParkedPerSubscription = wholeNumber(1, 100_000, 'must be a whole number from 1 to 100000').default(100);

const fetchConcurrency = wholeNumber(1, 1000, 'must be a whole number from 1 to 1000').default(32);
const fetchPerHost = wholeNumber(1, 100, 'must be a whole number from 1 to 100').default(2);

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1000, kib: 1024, k: 1024, mb: 1000 ** 2, mib: 1024 ** 2, m: 1024 ** 2, gb: 1000 ** 3, gib: 1024 ** 3, g: 1024 ** 3 };
export const DEFAULT_FETCH_MAX_BYTES = 10 * 1024 * 1024;

/** The largest feed body read: bytes, or a size such as 512KiB, 10MiB or 5MB (from 1 KiB to 1 GiB). */
const fetchMaxBytes = z
  .string()
  .transform((value, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
    const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
    const bytes = match === null || unit === undefined ? Number.NaN : Math.floor(Number(match[1]) * unit);
    if (bytes >= 1024 && bytes <= 1024 ** 3) return bytes;
    ctx.addIssue({ code: 'custom', message: 'must be a size from 1KiB to 1GiB, in bytes or such as 512KiB, 10MiB or 5MB' });
    return z.NEVER;
  })
  .default(DEFAULT_FETCH_MAX_BYTES);

/** The longest one fetch may take, redirects and body included: seconds or a duration such as 30s or 2m. */
const fetchTimeout = z
  .string()
  .transform((value, ctx) => {
    const seconds = /^\d+$/.test(value) ? Number(value) : parseDurationSeconds(value);
    if (seconds !== undefined && seconds >= 1 && seconds <= 600) return seconds;
    ctx.addIssue({ code: 'custom', message: 'must be from 1 to 600 seconds, as a number or a duration such as 30s or 2m' });
    return z.NEVER;
  })
  .default(30);

const logLevel = z
  .string()
  .transform((value, ctx) => {
    const lower = value.toLowerCase();
    const level = LOG_LEVELS.find((candidate) => candidate === lower);
    if (level !== undefined) return level;
    ctx.addIssue({ code: 'custom', message: `must be one of ${LOG_LEVELS.join(', ')}` });
    return z.NEVER;
  })
  .default('info');

const roles = z
  .string()
  .transform((value, ctx) => {
    const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
    const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
    if (names.length > 0 && unknown.length === 0) return new Set(names as Role[]) as ReadonlySet<Role>;
    const named = unknown.length > 0 ? `${unknown.map((name) => JSON.stringify(name)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a role; ` : '';
    ctx.addIssue({ code: 'custom', message: `${named}must be a comma-separated list of ${ROLES.join(', ')}` });
    return z.NEVER;
  })
  .default(new Set(ROLES));

/** How many gateway shards Discord's connection is split into: 'auto' asks Discord (GET /gateway/bot). */
const shards = z
  .string()
  .transform((value, ctx): number | 'auto' => {
    if (value.toLowerCase() === 'auto') return 'auto';
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (number >= 1 && number <= 4096) return number;
    ctx.addIssue({ code: 'custom', message: 'must be auto or a number of shards from 1 to 4096' });
    return z.NEVER;
  })
  .default(1);

const logFormat = z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional();

const envSchema = z
  .object({
    DISCORD_TOKEN: text,
    DISCORD_API_URL: httpUrl,
    DISCORD_GUILD_ID: text,
    DISCORD_SHARDS: shards,
    SLACK_BOT_TOKEN: text,
    SLACK_APP_TOKEN: text,
    SLACK_SIGNING_SECRET: text,
    SLACK_API_URL: httpUrl,
    HERALD_CONFIG: z.string().default(DEFAULT_CONFIG_PATH),
    HERALD_STORE: store,
    HERALD_CACHE: cache,
    HERALD_HTTP_PORT: port,
    HERALD_ROLES: roles,
    HERALD_DISCORD_PROXY_PORT: port,
    HERALD_ALLOW_PRIVATE_URLS: flag,
    HERALD_POLL_INTERVAL: pollInterval,
    HERALD_MAX_ITEM_AGE_DAYS: maxItemAge,
    HERALD_MAX_POSTS_PER_POLL: maxPostsPerPoll,
    HERALD_FETCH_CONCURRENCY: fetchConcurrency,
    HERALD_FETCH_PER_HOST: fetchPerHost,
    HERALD_FETCH_MAX_BYTES: fetchMaxBytes,
    HERALD_FETCH_TIMEOUT: fetchTimeout,
    HERALD_MAX_PARKED_PER_SUBSCRIPTION: maxParkedPerSubscription,
    LOG_LEVEL: logLevel,
    LOG_FORMAT: logFormat,
  })
  .transform((raw) =>
    dropUndefined({
      discordToken: raw.DISCORD_TOKEN,
      discordApiUrl: raw.DISCORD_API_URL,
      discordGuildId: raw.DISCORD_GUILD_ID,
      discordShards: raw.DISCORD_SHARDS,
      slackBotToken: raw.SLACK_BOT_TOKEN,
      slackAppToken: raw.SLACK_APP_TOKEN,
      slackSigningSecret: raw.SLACK_SIGNING_SECRET,
      slackApiUrl: raw.SLACK_API_URL,
      /** Relative paths are relative to the working directory. */
      configPath: raw.HERALD_CONFIG,
      store: raw.HERALD_STORE,
      /** Unset: memory, or the store's database when the store is PostgreSQL (main decides). */
      cache: raw.HERALD_CACHE,
      httpPort: raw.HERALD_HTTP_PORT,
      roles: raw.HERALD_ROLES,
      discordProxyPort: raw.HERALD_DISCORD_PROXY_PORT,
      allowPrivateUrls: raw.HERALD_ALLOW_PRIVATE_URLS,
      pollIntervalSeconds: raw.HERALD_POLL_INTERVAL,
      maxItemAgeDays: raw.HERALD_MAX_ITEM_AGE_DAYS,
      /** Posts one poll makes per subscription before the rest become one summary post. */
      maxPostsPerPoll: raw.HERALD_MAX_POSTS_PER_POLL,
      /** Feed fetches in flight at once in this process, and to one host. */
      fetchConcurrency: raw.HERALD_FETCH_CONCURRENCY,
      fetchPerHost: raw.HERALD_FETCH_PER_HOST,
      /** The body cap of one fetch (after decompression), and the time cap of one fetch, redirects included. */
      fetchMaxBytes: raw.HERALD_FETCH_MAX_BYTES,
      fetchTimeoutSeconds: raw.HERALD_FETCH_TIMEOUT,
      /** Deliveries a paused subscription keeps for /feed resume; past it the oldest are dropped, counted. */
      maxParkedPerSubscription: raw.HERALD_MAX_PARKED_PER_SUBSCRIPTION,
      logLevel: raw.LOG_LEVEL,
      /** Unset: pretty on a terminal, JSON otherwise (the logger decides). */
      logFormat: raw.LOG_FORMAT,
    }),
  );

export type Env = z.output<typeof envSchema>;

/** The variables Herald reads, for `check-config` and the README. */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.in.shape);

export function readEnv(source: NodeJS.ProcessEnv): Env {
  const variables = pickSetVariables(source);
  const result = envSchema.safeParse(variables);
  const problems = (result.error?.issues ?? []).map((issue) => {
    const name = String(issue.path[0] ?? '');
    const value = variables[name];
    const shown = value === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(hideCredentials(value))})`;
    return `${name}: ${issue.message}${shown}`;
  });
  problems.push(...checkSlackTokens(variables));
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(problems);
}

/** Whether a variable has a value, by the same rule readEnv uses (blank counts as unset). */
export function isVariableSet(source: NodeJS.ProcessEnv, name: string): boolean {
  return (source[name] ?? '').trim() !== '';
}

/** The prefixes of Herald's own variables: a set one Herald does not read is most likely a typo. */
const CHECKED_PREFIXES = ['HERALD_', 'DISCORD_', 'SLACK_'];

/** Warnings for HERALD_*, DISCORD_* and SLACK_* variables Herald does not read, with the likely intended name. */
export function findUnknownVariables(source: NodeJS.ProcessEnv): string[] {
  return Object.keys(source)
    .filter((name) => CHECKED_PREFIXES.some((prefix) => name.startsWith(prefix)) && !ENV_VARIABLES.includes(name) && isVariableSet(source, name))
    .map((name) => {
      const suggestion = suggestName(name, ENV_VARIABLES);
      return `${name} is not a Herald setting${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
    });
}

function pickSetVariables(source: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ENV_VARIABLES) {
    const value = source[name]?.trim();
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

type OptionalWhereUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Unset settings become absent keys, so an Env can be written as a plain literal (in tests, by the CLI). */
function dropUndefined<T extends object>(record: T): OptionalWhereUndefined<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as OptionalWhereUndefined<T>;
}

/** Store URLs may carry a password (redis://:secret@host): never print it. */
export function hideCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/** Catches the usual Slack set-up mistakes, whatever else is wrong: a token without its partner, swapped tokens. */
function checkSlackTokens(variables: Readonly<Record<string, string>>): string[] {
  const { SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app, SLACK_SIGNING_SECRET: secret } = variables;
  const problems: string[] = [];
  if (bot?.startsWith('xapp-')) problems.push('SLACK_BOT_TOKEN: holds an app-level token (xapp-…); the bot token starts with xoxb-');
  if (app?.startsWith('xoxb-')) problems.push('SLACK_APP_TOKEN: holds a bot token (xoxb-…); the app-level token for Socket Mode starts with xapp-');
  if (bot !== undefined && app === undefined && secret === undefined) {
    problems.push('SLACK_BOT_TOKEN: is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is');
  }
  if (bot === undefined && (app !== undefined || secret !== undefined)) {
    const name = app !== undefined ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET';
    problems.push(`${name}: is set, but SLACK_BOT_TOKEN is not; Slack needs the bot token (xoxb-…) as well`);
  }
  return problems;
}

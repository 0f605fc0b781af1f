/**
 * Herald's YAML configuration (config/herald.example.yaml documents every key). Takes the file's text
 * and a name to show in messages; returns the validated config, or throws a ConfigError listing every
 * problem as `<file>: <path>: <what is wrong> (line N)`. Unknown keys are errors (with "did you mean"),
 * so a typo is never silently ignored. Rule and template syntax are checked by injected validators, and rules worth
 * a second look are warned about by an injected one, which keeps this module independent of the rule language and
 * the formatter. Each subscription and admin rule carries the
 * line it starts on, so later messages (a refused URL, /feed remove of a file subscription) can point at it.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { parseDurationSeconds, SECONDS_PER_DAY } from './duration.ts';
import { isHttpUrl } from '../net/http-url.ts';
import { suggestName } from './suggest-name.ts';
import { messageOf, userMessageOf } from '../errors.ts';
import { checkUrlSyntax } from '../net/address-guard.ts';

export interface ParseConfigOptions {
  /** Returns an error message for a malformed rule, undefined for a valid one. */
  validateRule?: (rule: string) => string | undefined;
  /** Returns an error message for a malformed message template, undefined for a valid one. */
  validateTemplate?: (template: string) => string | undefined;
  /** Returns a warning for a valid rule the operator should look at again, undefined for one that is fine. */
  warnRule?: (rule: string) => string | undefined;
}

/** Where the file's subscriptions post. Console: printed by `herald start` when no platform token is set. */
export const CONFIG_PLATFORMS = ['discord', 'slack', 'console'] as const;
/** Ids that YAML would read as numbers: kept as the digits written (Discord ids are too long for a float). */
const ID_KEYS: ReadonlySet<string> = new Set(['workspace', 'channel', 'role']);

type Path = readonly PropertyKey[];

/** zod's own messages speak of types; these speak of what to write. */
function requiredAs(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`);
}

/** YAML gives null for a key with nothing after it (or with every child commented out): treat as absent. */
function absentIfNull<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema);
}

function durationSchema(bareNumberUnit: 'seconds' | 'days') {
  const example = bareNumberUnit === 'seconds' ? '30s, 10m or 1h, or a number of seconds' : '12h, 7d or 2w, or a number of days';
  return z.union([z.number(), z.string()], { error: `must be a duration such as ${example}` }).transform((value, ctx) => {
    const seconds =
      typeof value === 'number' ? value * (bareNumberUnit === 'seconds' ? 1 : SECONDS_PER_DAY) : parseDurationSeconds(value.trim());
    if (seconds === undefined || !(seconds > 0)) {
      ctx.addIssue({ code: 'custom', message: `must be a duration such as ${example}` });
      return z.NEVER;
    }
    return seconds;
  });
}

const defaultsShape = {
  pollInterval: absentIfNull(
    durationSchema('seconds')
      .refine((seconds) => Number.isInteger(seconds) && seconds >= 1, { error: 'must be a whole number of seconds, at least 1s' })
      .optional(),
  ),
  maxItemAge: absentIfNull(durationSchema('days').optional()),
};

function ruleSchema(validateRule: ParseConfigOptions['validateRule']) {
  return absentIfNull(
    z
      .string({ error: 'must be text (put it in quotes)' })
      .trim()
      .default('')
      .superRefine((rule, ctx) => {
        if (rule === '' || validateRule === undefined) return;
        const problem = runValidator(validateRule, rule);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
  );
}

/** A feed the operator names: http(s), or a file: URL (the file is the operator's, so both are allowed here). */
function isConfigFeedUrl(value: string): boolean {
  if (isHttpUrl(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'file:' && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** `must be one of discord, slack, console; did you mean "discord"?` */
function oneOf(choices: readonly string[], input: unknown): string {
  const suggestion = typeof input === 'string' ? suggestName(input, choices) : undefined;
  return `${input === undefined ? 'is required: ' : 'must be '}one of ${choices.join(', ')}${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`;
}

const optionalText = (what: string) =>
  z.preprocess(
    (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
    z.string({ error: `must be ${what}` }).trim().optional(),
  );

function buildSubscriptionShape(options: ParseConfigOptions) {
  return {
    url: z
      .string({ error: requiredAs('an http(s) URL or a file:/// URL') })
      .trim()
      .refine(isConfigFeedUrl, { error: 'must be an http(s) URL, or a file:/// URL of a feed file on this machine' })
      .transform((url, ctx) => {
        if (url.startsWith('file:')) return new URL(url).href;
        // Private and loopback addresses are the operator's choice here; what is refused anyway is said why.
        try {
          return checkUrlSyntax(url, { allowPrivate: true }).href;
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: userMessageOf(error) });
          return z.NEVER;
        }
      }),
    rule: ruleSchema(options.validateRule),
    name: optionalText('text'),
    platform: absentIfNull(
      z.enum(CONFIG_PLATFORMS, { error: (issue) => oneOf(CONFIG_PLATFORMS, issue.input) }).default('console'),
    ),
    workspace: optionalText('an id in quotes'),
    channel: optionalText('an id in quotes'),
    template: absentIfNull(
      z
        .string({ error: 'must be text (put it in quotes)' })
        .superRefine((template, ctx) => {
          if (template.trim() === '') ctx.addIssue({ code: 'custom', message: 'is empty; leave the key out for the default layout' });
          else if (options.validateTemplate !== undefined) {
            const problem = runValidator(options.validateTemplate, template);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }
        })
        .optional(),
    ),
    interval: absentIfNull(
      durationSchema('seconds')
        .refine((seconds) => Number.isInteger(seconds) && seconds >= 1, { error: 'must be a whole number of seconds, at least 1s' })
        .optional(),
    ),
    mention: absentIfNull(
      z
        .preprocess(
          (value) => (typeof value === 'string' ? { role: value } : value),
          z.strictObject(
            { role: z.string({ error: requiredAs('a role (Discord) or user-group (Slack) id in quotes') }).trim(), when: ruleSchema(options.validateRule) },
            { error: 'must be a role id in quotes, or a mapping of role and when' },
          ),
        )
        .optional(),
    ),
  };
}

/**
 * The ids each platform needs (workspace and channel; for an admin rule, the workspace alone) and a mention's role
 * id, with where to find them. Runs on the raw value, so that an entry with another problem is still checked.
 */
function findBadIds(value: unknown): { path: Path; message: string }[] {
  const problems: { path: Path; message: string }[] = [];
  const check = (section: string, keys: ReadonlyArray<'workspace' | 'channel'>) => {
    const list = (value as Record<string, unknown> | null)?.[section];
    if (!Array.isArray(list)) return;
    list.forEach((raw: unknown, index) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
      const entry = raw as Record<string, unknown>;
      const platform = entry.platform ?? (section === 'subscriptions' ? 'console' : undefined);
      const ids = typeof platform === 'string' ? DESTINATION_IDS[platform] : undefined;
      const mention = entry.mention;
      if (platform === 'console' && mention !== undefined && mention !== null) {
        problems.push({ path: [section, index, 'mention'], message: 'pings nobody on the console; remove it, or set platform to discord or slack' });
      }
      if (ids === undefined) return;
      for (const key of keys) {
        const id = entry[key];
        if (id === undefined || id === null || id === '') problems.push({ path: [section, index, key], message: `is required for ${String(platform)}: ${ids[key].what}` });
        else if (typeof id === 'string' && !ids[key].pattern.test(id.trim())) problems.push({ path: [section, index, key], message: `must be ${ids[key].what}` });
      }
      const role = typeof mention === 'string' ? mention : (mention as { role?: unknown } | null | undefined)?.role;
      if (typeof role === 'string' && !ids.role.pattern.test(role.trim())) {
        problems.push({ path: [section, index, 'mention', ...(typeof mention === 'string' ? [] : ['role'])], message: `must name ${ids.role.what}` });
      }
    });
  };
  check('subscriptions', ['workspace', 'channel']);
  check('rules', ['workspace']);
  return problems;
}

const DESTINATION_IDS: Record<string, Record<'workspace' | 'channel' | 'role', { pattern: RegExp; what: string }>> = {
  discord: {
    workspace: { pattern: /^\d{5,25}$/, what: 'the server (guild) id, in quotes, such as "100000000000000001" (in Discord: right-click the server, Copy Server ID)' },
    channel: { pattern: /^\d{5,25}$/, what: 'the channel id, in quotes, such as "200000000000000001" (in Discord: right-click the channel, Copy Channel ID)' },
    role: { pattern: /^\d{5,25}$/, what: 'a role id, in quotes (in Discord: Server Settings, Roles, right-click the role, Copy Role ID)' },
  },
  slack: {
    workspace: { pattern: /^[TE][A-Z0-9]{2,}$/, what: 'the workspace (team) id, such as T024BE7LD (in Slack: the workspace menu, Settings, or the team id in a workspace URL)' },
    channel: { pattern: /^[CGD][A-Z0-9]{2,}$/, what: 'the channel id, such as C024BE91L (in Slack: the channel\'s details, at the bottom)' },
    role: { pattern: /^S[A-Z0-9]{2,}$/, what: 'a user-group id such as S0614TZR7 (in Slack: the group\'s page, Copy group ID)' },
  },
};

const adminRuleShape = (options: ParseConfigOptions) => ({
  platform: z.enum(['discord', 'slack'], { error: (issue) => oneOf(['discord', 'slack'], issue.input) }),
  workspace: optionalText('an id in quotes'),
  rule: ruleSchema(options.validateRule),
});

const slackShape = {
  admins: absentIfNull(
    z
      .array(
        z.string({ error: requiredAs('a Slack user id') }).regex(/^[UW][A-Z0-9]{2,}$/, {
          error: 'must be a Slack user id such as U024BE7LH (in Slack: the member\'s profile, "Copy member ID")',
        }),
        { error: 'must be a list of Slack user ids, such as [U024BE7LH]' },
      )
      .default([]),
  ),
};

const mapping = (what: string) => ({ error: `must be a mapping of ${what}` });

function buildConfigSchema(options: ParseConfigOptions) {
  const subscriptionShape = buildSubscriptionShape(options);
  return z
    .strictObject(
      {
        defaults: absentIfNull(
          z
            .strictObject(defaultsShape, mapping('pollInterval and maxItemAge'))
            .default({})
            .transform(({ pollInterval, maxItemAge }) => ({
              ...(pollInterval !== undefined && { pollIntervalSeconds: pollInterval }),
              ...(maxItemAge !== undefined && { maxItemAgeDays: maxItemAge / SECONDS_PER_DAY }),
            })),
        ),
        subscriptions: absentIfNull(
          z
            .array(
              z.strictObject(subscriptionShape, mapping('url, rule, name, platform, workspace, channel, template, interval and mention')),

              { error: 'must be a list of subscriptions, each starting with "- url:"' },
            )
            .default([]),
        ),
        rules: absentIfNull(
          z
            .array(
              z.strictObject(adminRuleShape(options), mapping('platform, workspace and rule')),
              { error: 'must be a list of admin rules, each starting with "- platform:"' },
            )
            .default([]),
        ),
        slack: absentIfNull(z.strictObject(slackShape, mapping('admins')).default({ admins: [] })),
      },
      mapping('defaults, subscriptions, rules and slack'),
    );
}

type ParsedConfig = z.output<ReturnType<typeof buildConfigSchema>>;
/** Where an entry starts in the file (1-based), for messages that point at it. */
interface Located {
  readonly line: number;
}
export type SubscriptionConfig = ParsedConfig['subscriptions'][number] & Located;
export type AdminRuleConfig = ParsedConfig['rules'][number] & Located;
export type HeraldConfig = Omit<ParsedConfig, 'subscriptions' | 'rules'> & {
  subscriptions: SubscriptionConfig[];
  rules: AdminRuleConfig[];
  /** Worth telling the operator, not worth refusing the file for: `<file>:<line>: <path> <warning>`. */
  warnings: string[];
};

const MENTION_KEYS = ['role', 'when'];

/** The keys allowed at each place, for "did you mean". */
function knownKeysAt(path: Path): readonly string[] {
  if (path.length === 0) return ['defaults', 'subscriptions', 'rules', 'slack'];
  if (path[0] === 'defaults') return Object.keys(defaultsShape);
  if (path[0] === 'subscriptions') return path[2] === 'mention' ? MENTION_KEYS : Object.keys(buildSubscriptionShape({}));
  if (path[0] === 'rules') return Object.keys(adminRuleShape({}));
  if (path[0] === 'slack') return Object.keys(slackShape);
  return [];
}

export function parseConfigText(text: string, sourceName: string, options: ParseConfigOptions = {}): HeraldConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, intAsBigInt: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${sourceName}: ${describeSyntaxError(error.code, error.message)} (line ${line}, column ${col})`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  let value: unknown;
  try {
    value = idsAsWritten(doc.toJS({ maxAliasCount: 100 }) ?? {});
  } catch (error) {
    throw new ConfigError([`${sourceName}: ${messageOf(error)}`], { cause: error });
  }
  const result = buildConfigSchema(options).safeParse(value);
  const issues = [...(result.error?.issues ?? []), ...findDuplicates(value), ...findBadIds(value)];
  if (result.success && issues.length === 0) {
    const lineOf = (section: string, index: number) => findValueLine(doc, lineCounter, [section, index]);
    return {
      ...result.data,
      subscriptions: result.data.subscriptions.map((entry, index) => ({ ...entry, line: lineOf('subscriptions', index) })),
      rules: result.data.rules.map((entry, index) => ({ ...entry, line: lineOf('rules', index) })),
      warnings: options.warnRule === undefined ? [] : warnAboutRules(result.data, options.warnRule, (path) => `${sourceName}:${findValueLine(doc, lineCounter, path)}`),
    };
  }
  const located = issues.flatMap((issue) => describeIssue(issue, doc, lineCounter));
  located.sort((a, b) => a.line - b.line);
  throw new ConfigError(located.map(({ path, message, line }) => formatProblem(`${sourceName}: ${path === '' ? '' : `${path}: `}`, message, line)));
}

/** Every rule of the file (subscriptions' rules and mention rules, admin rules) that `warnRule` has a word about. */
function warnAboutRules(config: ParsedConfig, warnRule: (rule: string) => string | undefined, placeOf: (path: Path) => string): string[] {
  const rules: Array<{ path: Path; rule: string }> = [
    ...config.subscriptions.flatMap((entry, index) => [
      { path: ['subscriptions', index, 'rule'], rule: entry.rule },
      ...(entry.mention === undefined ? [] : [{ path: ['subscriptions', index, 'mention', 'when'], rule: entry.mention.when }]),
    ]),
    ...config.rules.map((entry, index) => ({ path: ['rules', index, 'rule'], rule: entry.rule })),
  ];
  return rules.flatMap(({ path, rule }) => {
    const warning = rule === '' ? undefined : warnRule(rule);
    return warning === undefined ? [] : [`${placeOf(path)}: ${formatPath(path)} ${warning}`];
  });
}

/**
 * `<file>: <path>: <message> (line N)`. A message of several lines (a rule error with a caret under the fault) has
 * its later lines indented by the lead, so the caret still stands under the character it points at.
 */
function formatProblem(lead: string, message: string, line: number): string {
  const [first = '', ...rest] = message.split('\n');
  return [`${lead}${first}`, ...rest.map((text) => `${' '.repeat(lead.length)}${text}`)].join('\n') + ` (line ${line})`;
}

/**
 * YAML reads an unquoted 100000000000000001 as a number, and a Discord id that long is not exact as one: ids are
 * read as the digits written (toJS keeps integers exact as BigInt here), every other number as a number.
 */
function idsAsWritten(value: unknown, key?: string): unknown {
  if (typeof value === 'bigint') return key !== undefined && ID_KEYS.has(key) ? value.toString() : Number(value);
  if (typeof value === 'number' && key !== undefined && ID_KEYS.has(key) && Number.isInteger(value)) return String(value);
  if (Array.isArray(value)) return value.map((entry) => idsAsWritten(entry, key === undefined ? undefined : `${key}[]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, idsAsWritten(entry, name)]));
  }
  return value;
}

interface LocatedProblem {
  path: string;
  message: string;
  line: number;
}

function describeIssue(issue: z.core.$ZodIssue | { path: Path; message: string }, doc: Document, lineCounter: LineCounter): LocatedProblem[] {
  if ('code' in issue && issue.code === 'unrecognized_keys') {
    const present = listKeys(doc, issue.path);
    const candidates = knownKeysAt(issue.path).filter((known) => !present.includes(known));
    return issue.keys.map((key) => {
      const suggestion = suggestName(key, candidates);
      const hint = suggestion === undefined ? `expected one of: ${knownKeysAt(issue.path).join(', ')}` : `did you mean "${suggestion}"?`;
      return {
        path: formatPath([...issue.path, key]),
        message: `unknown key; ${hint}`,
        line: findKeyLine(doc, lineCounter, issue.path, key),
      };
    });
  }
  return [{ path: formatPath(issue.path), message: issue.message, line: findValueLine(doc, lineCounter, issue.path) }];
}

/** The line of the value at `path`, or of its nearest existing ancestor when the key is missing. */
function findValueLine(doc: Document, lineCounter: LineCounter, path: Path): number {
  for (let length = path.length; length > 0; length -= 1) {
    const node: unknown = doc.getIn(path.slice(0, length), true);
    const start = rangeStart(node);
    if (start !== undefined) return lineCounter.linePos(start).line;
  }
  return lineCounter.linePos(rangeStart(doc.contents) ?? 0).line;
}

function findKeyLine(doc: Document, lineCounter: LineCounter, mapPath: Path, key: string): number {
  const map: unknown = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const start = rangeStart(pair?.key);
    if (start !== undefined) return lineCounter.linePos(start).line;
  }
  return findValueLine(doc, lineCounter, mapPath);
}

/** The keys written in the mapping at `path`: a key already there is not what a typo meant. */
function listKeys(doc: Document, path: Path): string[] {
  const map: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return isMap(map) ? map.items.flatMap((item) => (isScalar(item.key) ? [String(item.key.value)] : [])) : [];
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  return range?.[0];
}

/** `subscriptions[1].url` */
function formatPath(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}

function describeSyntaxError(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key appears twice in the same mapping';
  if (code === 'MULTIPLE_DOCS') return 'more than one YAML document (a second "---" line)';
  return message;
}

/**
 * Two entries posting one feed to one channel, or two admin rules for one workspace. Runs on the raw value, so
 * that it is reported together with any other problem in the file.
 */
function findDuplicates(value: unknown): { path: Path; message: string }[] {
  const section = (name: string): unknown[] => {
    const list = (value as Record<string, unknown> | null)?.[name];
    return Array.isArray(list) ? list : [];
  };
  const duplicates: { path: Path; message: string }[] = [];
  const firstIndex = new Map<string, number>();
  section('subscriptions').forEach((subscription, index) => {
    const { url, platform = 'console', workspace = '', channel = '', name = '' } = (subscription ?? {}) as Record<string, unknown>;
    if (typeof url !== 'string' || !isConfigFeedUrl(url.trim())) return;
    const where = platform === 'console' ? String(channel || name) : `${String(workspace)}/${String(channel)}`;
    const key = `${String(platform)}\n${where}\n${new URL(url.trim()).href}`;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else duplicates.push({ path: ['subscriptions', index, 'url'], message: `is the same feed in the same channel as subscriptions[${first}]; combine the two rules with OR` });
  });
  const firstRule = new Map<string, number>();
  section('rules').forEach((rule, index) => {
    const { platform, workspace } = (rule ?? {}) as Record<string, unknown>;
    const key = `${String(platform)}\n${String(workspace)}`;
    const first = firstRule.get(key);
    if (first === undefined) firstRule.set(key, index);
    else duplicates.push({ path: ['rules', index, 'workspace'], message: `already has an admin rule in rules[${first}]; a workspace has one, so combine them (AND)` });
  });
  return duplicates;
}

function runValidator(validate: (text: string) => string | undefined, text: string): string | undefined {
  try {
    return validate(text);
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * Herald's YAML configuration (config/herald.example.yaml documents every key). Takes the file's text
 * and a name to show in messages; returns the validated config, or throws a ConfigError listing every
 * problem as `<file>: <path>: <what is wrong> (line N)`. Unknown keys are errors (with "did you mean"),
 * so a typo is never silently ignored. Rule syntax is checked by an injected validator, which keeps this
 * module independent of the rule language.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { parseDurationSeconds, SECONDS_PER_DAY } from './duration.ts';
import { isHttpUrl } from '../net/http-url.ts';
import { suggestName } from './suggest-name.ts';
import { messageOf } from '../errors.ts';

export interface ParseConfigOptions {
  /** Returns an error message for a malformed rule, undefined for a valid one. */
  validateRule?: (rule: string) => string | undefined;
}

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

function buildSubscriptionShape(validateRule: ParseConfigOptions['validateRule']) {
  return {
    url: z
      .string({ error: requiredAs('an http(s) URL') })
      .trim()
      .refine(isHttpUrl, { error: 'must be an http(s) URL' }),
    rule: absentIfNull(
      z
        .string({ error: 'must be text (put it in quotes)' })
        .trim()
        .default('')
        .superRefine((rule, ctx) => {
          if (rule === '' || validateRule === undefined) return;
          const problem = runRuleValidator(validateRule, rule);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        }),
    ),
    name: z.preprocess(
      (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
      z.string({ error: 'must be text' }).trim().optional(),
    ),
  };
}

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
  const subscriptionShape = buildSubscriptionShape(options.validateRule);
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
            .array(z.strictObject(subscriptionShape, mapping('url, rule and name')), {
              error: 'must be a list of subscriptions, each starting with "- url:"',
            })
            .default([]),
        ),
        slack: absentIfNull(z.strictObject(slackShape, mapping('admins')).default({ admins: [] })),
      },
      mapping('defaults, subscriptions and slack'),
    );
}

export type HeraldConfig = z.output<ReturnType<typeof buildConfigSchema>>;
export type SubscriptionConfig = HeraldConfig['subscriptions'][number];

/** The keys allowed at each place, for "did you mean". */
function knownKeysAt(path: Path): readonly string[] {
  if (path.length === 0) return ['defaults', 'subscriptions', 'slack'];
  if (path[0] === 'defaults') return Object.keys(defaultsShape);
  if (path[0] === 'subscriptions') return Object.keys(buildSubscriptionShape(undefined));
  if (path[0] === 'slack') return Object.keys(slackShape);
  return [];
}

export function parseConfigText(text: string, sourceName: string, options: ParseConfigOptions = {}): HeraldConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${sourceName}: ${describeSyntaxError(error.code, error.message)} (line ${line}, column ${col})`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (error) {
    throw new ConfigError([`${sourceName}: ${messageOf(error)}`], { cause: error });
  }
  const result = buildConfigSchema(options).safeParse(value);
  const issues = [...(result.error?.issues ?? []), ...findDuplicateUrls(value)];
  if (result.success && issues.length === 0) return result.data;
  const located = issues.flatMap((issue) => describeIssue(issue, doc, lineCounter));
  located.sort((a, b) => a.line - b.line);
  throw new ConfigError(located.map(({ path, message, line }) => `${sourceName}: ${path === '' ? '' : `${path}: `}${message} (line ${line})`));
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

/** Runs on the raw value, so that it is reported together with any other problem in the file. */
function findDuplicateUrls(value: unknown): { path: Path; message: string }[] {
  const subscriptions = (value as { subscriptions?: unknown } | null)?.subscriptions;
  if (!Array.isArray(subscriptions)) return [];
  const firstIndex = new Map<string, number>();
  const duplicates: { path: Path; message: string }[] = [];
  subscriptions.forEach((subscription: unknown, index) => {
    const url = (subscription as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !isHttpUrl(url.trim())) return;
    const key = new URL(url.trim()).href;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else duplicates.push({ path: ['subscriptions', index, 'url'], message: `is the same feed as subscriptions[${first}]; combine the two rules with OR` });
  });
  return duplicates;
}

function runRuleValidator(validateRule: (rule: string) => string | undefined, rule: string): string | undefined {
  try {
    return validateRule(rule);
  } catch (error) {
    return messageOf(error);
  }
}

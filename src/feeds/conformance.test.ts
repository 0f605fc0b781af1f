/**
 * Conformance of the feed parser against other projects' test suites, read from ../shared/corpus beside the
 * project (never copied in). gofeed: each input with gofeed's expected JSON beside it. feedparser: the `Expect:`
 * expressions in each file's opening comment that name a title, link, id or date. Both models keep some markup
 * in titles where ours is plain text, so a title matches when it equals the expected value folded, or its text.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode.ts';
import type { Item, ParsedFeed } from './item.ts';
import { FeedParseError, parseFeed } from './parse.ts';
import { htmlToText } from '../text/html-to-text.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const FOLDERS = ['feedparser', 'gofeed', 'rss-parser', 'feed-extractor', 'jsonfeed-net', 'w3c-feedvalidator'];

interface Outcome {
  readonly file: string;
  /** How many comparisons were made; files with none are left out of the rate. */
  readonly checks: number;
  readonly failures: string[];
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function tryParse(bytes: Uint8Array, url: string, contentType?: string): ParsedFeed | string {
  try {
    return parseFeed(decodeFeedBytes(bytes, contentType), url);
  } catch (error) {
    return error instanceof FeedParseError ? `${error.code}: ${error.message}` : `crash: ${String(error)}`;
  }
}

function sameText(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  return actual === expected.replace(/\s+/g, ' ').trim() || actual === htmlToText(expected);
}

function absolute(reference: string, base: string): string | undefined {
  try {
    return new URL(reference.trim(), base).href;
  } catch {
    return undefined;
  }
}

function sameInstant(actual: Date | undefined, expected: Date): boolean {
  return actual !== undefined && actual.getTime() === expected.getTime();
}

// ---- gofeed ----

type Json = Record<string, unknown>;

function gofeedCases(): { input: string; expected: string }[] {
  const cases: { input: string; expected: string }[] = [];
  for (const file of filesUnder(join(CORPUS, 'gofeed'))) {
    if (file.endsWith('_expected.json')) continue;
    const sibling = file.endsWith('.json') ? file.replace(/\.json$/, '_expected.json') : file.replace(/\.xml$/, '.json');
    if (sibling !== file && existsSync(sibling)) cases.push({ input: file, expected: sibling });
  }
  return cases;
}

function checkGofeed(file: string, expected: Json, url: string): Outcome {
  const failures: string[] = [];
  let checks = 0;
  const parsed = tryParse(readFileSync(file), url);
  if (typeof parsed === 'string') return { file, checks: 1, failures: [parsed] };
  const check = (field: string, ok: boolean, want: unknown, got: unknown): void => {
    checks += 1;
    if (!ok) failures.push(`${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  if (typeof expected.title === 'string') check('feed title', sameText(parsed.title, expected.title), expected.title, parsed.title);
  const entries = ((expected.items ?? expected.entries ?? []) as Json[]).filter((entry) => entry !== null);
  if (entries.length > 0 || parsed.items.length > 0) check('item count', entries.length === parsed.items.length, entries.length, parsed.items.length);
  entries.forEach((entry, index) => {
    const item = parsed.items[index];
    if (item === undefined) return;
    if (typeof entry.title === 'string') check(`items[${index}].title`, sameText(item.title, entry.title), entry.title, item.title);
    const link = expectedGofeedLink(entry, url);
    if (link !== undefined) check(`items[${index}].link`, item.link === link, link, item.link);
    const guid = expectedGofeedGuid(entry);
    if (guid !== undefined) check(`items[${index}].id`, item.id === guid, guid, item.id);
    const published = entry.publishedParsed ?? entry.pubDateParsed;
    if (typeof published === 'string') {
      check(`items[${index}].published`, sameInstant(item.published, new Date(published)), published, item.published);
    }
  });
  return { file, checks, failures };
}

function expectedGofeedLink(entry: Json, url: string): string | undefined {
  if (typeof entry.link === 'string') return absolute(entry.link, url);
  // gofeed's Atom model keeps every link: the one a reader follows is the alternate, text/html first.
  const links = Array.isArray(entry.links) ? (entry.links as Json[]) : [];
  const alternates = links.filter((link) => typeof link.href === 'string' && (link.rel ?? 'alternate') === 'alternate');
  const chosen = alternates.find((link) => link.type === 'text/html') ?? alternates.find((link) => link.type === undefined) ?? alternates[0];
  return typeof chosen?.href === 'string' ? absolute(chosen.href, url) : undefined;
}

function expectedGofeedGuid(entry: Json): string | undefined {
  const guid = entry.guid ?? entry.id;
  const value = typeof guid === 'object' && guid !== null ? (guid as Json).value : guid;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

// ---- feedparser ----

interface Access {
  readonly entry: number | undefined; // undefined: the feed
  readonly path: readonly string[];
}
type Operand = { readonly access: Access } | { readonly value: string | number[] };
interface Clause {
  readonly operands: readonly Operand[];
}

const DOCUMENT_ROOT = 'http://127.0.0.1:8097/tests/';
const NAMED_FIELDS = new Set(['title', 'title_detail', 'link', 'id', 'guid', 'published', 'updated', 'created', 'published_parsed', 'updated_parsed', 'created_parsed']);

/** Reads one Python operand: feed/entries[N] accessors, string literals (with +), tuples of numbers. */
function readOperand(source: string): Operand | undefined {
  const text = source.trim();
  const access = /^(feed|entries\[(\d+)\])((?:\[['"]\w+['"]\]|\.\w+|\.get\(['"]\w+['"]\))*)$/.exec(text);
  if (access !== null) {
    const path = [...(access[3] ?? '').matchAll(/\w+/g)].map(([key]) => key).filter((key) => key !== 'get');
    return { access: { entry: access[2] === undefined ? undefined : Number(access[2]), path } };
  }
  const tuple = /^\(([\d,\s]+)\)$/.exec(text);
  if (tuple !== null) return { value: (tuple[1] ?? '').split(',').map(Number) };
  const parts = splitTopLevel(text, '+');
  const strings = parts.map(readPythonString);
  if (strings.every((part) => part !== undefined)) return { value: strings.join('') };
  return undefined;
}

function readPythonString(source: string): string | undefined {
  const match = /^[uUbB]?(['"])(.*)\1$/s.exec(source.trim());
  if (match === null) return undefined;
  return (match[2] ?? '').replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, escape: string) => {
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escape] ?? escape;
  });
}

/** Splits on a separator that is outside string literals, brackets and parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quote !== undefined) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') depth -= 1;
    else if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

type Verdict = 'pass' | 'fail' | 'skipped' | 'unrelated';

function namesOurFields(source: string): boolean {
  return [...source.matchAll(/(?:feed|entries\[\d+\])(?:\[['"](\w+)['"]\]|\.(\w+))/g)].some(([, a, b]) => NAMED_FIELDS.has(a ?? b ?? ''));
}

/** Judges one clause of an Expect expression (alternatives joined by `or`) against our result. */
function judgeClause(source: string, feed: ParsedFeed | undefined): Verdict {
  if (!namesOurFields(source)) return 'unrelated';
  const alternatives = splitTopLevel(source, ' or ').map((alternative) => {
    const operands = splitTopLevel(alternative, '==').map(readOperand);
    return operands.length >= 2 && operands.every((operand) => operand !== undefined) ? { operands } : undefined;
  });
  if (alternatives.some((alternative) => alternative === undefined)) return 'skipped';
  let verdict: Verdict = 'fail';
  for (const clause of alternatives as Clause[]) {
    const result = evaluate(clause, feed);
    if (result === 'skipped') return 'skipped';
    if (result === 'pass') verdict = 'pass';
  }
  return verdict;
}

function evaluate(clause: Clause, feed: ParsedFeed | undefined): Verdict {
  const literal = clause.operands.find((operand) => 'value' in operand);
  if (literal === undefined || !('value' in literal)) return 'skipped';
  for (const operand of clause.operands) {
    if (!('access' in operand)) continue;
    const result = compare(operand.access, literal.value, feed);
    if (result !== 'pass') return result;
  }
  return 'pass';
}

function compare(access: Access, expected: string | number[], feed: ParsedFeed | undefined): Verdict {
  const [field = '', sub] = access.path;
  if (access.path.length > 2 || (field === 'title_detail' && sub !== 'value') || (field !== 'title_detail' && sub !== undefined)) return 'skipped';
  const item: Item | undefined = access.entry === undefined ? undefined : feed?.items[access.entry];
  if (access.entry === undefined) {
    if (typeof expected !== 'string') return 'skipped';
    if (field === 'title' || field === 'title_detail') return sameText(feed?.title, expected) ? 'pass' : 'fail';
    if (field === 'link') return feed?.link === expected ? 'pass' : 'fail';
    return 'skipped'; // the feed's own id and dates are not in our model
  }
  if (Array.isArray(expected)) {
    const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = expected;
    return sameInstant(dateField(item, field.replace('_parsed', '')), new Date(Date.UTC(year, month - 1, day, hour, minute, second))) ? 'pass' : 'fail';
  }
  switch (field) {
    case 'title':
    case 'title_detail':
      return sameText(item?.title, expected) ? 'pass' : 'fail';
    case 'link':
      return item?.link === expected ? 'pass' : 'fail';
    case 'id':
    case 'guid':
      return item?.id === expected ? 'pass' : 'fail';
    default: {
      const date = new Date(expected);
      if (Number.isNaN(date.getTime())) return 'skipped';
      return sameInstant(dateField(item, field), date) ? 'pass' : 'fail';
    }
  }
}

/** feedparser files dc:date and lastmod under `updated` and dcterms:created under `created`; ours are publication dates. */
function dateField(item: Item | undefined, field: string): Date | undefined {
  if (field === 'updated') return item?.updated ?? item?.published;
  return item?.published;
}

function feedparserHeaders(text: string): { contentType?: string; location?: string } {
  const contentType = /^\s*Header:\s*Content-type:\s*(.+)$/im.exec(text)?.[1]?.trim();
  const location = /^\s*Header:\s*Content-Location:\s*(.+)$/im.exec(text)?.[1]?.trim();
  return { ...(contentType !== undefined && { contentType }), ...(location !== undefined && { location }) };
}

interface FeedparserResult extends Outcome {
  readonly judged: number;
  readonly skipped: number;
}

function checkFeedparser(file: string): FeedparserResult | undefined {
  const bytes = readFileSync(file);
  const head = bytes.toString('latin1', 0, 4000);
  const expect = /Expect:\s*(.*?)\s*(?:-->.*)?$/m.exec(head)?.[1];
  if (expect === undefined) return undefined;
  const clauses = splitTopLevel(expect, ' and ').filter((clause) => namesOurFields(clause));
  if (clauses.length === 0) return undefined;
  const headers = feedparserHeaders(head);
  const documentUrl = DOCUMENT_ROOT + relative(join(CORPUS, 'feedparser'), file).split('\\').join('/');
  const location = headers.location === undefined ? undefined : absolute(headers.location, documentUrl);
  const url = location?.startsWith('http') === true ? location : documentUrl;
  const parsed = tryParse(bytes, url, headers.contentType);
  const feed = typeof parsed === 'string' ? undefined : parsed;
  const failures: string[] = [];
  let judged = 0;
  let skipped = 0;
  for (const clause of clauses) {
    const verdict = judgeClause(clause, feed);
    if (verdict === 'skipped') skipped += 1;
    if (verdict === 'pass' || verdict === 'fail') judged += 1;
    if (verdict === 'fail') failures.push(`${clause.trim()} (${typeof parsed === 'string' ? parsed : describeFeed(parsed)})`);
  }
  return { file, checks: judged, failures, judged, skipped };
}

function describeFeed(feed: ParsedFeed): string {
  const [first] = feed.items;
  return JSON.stringify({ title: feed.title, link: feed.link, first: first && { title: first.title, link: first.link, id: first.id, published: first.published, updated: first.updated } });
}

// ---- the tests ----

describe.skipIf(!existsSync(CORPUS))('conformance with the shared corpus', () => {
  it('agrees with gofeed and feedparser on titles, links, ids and dates in at least 95% of cases', () => {
    const gofeed = gofeedCases()
      .map(({ input, expected }) => {
        const url = `http://example.org/${relative(CORPUS, input)}`;
        return checkGofeed(input, JSON.parse(readFileSync(expected, 'utf8')) as Json, url);
      })
      .filter((outcome) => outcome.checks > 0);
    const feedparser = filesUnder(join(CORPUS, 'feedparser')).flatMap((file) => checkFeedparser(file) ?? []);
    const judgedFeedparser = feedparser.filter((result) => result.checks > 0);
    const all: Outcome[] = [...gofeed, ...judgedFeedparser];
    const passes = all.filter((outcome) => outcome.failures.length === 0).length;
    const rate = passes / all.length;
    const summary = {
      gofeed: {
        files: gofeed.length,
        passes: gofeed.filter((outcome) => outcome.failures.length === 0).length,
        checks: gofeed.reduce((sum, outcome) => sum + outcome.checks, 0),
      },
      feedparser: {
        files: judgedFeedparser.length,
        passes: judgedFeedparser.filter((outcome) => outcome.failures.length === 0).length,
        clausesJudged: feedparser.reduce((sum, result) => sum + result.judged, 0),
        clausesSkipped: feedparser.reduce((sum, result) => sum + result.skipped, 0),
      },
      combined: { files: all.length, passes, rate: Number(rate.toFixed(4)) },
      firstFailures: all
        .filter((outcome) => outcome.failures.length > 0)
        .slice(0, 20)
        .map((outcome) => `${relative(CORPUS, outcome.file)}: ${outcome.failures.slice(0, 2).join('; ').slice(0, 300)}`),
    };
    console.log(JSON.stringify(summary, null, 2));
    // CONFORMANCE_REPORT=<file> writes every failure, for working on the parser.
    const report = process.env.CONFORMANCE_REPORT;
    if (report !== undefined) {
      const lines = all.filter((outcome) => outcome.failures.length > 0).map((outcome) => `${relative(CORPUS, outcome.file)}: ${outcome.failures.join('; ')}`);
      writeFileSync(report, `${lines.join('\n')}\n`);
    }
    expect(rate).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('parses every corpus file without crashing: only FeedParseError, never an Invalid Date', () => {
    const counts = { files: 0, parsed: 0, 'not-a-feed': 0, malformed: 0 };
    const problems: string[] = [];
    for (const folder of FOLDERS) {
      for (const file of filesUnder(join(CORPUS, folder))) {
        counts.files += 1;
        try {
          const feed = parseFeed(decodeFeedBytes(readFileSync(file)), 'http://example.org/feed');
          counts.parsed += 1;
          const dates = feed.items.flatMap((item) => [item.published, item.updated]);
          if (dates.some((date) => date !== undefined && Number.isNaN(date.getTime()))) problems.push(`${file}: Invalid Date`);
        } catch (error) {
          if (error instanceof FeedParseError) counts[error.code] += 1;
          else problems.push(`${file}: ${String(error)}`);
        }
      }
    }
    console.log(JSON.stringify({ ...counts, problems: problems.slice(0, 20) }, null, 2));
    expect(counts.files).toBeGreaterThan(4000);
    expect(problems).toEqual([]);
  }, 60_000);
});

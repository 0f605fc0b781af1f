/**
 * Golden test of the parser's output on the 22 feeds of the parse benchmark (test/fixtures/parse-golden/feeds.json:
 * the two seeds and the 20 largest real-world captures of ../shared/corpus, read from there, never copied in).
 * Every field of every normalised item, and the feed's own fields, are compared with what the parser produced when
 * the expectations were recorded: short values as themselves, long ones (summaries, content) as a SHA-256 and a
 * length, so that the fixture stays small. It guards the speed work of issue 11: faster, never different.
 *
 * To record the expectations again after a deliberate change of output: GOLDEN_UPDATE=1 npx vitest run <this file>.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode.ts';
import type { ParsedFeed } from './item.ts';
import { parseFeed } from './parse.ts';

const FIXTURES = new URL('../../test/fixtures/parse-golden/', import.meta.url);
const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const EXPECTED = fileURLToPath(new URL('expected.json', FIXTURES));
/** Longer strings are stored as a digest. */
const LITERAL_LIMIT = 160;

interface FeedList {
  readonly feedUrl: string;
  readonly feeds: readonly string[];
}

const list = JSON.parse(readFileSync(fileURLToPath(new URL('feeds.json', FIXTURES)), 'utf8')) as FeedList;

type Golden = Record<string, unknown>;

function goldenValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') {
    if (value.length <= LITERAL_LIMIT) return value;
    return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 32)} (${value.length} chars)`;
  }
  if (Array.isArray(value)) {
    const values = value.map(goldenValue);
    return JSON.stringify(values).length <= LITERAL_LIMIT * 2 ? values : goldenValue(JSON.stringify(values));
  }
  return value;
}

/** The feed as plain JSON values, every field of every item by name (fields in sorted order). */
function goldenOf(feed: ParsedFeed): Golden {
  const fields = (record: object): Golden => {
    const entries = Object.entries(record).filter(([name]) => name !== 'items');
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => [name, goldenValue(value)]));
  };
  return { ...fields(feed), items: feed.items.map(fields) };
}

function parseAll(): Record<string, Golden> {
  const result: Record<string, Golden> = {};
  for (const path of list.feeds) {
    result[path] = goldenOf(parseFeed(decodeFeedBytes(readFileSync(`${SHARED}${path}`)), list.feedUrl));
  }
  return result;
}

describe.skipIf(!existsSync(`${SHARED}corpus`))('parse output of the 22 benchmark feeds', () => {
  it('is what it was when recorded, field by field', () => {
    const actual = parseAll();
    if (process.env.GOLDEN_UPDATE === '1') writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 1)}\n`);
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, Golden>;
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const path of list.feeds) {
      const { items: actualItems, ...actualFeed } = actual[path] ?? {};
      const { items: expectedItems, ...expectedFeed } = expected[path] ?? {};
      expect(actualFeed, path).toEqual(expectedFeed);
      const want = expectedItems as Golden[];
      const got = actualItems as Golden[];
      expect(got.length, `${path}: items`).toBe(want.length);
      // Item by item, so that a difference names its feed, item and field.
      got.forEach((item, index) => expect(item, `${path}: item ${index} (${String(want[index]?.id)})`).toEqual(want[index]));
    }
  }, 60_000);
});

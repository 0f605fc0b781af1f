import { afterEach, describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { HeraldError } from '../errors.ts';
import { FeedParseError, parseFeed } from './parse.ts';
import { ParsePool } from './parse-pool.ts';

const URL = 'https://example.com/feed';

function bigFeed(items: number): string {
  const entries = Array.from({ length: items }, (_, index) =>
    `<item><title>Item ${index} &amp; more</title><link>https://example.com/${index}</link><description>&lt;p&gt;Summary of ${index}&lt;/p&gt;</description><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>`);
  return `<rss version="2.0"><channel><title>Big</title>${entries.join('')}</channel></rss>`;
}

const pools: ParsePool[] = [];
function pool(options: ConstructorParameters<typeof ParsePool>[0]): ParsePool {
  const made = new ParsePool(options);
  pools.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((made) => made.close()));
});

describe('ParsePool', () => {
  it('reads a feed in a worker thread to the same items the main thread reads, summaries included', async () => {
    const text = bigFeed(500);
    const body = await pool({ inlineBelowBytes: 0 }).read({ bytes: Buffer.from(text), finalUrl: URL, discover: false });
    expect(body.kind).toBe('feed');
    const inline = parseFeed(text, URL);
    const read = body.kind === 'feed' ? body.feed : undefined;
    expect(read?.items.map((item) => ({ ...item }))).toEqual(inline.items.map((item) => ({ ...item })));
    expect(read?.items[3]?.summary).toBe('Summary of 3');
    expect(read?.items[3]?.published).toBeInstanceOf(Date);
  });

  it('gives back a feed that cannot be read as the parser\'s own error, for the user and the log', async () => {
    const error = await pool({ inlineBelowBytes: 0 }).read({ bytes: Buffer.from('<html><body>no feed</body></html>'), finalUrl: URL, discover: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).userMessage).toBe('That address does not point to an RSS, Atom or JSON feed.');
  });

  it('finds the feed links of a web page when discovering', async () => {
    const page = `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>${'x'.repeat(100)}</body></html>`;
    const body = await pool({ inlineBelowBytes: 0 }).read({ bytes: Buffer.from(page), finalUrl: URL, discover: true });
    expect(body).toEqual({ kind: 'page', links: ['https://example.com/rss.xml'] });
  });

  it('terminates a worker past the time cap, says so, and reads the next feed in a fresh worker', async () => {
    const parser = pool({ inlineBelowBytes: 0, size: 1, timeoutMs: 1 });
    const error = await parser.read({ bytes: Buffer.from(bigFeed(20_000)), finalUrl: URL, discover: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HeraldError);
    expect((error as HeraldError).code).toBe('parse-timeout');
    expect((error as HeraldError).userMessage).toMatch(/^The feed at https:\/\/example\.com\/feed took too long to parse \(more than 1 ms\)/);
  });

  it('stops a worker past its memory cap with an error that says the feed was too large, and keeps working', async () => {
    const parser = pool({ inlineBelowBytes: 0, size: 1, maxMemoryMb: 48, timeoutMs: 120_000 });
    const error = await parser.read({ bytes: Buffer.from(bigFeed(100_000)), finalUrl: URL, discover: false }).catch((caught: unknown) => caught);
    expect((error as HeraldError).code).toBe('parse-too-large');
    expect((error as HeraldError).userMessage).toMatch(/was too large to parse \(it needed more than 48 MB\)/);
    const body = await parser.read({ bytes: Buffer.from(bigFeed(10)), finalUrl: URL, discover: false });
    expect(body.kind === 'feed' && body.feed.items).toHaveLength(10);
  });

  it('reads small bodies inline', async () => {
    const body = await pool({}).read({ bytes: Buffer.from(bigFeed(1)), finalUrl: URL, discover: false });
    expect(body.kind === 'feed' && body.feed.items[0]?.title).toBe('Item 0 & more');
  });
});

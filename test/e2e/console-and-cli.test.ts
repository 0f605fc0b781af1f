/**
 * What a new user sees without any platform token: `herald start` in console mode prints what it would post
 * and says per feed when a fetch fails; `herald inspect` and `herald check-config` answer from the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});


const item = (guid: string, title: string, minutesAgo = 0): TestItem => ({
  guid, title, link: `https://blog.test/${guid}`, description: `All about ${title}`, pubDate: new Date(Date.now() - minutesAgo * 60_000),
});

describe('console mode (no platform token)', () => {
  it('prints new matching items, says per feed when a fetch fails, and keeps running', async () => {
    const published = [item('1', 'Kafka basics', 60), item('2', 'Cooking', 50)];
    feeds.setFeed('/console.xml', makeRss(published, { title: 'Console Feed' }));
    const work = makeWorkDirectory({
      'herald.yaml': [
        'subscriptions:',
        `  - url: ${feeds.url('/console.xml')}`,
        '    rule: kafka',
        '  - url: http://127.0.0.1:9/unreachable.xml',
        '    name: Offline feed',
        '',
      ].join('\n'),
    });
    const herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_FORMAT: 'pretty' } });
    try {
      // LOG_FORMAT=pretty is honoured even though stderr is a pipe here (JSON lines would start with "{").
      expect(herald.stderr()).toMatch(/Herald started/);
      expect(herald.stderr()).not.toMatch(/^\{/m);
      await herald.waitForLine(/watching 2 feeds/, { stream: 'stdout' });
      await herald.waitForLine(/✓ Console Feed .*: 2 items now, not printed/, { stream: 'stdout' });
      await herald.waitForLine(/⚠ Could not fetch http:\/\/127\.0\.0\.1:9\/unreachable\.xml: .*Herald keeps running/, { stream: 'stdout' });

      feeds.setFeed('/console.xml', makeRss([item('3', 'Kafka Streams deep dive'), item('4', 'Baking bread'), ...published], { title: 'Console Feed' }));
      await herald.waitForLine(/Console Feed — Kafka Streams deep dive/, { stream: 'stdout' });
      expect(herald.stdout()).not.toMatch(/Baking bread|Kafka basics/);
    } finally {
      expect(await herald.stop()).toBe(0);
      work.remove();
    }
  });
});

/** One cold `herald` process (tsx loading all of Herald) on a loaded two-core machine; a test budgets one per process it starts. */
const COLD_PROCESS_BUDGET_MS = 45_000;

describe('herald inspect', () => {
  it('inspects a seed feed from the shared fixtures, with --json', async () => {
    const seed = new URL('../../../shared/fixtures/seeds/techwasti-feed.rss', import.meta.url).pathname;
    const result = await runHeraldToEnd(['inspect', seed, '--rule', 'title:kafka', '--json'], process.cwd());
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { format: string; items: Array<{ title: string; link: string; verdict: { matches: boolean; reason: string } }> };
    expect(parsed.format).toBe('rss');
    expect(parsed.items).toHaveLength(20);
    for (const entry of parsed.items) {
      expect(entry.link).toMatch(/^https:\/\//);
      expect(entry.verdict.matches).toBe(/\bkafka\b/i.test(entry.title));
      expect(entry.verdict.reason.length).toBeGreaterThan(0);
    }
  }, COLD_PROCESS_BUDGET_MS);

  it('fetches a URL and refuses a malformed rule with its position', async () => {
    feeds.setFeed('/inspect.xml', makeRss([item('a', 'Event streaming with Kafka'), item('b', 'Gardening')], { title: 'Inspect Me' }));
    const ok = await runHeraldToEnd(['inspect', feeds.url('/inspect.xml'), '--rule', '"event streaming"'], process.cwd());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Inspect Me \(rss, 2 items\)/);
    expect(ok.stdout).toMatch(/✅ Event streaming with Kafka\n\s+why:\s+matched "event streaming" in title/);
    expect(ok.stdout).toMatch(/❌ Gardening/);

    const bad = await runHeraldToEnd(['inspect', feeds.url('/inspect.xml'), '--rule', 'kafka AND'], process.cwd());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/position \d+/);
  }, 2 * COLD_PROCESS_BUDGET_MS);
});

describe('herald check-config', () => {
  it('accepts the shipped example and reports every problem of a broken file with its line', async () => {
    const example = await runHeraldToEnd(['check-config'], process.cwd(), { HERALD_CONFIG: 'config/herald.example.yaml' });
    expect(example.stdout).toMatch(/is valid: 2 subscriptions/);
    expect(example.code).toBe(0);

    const broken = makeWorkDirectory({ 'herald.yaml': 'subscriptions:\n  - url: ftp://x.test/feed\n    rule: \'kafka AND\'\n  - urll: https://x.test\n' });
    const result = await runHeraldToEnd(['check-config'], broken.cwd);
    broken.remove();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/subscriptions\[0\]\.url: must be an http\(s\) URL, or a file:\/\/\/ URL .*\(line 2\)/);
    expect(result.stderr).toMatch(/subscriptions\[0\]\.rule: .*position/);
    expect(result.stderr).toMatch(/subscriptions\[1\]\.urll: unknown key; did you mean "url"\? \(line 4\)/);
  }, 2 * COLD_PROCESS_BUDGET_MS);
});
